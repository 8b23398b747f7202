// Command schedlat reads a Go execution trace (e.g. from `zhiyin serve
// --pprof` under load: curl -o trace.out
// 'http://127.0.0.1:6060/debug/pprof/trace?seconds=2') and prints how long
// goroutines waited between becoming runnable and running: percentiles over
// all waits, and for each way of becoming runnable (woken by the network
// poller shows as "Waiting <no stack>") how many waits exceeded 5 ms.
//
// It is how the client-side tail at 32 clients was traced to the network
// poller (docs/PERFORMANCE.md, channels/web/fairturn.go). A module of its
// own, so that the project does not depend on golang.org/x/exp.
//
//	cd scripts/schedlat && go run . /path/to/trace.out
package main

import (
	"fmt"
	"os"
	"slices"
	"time"

	"golang.org/x/exp/trace"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: schedlat TRACE")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	r, err := trace.NewReader(f)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	type wait struct {
		since trace.Time
		how   string
	}
	runnable := map[trace.GoID]wait{}
	var all []time.Duration
	slow, count := map[string]int{}, map[string]int{}
	for {
		ev, err := r.ReadEvent()
		if err != nil {
			break // io.EOF, or a truncated trace: report what was read
		}
		if ev.Kind() != trace.EventStateTransition {
			continue
		}
		st := ev.StateTransition()
		if st.Resource.Kind != trace.ResourceGoroutine {
			continue
		}
		id := st.Resource.Goroutine()
		from, to := st.Goroutine()
		switch {
		case to == trace.GoRunnable:
			how := "<no stack>"
			for fr := range ev.Stack().Frames() {
				how = fr.Func
				break
			}
			runnable[id] = wait{ev.Time(), fmt.Sprint(from, " ", how)}
		case from == trace.GoRunnable && to == trace.GoRunning:
			w, ok := runnable[id]
			if !ok {
				continue
			}
			delete(runnable, id)
			d := time.Duration(ev.Time() - w.since)
			all = append(all, d)
			count[w.how]++
			if d > 5*time.Millisecond {
				slow[w.how]++
			}
		}
	}
	if len(all) == 0 {
		fmt.Println("no goroutine ran in the trace")
		return
	}
	slices.Sort(all)
	fmt.Printf("%d waits: ", len(all))
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999, 1} {
		fmt.Printf(" p%g %v", q*100, all[int(q*float64(len(all)-1))])
	}
	fmt.Println()
	hows := make([]string, 0, len(slow))
	for how := range slow {
		hows = append(hows, how)
	}
	slices.SortFunc(hows, func(a, b string) int { return slow[b] - slow[a] })
	for _, how := range hows {
		fmt.Printf("%6d of %6d waits over 5 ms: %s\n", slow[how], count[how], how)
	}
}
