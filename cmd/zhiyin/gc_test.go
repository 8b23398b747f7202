package main

import (
	"log/slog"
	"os"
	"runtime/debug"
	"testing"

	"github.com/KimMachineGun/automemlimit/memlimit"
)

func TestServingGCPercentKeepsTheHeapGoalNearOneGiB(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		live uint64
		want int
	}{
		{0, 400},          // unknown: the small-corpus setting
		{60 * mib, 400},   // the embedded corpus: capped
		{256 * mib, 300},  // goal 1 GiB
		{512 * mib, 100},  // goal 1 GiB
		{2048 * mib, 100}, // never below Go's default
		{205 * mib, 399},  // rounded down
	} {
		if got := servingGCPercent(tc.live); got != tc.want {
			t.Errorf("servingGCPercent(%d MiB) = %d, want %d", tc.live/mib, got, tc.want)
		}
	}
}

func TestLiveHeapIsReported(t *testing.T) {
	if liveHeap() == 0 {
		t.Fatal("the runtime reports no live heap: the serving GOGC would always be the maximum")
	}
}

// Without GOMEMLIMIT, serve tells the runtime to stay within 90 % of the
// memory it may use, so that a large knowledge base does not outgrow the VM.
func TestMemoryLimitIsSetBelowTheMachinesMemory(t *testing.T) {
	if os.Getenv("GOMEMLIMIT") != "" || os.Getenv("AUTOMEMLIMIT") != "" {
		t.Skip("GOMEMLIMIT or AUTOMEMLIMIT is set in the environment")
	}
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	total, err := memlimit.FromSystem()
	if err != nil {
		t.Skip("the machine's memory is unknown:", err)
	}
	limit := setMemoryLimit(slog.New(slog.DiscardHandler))
	if limit <= 0 || uint64(limit) > total {
		t.Fatalf("memory limit %d, want a positive limit within the machine's %d bytes", limit, total)
	}
	if got := debug.SetMemoryLimit(-1); got != limit {
		t.Errorf("the runtime's limit is %d, setMemoryLimit said %d", got, limit)
	}
}
