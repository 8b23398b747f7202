#!/bin/bash
# bench.sh measures Zhiyin against the budgets of docs/PERFORMANCE.md in one
# run and writes every figure to $OUT (default bench-results/<UTC time>/):
#
#   go.txt        Go benchmarks: normalisation+segmentation, Ask p50/p99, build
#   http.txt      wrk against POST /api/v1/ask and the no-op handler of the
#                 same process (serve --bench-noop) at 1, 8, 32, 64 clients
#   wechat.txt    the WeChat callback in safe mode (channels/wechat/loadtest)
#   startup.txt   process start to /readyz 200, RSS at rest and under load
#   scale.jsonl   synthetic corpora (scripts/scale), one JSON line per size
#   summary.txt   the table docs/PERFORMANCE.md is made from
#
#   scripts/bench.sh                      # everything, scale 10k and 100k
#   SCALE="10000 100000 1000000" scripts/bench.sh
#   PARTS="http startup" scripts/bench.sh # only some parts
#   DURATION=10s COUNT=3 scripts/bench.sh
#
# Needs wrk (apt-get install wrk) and curl. Loopback only. The machine is
# shared: every figure is written with the load average at that moment.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-bench-results/$(date -u +%Y%m%dT%H%M%SZ)}
PARTS=${PARTS:-"go http wechat startup scale"}
DURATION=${DURATION:-10s}
COUNT=${COUNT:-5}
SCALE=${SCALE:-"10000 100000"}
CLIENTS=${CLIENTS:-"1 8 32 64"}
WRK_THREADS=${WRK_THREADS:-2} # wrk threads (1 client: 1); 1 leaves the server more of the two cores
PORT=${PORT:-18480}
APIPORT=${APIPORT:-18481}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
BIN=$OUT/zhiyin
DATA=$(mktemp -d)
SERVER_PID=
cleanup() {
	if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
	rm -rf "$DATA"
}
trap cleanup EXIT

load() { cut -d' ' -f1-3 /proc/loadavg; }
note() { echo "$*" | tee -a "$OUT/summary.txt"; }
rss_mib() { awk -v k="$2" '$1==k {printf "%.1f", $2/1024}' "/proc/$1/status"; }

{
	echo "# $(date -u +%FT%TZ) $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet 2>/dev/null || echo -dirty)"
	echo "# nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(go version | cut -d' ' -f3), load $(load)"
} | tee "$OUT/summary.txt"

go build -trimpath -o "$BIN" ./cmd/zhiyin

# WeChat safe mode: a fixed test key, token and AppID (loopback only).
export ZHIYIN_WECHAT_TOKEN=benchtoken ZHIYIN_WECHAT_APPID=wx0123456789abcdef ZHIYIN_WECHAT_APPSECRET=benchsecret
export ZHIYIN_WECHAT_AES_KEY=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG
export ZHIYIN_WECHAT_API_BASE=http://127.0.0.1:$APIPORT ZHIYIN_WECHAT_RATE=0

# start_server starts `zhiyin serve` (SERVER_PID) and sets READY_MS to the
# milliseconds from exec to the first /readyz 200. Not in a subshell: the
# caller needs SERVER_PID.
start_server() {
	local t0 t1
	t0=$(date +%s%N)
	"$BIN" serve --addr "127.0.0.1:$PORT" --data "$DATA" --rate-limit 0 --bench-noop --log-level warn \
		"$@" 2>>"$OUT/server.log" &
	SERVER_PID=$!
	until curl -sf -o /dev/null "http://127.0.0.1:$PORT/readyz"; do
		if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "server died, see $OUT/server.log" >&2; exit 1; fi
		sleep 0.005
	done
	t1=$(date +%s%N)
	READY_MS=$(( (t1 - t0) / 1000000 ))
}
stop_server() {
	kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
}

part() { case " $PARTS " in *" $1 "*) return 0;; esac; return 1; }

if part go; then
	note "## go benchmarks (count $COUNT, load $(load))"
	go test ./nlp -run '^$' -bench 'NormalizeAndSegment|NewAnalyzer' -benchmem -count "$COUNT" | tee "$OUT/go.txt"
	go test ./kb -run '^$' -bench 'Ask$|AskParallel|NewService' -benchmem -count "$COUNT" | tee -a "$OUT/go.txt"
	awk '/^Benchmark/ {n[$1]++; v[$1]=v[$1] " " $3; for (i=5;i<=NF;i++) if ($i ~ /p50|p99/) m[$1]=m[$1] " " $(i-1) $i}
	     END {for (k in n) print k, "ns/op:" v[k], m[k]}' "$OUT/go.txt" | sort | tee -a "$OUT/summary.txt"
	note "load after: $(load)"
fi

# wrk_run NAME URL SCRIPT CLIENTS: one wrk run, one summary line.
# buckets prints the server's latency histogram of a route (status 200) as
# "le count" lines, from /metrics.
buckets() {
	curl -s "http://127.0.0.1:$PORT/metrics" |
		awk -v r="route=\"$1\"" 'index($0, "zhiyin_http_request_duration_seconds_bucket{") == 1 && index($0, r) && index($0, "status=\"200\"") {
			match($0, /le="[^"]*"/); le = substr($0, RSTART + 4, RLENGTH - 5); print le, $NF }'
}

