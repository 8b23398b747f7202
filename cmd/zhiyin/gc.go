package main

import (
	"log/slog"
	"math"
	"runtime/metrics"

	"github.com/KimMachineGun/automemlimit/memlimit"
)

// The collector's GOGC while serving (unless the GOGC environment variable
// sets it). The build runs at Go's default, 100, so that its garbage does
// not set the resting memory. Serving, a question's ~20 KB are garbage as
// soon as it is answered, and collecting is a tenth of the CPU under load:
// on the embedded corpus (60 MB live) GOGC 200/300/400 gave 15.1k/15.8k/
// 16.6k answers a second at 32 clients, for 370/470/580 MiB of RSS under
// that load (docs/PERFORMANCE.md); at rest the memory is the same.
//
// A large knowledge base has a large live heap, and GOGC multiplies it: at
// 400, a 2 GiB heap could grow to 10 GiB. So the percentage is chosen for a
// heap goal of about servingHeapGoal, and kept within [100, 400]: 400 for
// the embedded corpus, Go's default from ~512 MiB live. GOMEMLIMIT remains
// the bound for the largest (docs/OPERATIONS.md).
const (
	minServingGCPercent = 100
	maxServingGCPercent = 400
	servingHeapGoal     = 1 << 30
)

// servingGCPercent returns the GOGC for a service whose live heap is live
// bytes: the heap goal, live×(1+GOGC/100), is about servingHeapGoal.
func servingGCPercent(live uint64) int {
	if live == 0 {
		return maxServingGCPercent
	}
	p := 100 * (float64(servingHeapGoal)/float64(live) - 1)
	return int(min(max(p, minServingGCPercent), maxServingGCPercent))
}

// liveHeap returns the heap the last collection found live, or 0 when the
// runtime does not report it.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// memoryLimitRatio is the share of the memory the process may use that the
// Go runtime is told it may use (GOMEMLIMIT, a soft limit): the rest is for
// what the runtime does not count — stacks, the binary, the OS's buffers.
const memoryLimitRatio = 0.9

// setMemoryLimit sets the runtime's soft memory limit to memoryLimitRatio of
// the process's cgroup limit or, outside a limiting cgroup, of the
// machine's memory, unless the GOMEMLIMIT environment variable sets it (or
// AUTOMEMLIMIT=off turns this off). Without a limit the collector lets the
// heap grow to twice what is live: a million-clause knowledge base peaked at
// ~7 GiB while building, against 3.5 GiB under GOMEMLIMIT=3584MiB
// (docs/PERFORMANCE.md), so a 4 GiB VM needs one. A library does this (it
// reads cgroup v1 and v2 limits), not code of ours. It returns the limit in
// bytes (math.MaxInt64 when nothing limits the process), or 0 when none
// was set; it logs the limit.
func setMemoryLimit(logger *slog.Logger) int64 {
	limit, err := memlimit.Set(
		memlimit.WithRatio(memoryLimitRatio),
		memlimit.WithProvider(memlimit.ApplyFallback(memlimit.FromCgroup, memlimit.FromSystem)),
	)
	if err != nil {
		logger.Warn("no memory limit set for the Go runtime", "err", err)
		return 0
	}
	if limit < math.MaxInt64 {
		logger.Info("memory limit", "gomemlimit_mib", limit>>20)
	}
	return limit
}
