package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// Set by the release build (scripts/release.sh) with
// -ldflags "-X main.version=… -X main.commit=… -X main.buildTime=…".
// A plain `go build` leaves them empty; buildVersion then falls back to what
// the Go toolchain stamped into the binary (module version, VCS revision and
// commit time), so even a developer's binary says where it came from.
var (
	version   string
	commit    string
	buildTime string
)

func init() {
	commands["version"] = command{
		summary: "print the version, commit and build time",
		run:     runVersion,
	}
}

// versionInfo is what `zhiyin version` prints.
type versionInfo struct {
	Version   string
	Commit    string
	BuildTime string
	Modified  bool // built from a working tree with uncommitted changes
	GoVersion string
	Platform  string
}

// buildVersion combines the -ldflags values with the build information the
// toolchain embeds; the -ldflags values win where both are present.
func buildVersion(bi *debug.BuildInfo, ok bool) versionInfo {
	v := versionInfo{
		Version: version, Commit: commit, BuildTime: buildTime,
		GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH,
	}
	if ok && bi != nil {
		if v.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if v.Commit == "" {
					v.Commit = s.Value
				}
			case "vcs.time":
				if v.BuildTime == "" {
					v.BuildTime = s.Value // the commit's time: the best a plain build knows
				}
			case "vcs.modified":
				v.Modified = s.Value == "true"
			}
		}
	}
	if v.Version == "" {
		v.Version = "devel"
	}
	if v.Commit == "" {
		v.Commit = "unknown"
	}
	if v.BuildTime == "" {
		v.BuildTime = "unknown"
	}
	return v
}

func runVersion(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("version", flag.ContinueOnError)
	fl.SetOutput(stderr)
	if err := fl.Parse(args); err != nil {
		return errUsage
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "zhiyin version: unexpected argument %q\n", fl.Arg(0))
		return errUsage
	}
	v := buildVersion(debug.ReadBuildInfo())
	commit := v.Commit
	if v.Modified {
		commit += " (modified)"
	}
	fmt.Fprintf(stdout, "zhiyin %s\ncommit:     %s\nbuilt:      %s\ngo:         %s %s\n",
		v.Version, commit, v.BuildTime, v.GoVersion, v.Platform)
	return nil
}
