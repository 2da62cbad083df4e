#!/usr/bin/env bash
# What user session tracking costs a sign-in, and what reading its configuration cost before it
# was kept with the decoded pool: USER_PASSWORD_AUTH sign-ins (the load generator of
# bench/reference.sh's sign-in section, cognito-idp-server/examples/load.rs) against server
# binaries side by side, each in a pool that does not track sessions ("off") and in one that does
# ("on": SetUserPoolSessionConfiguration ENABLED with MaxPerUser 100, the most AWS allows, so
# that a short load evicts nothing).
# It is not a test.
#
# Each binary named in BINS (default: the server this script builds) runs as shipped (the default
# file: SQLite WAL, synchronous=FULL) on a new directory, on 127.0.0.1, unpinned; per round and
# binary: a pool, SIGNIN_USERS users, an app client, one untimed sign-in, then DURATION seconds of
# CONCURRENCY workers with tracking off, then (tracking turned on) again. Rounds alternate the
# binaries, so the host's drift weighs on each; the script prints each load's sign-ins/s and p99,
# and the median over ROUNDS per binary and mode. Everything it starts it stops.
#
# Environment: BINS ("NAME=PATH ..."; default "current=<the release build>"), ROUNDS (3),
# DURATION (10), CONCURRENCY (16), SIGNIN_USERS (100), BUILD (1; 0 uses the binaries built before),
# LOAD (the load generator; default the release build's).
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10}"
CONCURRENCY="${CONCURRENCY:-16}"
SIGNIN_USERS="${SIGNIN_USERS:-100}"
target="${CARGO_TARGET_DIR:-target}"
if [ "${BUILD:-1}" = 1 ]; then
    cargo build --release --quiet -p cognito-idp-server --bin cognito-idp-server --example load
fi
load="${LOAD:-$target/release/examples/load}"
BINS="${BINS:-current=$target/release/cognito-idp-server}"

work="$(mktemp -d)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
field() {
    python3 -c '
import json, sys
v = json.loads(sys.argv[1]).get(sys.argv[2])
print("n/a" if v is None else f"{v:.1f}" if isinstance(v, float) else v)' "$1" "$2"
}
call() {
    curl -sf -X POST "$url/" -H 'content-type: application/x-amz-json-1.1' \
        -H "x-amz-target: AWSCognitoIdentityProviderService.$1" -d "$2" >/dev/null
}
declare -A R

for round in $(seq "$ROUNDS"); do
    for entry in $BINS; do
        name="${entry%%=*}" bin="${entry#*=}"
        dir="$work/$name-$round"
        mkdir -p "$dir"
        url="http://127.0.0.1:$(free_port)"
        out="$("$load" startup --url "$url" --log "$dir/server.log" --cwd "$dir" -- \
            "$bin" --host 127.0.0.1 --port "${url##*:}" --db "$dir/cognito.db")"
        pid="$(field "$out" pid)"
        pids+=("$pid")
        pool="$("$load" pool --url "$url")"
        "$load" seed --url "$url" --pool "$pool" --users "$SIGNIN_USERS" --concurrency "$CONCURRENCY" >/dev/null
        client="$("$load" signin-setup --url "$url" --pool "$pool" --users "$SIGNIN_USERS" --concurrency "$CONCURRENCY")"
        for mode in off on; do
            if [ "$mode" = on ]; then
                call SetUserPoolSessionConfiguration \
                    "{\"UserPoolId\": \"$pool\", \"UserSessionTracking\": \"ENABLED\", \"TokenSession\": {\"MaxPerUser\": 100}}"
            fi
            out="$("$load" run --url "$url" --pool "$pool" --op signin --users "$SIGNIN_USERS" \
                --concurrency "$CONCURRENCY" --duration "$DURATION" --prefix "s$round" --client "$client")"
            bad=$(( $(field "$out" errors) + $(field "$out" wrong_answers) ))
            echo "round $round $name tracking $mode: $(field "$out" rps) sign-ins/s, p99 $(field "$out" p99_ms) ms, $bad failed"
            R[$name.$mode]+="$(field "$out" rps) "
        done
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    done
done

echo "medians over $ROUNDS rounds ($CONCURRENCY workers, $DURATION s each):"
for entry in $BINS; do
    name="${entry%%=*}"
    for mode in off on; do
        median="$(echo "${R[$name.$mode]}" | tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
        echo "   $name tracking $mode: $median sign-ins/s"
    done
done
