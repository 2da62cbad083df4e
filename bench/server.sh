#!/usr/bin/env bash
# Requests per second of the generated server stub (AdminGetUser returning a fixed user: routing,
# parsing, validation, encoding, request ids) against a bare axum handler returning the same
# bytes, same machine, same run. Prints both figures and the ratio; it is not a test.
#
# Load: wrk (Debian package, installed if missing), on 127.0.0.1 only, bounded in time:
# ROUNDS rounds of DURATION seconds per contestant, alternating, CONNECTIONS connections.
# The server gets BENCH_SERVER_THREADS worker threads (default 1) so the load generator has a
# core of its own on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-5}"
CONNECTIONS="${CONNECTIONS:-32}"
export BENCH_SERVER_THREADS="${BENCH_SERVER_THREADS:-1}"
# Server and load generator each pinned to a core of their own (PIN=0 to let the scheduler
# place them), the same for every contestant, so that neither migrates onto the other's core in
# the middle of a round. The host's own load still moves whole rounds up or down; compare the
# contestants within a round (the ratios below), not across rounds.
PIN="${PIN:-1}"
pin_server=""
pin_load=""
if [ "$PIN" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    pin_server="taskset -c 0"
    pin_load="taskset -c 1"
fi

if ! command -v wrk >/dev/null; then
    echo "== installing wrk"
    (apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; }) >/dev/null
fi

echo "== building the benchmark server (release)"
cargo build --release --quiet --example bench_server
target="${CARGO_TARGET_DIR:-target}"
bin="$target/release/examples/bench_server"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$("$bin" body)'
wrk.headers["Content-Type"] = "application/x-amz-json-1.1"
wrk.headers["X-Amz-Target"] = "AWSCognitoIdentityProviderService.AdminGetUser"
LUA

# Runs one round against one contestant; prints its requests per second.
round() {
    local mode="$1" pid port rps
    $pin_server "$bin" "$mode" > "$work/$mode.out" &
    pid=$!
    for _ in $(seq 50); do
        port="$(sed -n 's/^PORT //p' "$work/$mode.out" 2>/dev/null)"
        [ -n "$port" ] && break
        sleep 0.1
    done
    # Check once that it answers 200 with the expected body before measuring.
    local status
    status="$(curl -s -o "$work/$mode.body" -w '%{http_code}' -X POST "http://127.0.0.1:$port/" \
        -H 'Content-Type: application/x-amz-json-1.1' \
        -H 'X-Amz-Target: AWSCognitoIdentityProviderService.AdminGetUser' \
        --data "$("$bin" body)")"
    [ "$status" = 200 ] || { echo "$mode answered $status" >&2; kill "$pid"; exit 1; }
    rps="$($pin_load wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s -s "$work/post.lua" "http://127.0.0.1:$port/" \
        | awk '/Requests\/sec/ {print $2}')"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    echo "$rps"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "== $ROUNDS rounds x ${DURATION}s per contestant, $CONNECTIONS connections, server threads: $BENCH_SERVER_THREADS, pinned: $([ -n "$pin_server" ] && echo yes || echo no)"
# A third contestant shows where the overhead goes: the bare handler doing the stub's JSON work
# (parse, validate, deserialize, encode) inline, without the stub's routing and protocol checks.
: > "$work/bare.rps"
: > "$work/work.rps"
: > "$work/stub.rps"
: > "$work/work.ratio"
: > "$work/stub.ratio"
for i in $(seq "$ROUNDS"); do
    b="$(round bare)"
    w="$(round work)"
    s="$(round stub)"
    echo "round $i: bare $b req/s, bare+JSON work $w req/s, stub $s req/s"
    echo "$b" >> "$work/bare.rps"
    echo "$w" >> "$work/work.rps"
    echo "$s" >> "$work/stub.rps"
    # Ratios within a round compare runs seconds apart: they resist a busy neighbour better
    # than ratios of medians.
    awk -v w="$w" -v b="$b" 'BEGIN {print w / b}' >> "$work/work.ratio"
    awk -v s="$s" -v b="$b" 'BEGIN {print s / b}' >> "$work/stub.ratio"
done
for mode in work stub; do
    cmp -s "$work/bare.body" "$work/$mode.body" || echo "warning: the $mode body differs from the bare one" >&2
done
bare="$(median < "$work/bare.rps")"
with_work="$(median < "$work/work.rps")"
stub="$(median < "$work/stub.rps")"
echo "bare axum handler:            $bare req/s (median)"
echo "bare handler + JSON work:     $with_work req/s (median)"
echo "generated stub:               $stub req/s (median)"
for mode in work stub; do
    label="$([ "$mode" = work ] && echo "bare+JSON work / bare" || echo "stub / bare")"
    median < "$work/$mode.ratio" | awk -v l="$label" '{printf "%s: %.3f (overhead %.1f%%), median of the rounds'"'"' ratios\n", l, $1, (1 - $1) * 100}'
done
