package main

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"zhiyin/channels/web"
)

// benchNoopPath is a route served only with `zhiyin serve --bench-noop`: it
// answers every request with a small constant JSON object without touching
// the knowledge base. The benchmark (scripts/bench.sh) loads it and
// /api/v1/ask from the same process in the same run, so the ask figure is a
// ratio against what the HTTP stack alone does on this machine. It goes
// through the same middleware as the API (request id, logging, metrics).
const benchNoopPath = "/bench/noop"

// benchNoop reads the request body (as ask does; bounded like the API's 16
// KiB) and writes a fixed answer.
func benchNoop(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, 16<<10))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = io.WriteString(w, `{"answered":false,"answer":"","citations":[]}`)
}

// parseShed reads --max-concurrent and --shed-wait (see web.ShedConfig).
func parseShed(maxConcurrent, wait string) (web.ShedConfig, error) {
	n, err := strconv.Atoi(strings.TrimSpace(maxConcurrent))
	if err != nil || n < 0 {
		return web.ShedConfig{}, fmt.Errorf("--max-concurrent %q: want a whole number, 0 or more", maxConcurrent)
	}
	d, err := time.ParseDuration(strings.TrimSpace(wait))
	if err != nil || d < 0 {
		return web.ShedConfig{}, fmt.Errorf("--shed-wait %q: want a duration such as 100ms, or 0 to turn shedding off", wait)
	}
	return web.ShedConfig{Off: d == 0, MaxConcurrent: n, QueueWait: d}, nil
}