# server_pct prints p50 and p99 of the requests between two bucket dumps, as
# the server measured them (read to written), interpolated in the bucket.
server_pct() {
	awk 'FILENAME == ARGV[1] {before[$1] = $2; next}
		{le[++n] = $1; cnt[n] = $2 - before[$1]}
		END {
			total = cnt[n]
			for (q = 0; q < 2; q++) {
				want = (q == 0 ? 0.5 : 0.99) * total; lo = 0; prev = 0
				for (i = 1; i <= n; i++) {
					if (cnt[i] >= want) {
						hi = (le[i] == "+Inf" ? lo : le[i])
						v = (cnt[i] == prev) ? hi : lo + (hi - lo) * (want - prev) / (cnt[i] - prev)
						printf "%s %.1fms", (q == 0 ? "server p50" : " p99"), v * 1000
						break
					}
					lo = le[i]; prev = cnt[i]
				}
			}
		}' "$1" "$2"
}

# wrk_run loads url with c connections and prints one summary line: wrk's
# throughput and latency (measured by the load generator, on the same two
# cores: its own scheduling delays are in it) and the server's own p50/p99
# from its histogram.
wrk_run() {
	local name=$1 url=$2 script=$3 c=$4 t out route=${2#http://127.0.0.1:$PORT}
	t=$(( c < 2 ? 1 : WRK_THREADS ))
	buckets "$route" >"$OUT/buckets.before"
	out=$(wrk -t"$t" -c"$c" -d"$DURATION" --latency -s "$script" "$url")
	buckets "$route" >"$OUT/buckets.after"
	echo "### $name c=$c load $(load)" >>"$OUT/http.txt"
	echo "$out" >>"$OUT/http.txt"
	echo "$out" | awk -v name="$name" -v c="$c" -v load="$(load)" -v server="$(server_pct "$OUT/buckets.before" "$OUT/buckets.after")" '
		/Requests\/sec/ {rps=$2}
		/^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
		/Non-2xx/ {non2xx=$NF}
		/Socket errors/ {err=$0}
		END {printf "%-6s c=%-3s %9s req/s  p50 %-8s p99 %-8s %s non-2xx %s %s (load %s)\n", name, c, rps, p50, p99, server, non2xx+0, err, load}'
}

if part http; then
	# Questions of the project's question set, one per request, in turn.
	lua=$OUT/ask.lua
	{
		echo 'local qs = {'
		awk -F'\t' '!/^#/ && NF >= 3 {gsub(/\\/, "\\\\", $3); gsub(/"/, "\\\"", $3); print "  \"" $3 "\","}' kb/testdata/questions.tsv
		echo '}'
		cat <<'LUA'
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  i = i + 1
  return wrk.format(nil, nil, nil, '{"question":"' .. qs[(i % #qs) + 1] .. '"}')
end
LUA
	} >"$lua"
	start_server
	note "## http (wrk, $DURATION per run, keep-alive, load $(load))"
	for c in $CLIENTS; do
		noop=$(wrk_run noop "http://127.0.0.1:$PORT/bench/noop" "$lua" "$c")
		ask=$(wrk_run ask "http://127.0.0.1:$PORT/api/v1/ask" "$lua" "$c")
		note "$noop"
		note "$ask"
		r1=$(echo "$noop" | awk '{print $3}'); r2=$(echo "$ask" | awk '{print $3}')
		note "ratio c=$c ask/noop $(awk -v a="$r2" -v b="$r1" 'BEGIN {printf "%.1f%%", 100*a/b}')"
		if [ "$c" = 64 ]; then note "rss under load (after c=64): VmRSS $(rss_mib "$SERVER_PID" VmRSS:) MiB, VmHWM $(rss_mib "$SERVER_PID" VmHWM:) MiB"; fi
	done
	# Overload: 4x the clients of the 64-client run, shedding on.
	over=$(wrk_run ask "http://127.0.0.1:$PORT/api/v1/ask" "$lua" 256)
	note "overload $over"
	note "shed: $(curl -s "http://127.0.0.1:$PORT/metrics" | grep '^zhiyin_http_shed_total' | tr '\n' ' ')"
	sleep 1
	note "after overload: $(curl -s -o /dev/null -w '%{http_code} in %{time_total}s' -H 'Content-Type: application/json' -d '{"question":"单位还能建机房吗"}' "http://127.0.0.1:$PORT/api/v1/ask")"
	stop_server
fi

if part wechat; then
	start_server
	note "## wechat safe mode (channels/wechat/loadtest, load $(load))"
	go build -o "$OUT/loadtest" ./channels/wechat/loadtest
	for rate in 100 400; do
		echo "### rate $rate load $(load)" >>"$OUT/wechat.txt"
		"$OUT/loadtest" -url "http://127.0.0.1:$PORT/wechat" -rate "$rate" -duration "$DURATION" \
			-api "127.0.0.1:$APIPORT" -grace 3s >>"$OUT/wechat.txt" 2>&1 || true
		note "wechat rate=$rate/s: $(grep -E '^latency|^lost' "$OUT/wechat.txt" | tail -2 | tr '\n' ' ') (load $(load))"
	done
	stop_server
fi

if part startup; then
	note "## start-up (default corpus, empty data dir, load $(load))"
	for i in 1 2 3 4 5; do
		rm -rf "$DATA"; mkdir -p "$DATA"
		start_server
		sleep 2 # at rest: the build's garbage collected
		note "start-up run $i: ready in ${READY_MS} ms, RSS at rest $(rss_mib "$SERVER_PID" VmRSS:) MiB (peak $(rss_mib "$SERVER_PID" VmHWM:) MiB), load $(load)"
		stop_server
	done
fi

if part scale; then
	note "## scale (scripts/scale, seed 1, load $(load))"
	go build -o "$OUT/scale" ./scripts/scale
	for n in $SCALE; do
		"$OUT/scale" -clauses "$n" -queries 2000 -seed 1 -out "$OUT/scale.jsonl" | tee -a "$OUT/summary.txt"
	done
fi
echo "results in $OUT" >&2
