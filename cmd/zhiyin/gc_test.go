package main

import "testing"

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
