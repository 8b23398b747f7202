package main

import (
	"bytes"
	"context"
	"runtime/debug"
	"strings"
	"testing"
)

func TestBuildVersionPrefersLdflags(t *testing.T) {
	version, commit, buildTime = "v1.2.3", "abc123", "2026-11-24T23:00:00Z"
	t.Cleanup(func() { version, commit, buildTime = "", "", "" })
	bi := &debug.BuildInfo{Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "fromvcs"}, {Key: "vcs.time", Value: "2020-01-01T00:00:00Z"},
	}}
	v := buildVersion(bi, true)
	if v.Version != "v1.2.3" || v.Commit != "abc123" || v.BuildTime != "2026-11-24T23:00:00Z" {
		t.Errorf("got %+v, want the -ldflags values", v)
	}
}

func TestBuildVersionFallsBackToBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "fromvcs"}, {Key: "vcs.time", Value: "2020-01-01T00:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}}
	v := buildVersion(bi, true)
	if v.Version != "devel" || v.Commit != "fromvcs" || v.BuildTime != "2020-01-01T00:00:00Z" || !v.Modified {
		t.Errorf("got %+v, want the build info's values", v)
	}
	v = buildVersion(nil, false)
	if v.Version != "devel" || v.Commit != "unknown" || v.BuildTime != "unknown" {
		t.Errorf("without build info got %+v", v)
	}
}

func TestVersionCommand(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"version"}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.HasPrefix(out.String(), "zhiyin ") || !strings.Contains(out.String(), "commit:") {
		t.Errorf("output %q", out.String())
	}
	if code := run(context.Background(), []string{"version", "extra"}, nil, &out, &errb); code != 2 {
		t.Errorf("extra argument: exit %d, want 2", code)
	}
}
