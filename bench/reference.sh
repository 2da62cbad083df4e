#!/usr/bin/env bash
# The reference server (cognito-idp-server) side by side with other local Cognito emulators in
# one run on this machine: cognito-local (npm), moto (moto_server, PyPI), ministack (PyPI) and
# fakecloud (crates.io; in memory and with --storage-mode persistent). It is not a test.
#
# Each contestant is started fresh, timed from spawn to its first HTTP answer, given a pool of
# GET_USERS users, then loaded by the same generator (cognito-idp-server/examples/load.rs,
# CONCURRENCY workers, DURATION seconds each): AdminGetUser; AdminCreateUser with an email and
# MessageAction SUPPRESS (no password, as in AWS's reference example); the same with a
# TemporaryPassword (ours then hashes the password and computes the SRP verifier); ListUsers with
# an email filter. Ours runs as shipped (a file) and with --in-memory. Ours (file) then gets a
# pool of USERS users (seeded through AdminCreateUser over HTTP, 64 in flight: the same rows the
# API writes) for the filtered-ListUsers latency, resident memory and start-up on a full file. The
# time of one SRP verifier (g^x mod N, 3072 bits) on one thread gives the most writes with a
# password per second the verifier alone allows: cores / that time.
#
# Sign-ins (SECTIONS contains "signin"): SIGNIN_USERS users with permanent passwords, an app client
# allowing USER_PASSWORD_AUTH and USER_SRP_AUTH, CONCURRENCY workers; InitiateAuth
# USER_PASSWORD_AUTH, then USER_SRP_AUTH sign-ins (InitiateAuth with SRP_A, RespondToAuthChallenge
# PASSWORD_VERIFIER; the load generator computes the client side with cognito_auth::srp), against
# ours as shipped, ours --in-memory, ours --self-hosted (full-cost Argon2id) and each peer; unpinned
# (the server may use every core: hashing is what bounds the self-hosted profile). A peer whose SRP
# sign-ins all fail is reported n/a. In the same run, the time of one password check by our hasher
# on one thread gives the limit hashing sets: cores / that time; the same checks on every core at
# once give what the cores really sustain (memory-hard hashes share the cache and memory
# bandwidth).
#
# OAuth 2.0 (SECTIONS contains "oauth"): the token endpoint. The OAuth load generator
# (cognito-idp-server/examples/oauth_load.rs) gives each contestant a pool (ours: with a domain), a
# resource server, a confidential client allowed client_credentials, a public code-flow client and
# a user with a permanent password, then CONCURRENCY workers for DURATION seconds: client_credentials
# tokens (HTTP Basic), then exchanges of authorization codes (with a PKCE verifier) minted before
# the clock starts. Against ours as shipped, ours --in-memory and each peer with these endpoints:
# ministack, fakecloud (both modes); cognito-local exchanges codes but has no client_credentials
# grant; moto has neither (left out). ministack as installed (no extras) has no `cryptography`
# module and then signs nothing (its tokens end in 32 random bytes), so the section also runs
# `ministack-rsa`: the same ministack with `cryptography` on its PYTHONPATH (pip-installed into
# PEERS_DIR/ministack-rsa), which signs RS256 as AWS does. Codes are minted in rounds of 1,000
# with the clock stopped; the server's CPU time over each load is read from /proc (tokens per
# server CPU-second hold where other work shares the server's core). Before the loads, the time
# of one RS256 signature by our signer gives the floor signing sets: a client_credentials token
# is one signature, a code exchange two. Pinned as the API section is.
#
# Lambda trigger (SECTIONS contains "trigger"): the cost of a PreTokenGeneration V2_0 trigger on
# USER_PASSWORD_AUTH sign-ins, ours as shipped alone. A local test function
# (cognito-idp-server/examples/trigger_load.rs, `lambda-echo`) answers the Lambda Invoke API on
# 127.0.0.1 with the event plus an ID-token claim "tenant": "t1"; one server started with
# --lambda-endpoint at it holds two pools of SIGNIN_USERS users, one with no trigger and one whose
# trigger is that function (a sign-in of the second is checked for the claim before the loads).
# Both are loaded in turn with CONCURRENCY workers (sign-ins/s), then with one worker (latency
# p50). Then the load generator sends the function the same request the server sends (the last
# event it got, signed as the server signs it, one at a time over a kept-alive connection): its
# p50 is one local round trip. Goal: the one-worker p50 with the trigger minus without is at most
# that round trip's p50 plus TRIGGER_NOISE_MS (0.2). Unpinned.
#
# Our server runs as shipped: the default file (SQLite WAL, synchronous=FULL, so every 200 is on
# disk) and default options (the local-emulator profile: fast hashing). Peers are used when they
# are installed: cognito-local and moto are installed into PEERS_DIR (default: a temporary
# directory, removed at exit) with npm and a Python venv, ministack with a Python venv;
# fakecloud is found at FAKECLOUD_BIN or PEERS_DIR/fakecloud/bin/fakecloud, and installed there
# with `cargo install --locked` only when FAKECLOUD_INSTALL=1 (a long build). A peer that is not
# there and cannot be installed is SKIPPED. Loopback only, bounded in time.
#
# Environment: SECTIONS ("api signin oauth"; "trigger" is run only when named), SIGNIN_USERS (100), DURATION (10), CONCURRENCY (16),
# USERS (100000), GET_USERS (1000), STARTS (3), PEERS ("cognito-local moto ministack fakecloud
# fakecloud-persistent"; "" for ours alone), PEERS_DIR, MINISTACK_BIN, FAKECLOUD_BIN,
# FAKECLOUD_INSTALL (0), PIN (1: server on core 0, load generator on core 1; 0 lets the scheduler
# place them), BUILD (1; 0 uses the binaries built before), PREVIOUS_BIN (a server binary of an
# earlier commit, run in the sign-in section as `ours-previous` with `--dev`), TRIGGER_NOISE_MS (0.2),
# TRIGGER_ROUNDS (2000: round trips timed).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10}"
CONCURRENCY="${CONCURRENCY:-16}"
USERS="${USERS:-100000}"
GET_USERS="${GET_USERS:-1000}"
PEERS="${PEERS-cognito-local moto ministack fakecloud fakecloud-persistent}"
PIN="${PIN:-1}"
STARTS="${STARTS:-3}"
SECTIONS="${SECTIONS:-api signin oauth}"
SIGNIN_USERS="${SIGNIN_USERS:-100}"
TRIGGER_NOISE_MS="${TRIGGER_NOISE_MS:-0.2}"
TRIGGER_ROUNDS="${TRIGGER_ROUNDS:-2000}"
has() { [[ " $SECTIONS " == *" $1 "* ]]; }
listed() { [[ " $PEERS " == *" $1 "* ]]; }
COGNITO_LOCAL_VERSION=5.3.0
MOTO_VERSION=5.2.5
MINISTACK_VERSION=1.5.33
FAKECLOUD_VERSION=0.51.0
cores="$(nproc)"

pin_server=""
pin_load=""
if [ "$PIN" = 1 ] && command -v taskset >/dev/null && [ "$cores" -ge 2 ]; then
    pin_server="taskset -c 0"
    pin_load="taskset -c 1"
fi

if [ "${BUILD:-1}" = 1 ]; then
    echo "== building the server and the load generator (release)"
    cargo build --release --quiet -p cognito-idp-server --bin cognito-idp-server --example load --example oauth_load \
        --example trigger_load
fi
target="${CARGO_TARGET_DIR:-target}"
server_bin="$(pwd)/$target/release/cognito-idp-server"
load="$(pwd)/$target/release/examples/load"
[ -x "$server_bin" ] || server_bin="$target/release/cognito-idp-server"
[ -x "$load" ] || load="$target/release/examples/load"
oauth_load="$(pwd)/$target/release/examples/oauth_load"
[ -x "$oauth_load" ] || oauth_load="$target/release/examples/oauth_load"
trigger_load="$(pwd)/$target/release/examples/trigger_load"
[ -x "$trigger_load" ] || trigger_load="$target/release/examples/trigger_load"

# On disk, not tmpfs: the durable-write figures mean fsyncs.
work="$(mktemp -d "${TMPDIR:-/tmp}/cognito-bench.XXXXXX")"
PEERS_DIR="${PEERS_DIR:-$work/peers}"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# Which peers are there: installs what may be installed, and drops the others with a SKIPPED line.
cognito_local_bin="$PEERS_DIR/cognito-local/node_modules/.bin/cognito-local"
moto_bin="$PEERS_DIR/moto/bin/moto_server"
ministack_bin="${MINISTACK_BIN:-$PEERS_DIR/ministack/bin/ministack}"
fakecloud_bin="${FAKECLOUD_BIN:-$PEERS_DIR/fakecloud/bin/fakecloud}"
present=()
for peer in $PEERS; do
    case "$peer" in
        cognito-local)
            if [ ! -x "$cognito_local_bin" ]; then
                echo "== installing cognito-local $COGNITO_LOCAL_VERSION (npm)"
                mkdir -p "$PEERS_DIR/cognito-local"
                npm install --prefix "$PEERS_DIR/cognito-local" --no-audit --no-fund --silent \
                    "cognito-local@$COGNITO_LOCAL_VERSION" >/dev/null || true
            fi
            bin="$cognito_local_bin"
            ;;
        moto)
            if [ ! -x "$moto_bin" ]; then
                echo "== installing moto[server] $MOTO_VERSION (venv)"
                { python3 -m venv "$PEERS_DIR/moto" &&
                    "$PEERS_DIR/moto/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"; } || true
            fi
            bin="$moto_bin"
            ;;
        ministack)
            if [ ! -x "$ministack_bin" ] && [ -z "${MINISTACK_BIN:-}" ]; then
                echo "== installing ministack $MINISTACK_VERSION (venv)"
                { python3 -m venv "$PEERS_DIR/ministack" &&
                    "$PEERS_DIR/ministack/bin/pip" install --quiet --disable-pip-version-check "ministack==$MINISTACK_VERSION"; } || true
            fi
            bin="$ministack_bin"
            ;;
        fakecloud | fakecloud-persistent)
            if [ ! -x "$fakecloud_bin" ] && [ -z "${FAKECLOUD_BIN:-}" ] && [ "${FAKECLOUD_INSTALL:-0}" = 1 ]; then
                echo "== installing fakecloud $FAKECLOUD_VERSION (cargo install --locked; a long build)"
                cargo install --locked --quiet --root "$PEERS_DIR/fakecloud" fakecloud --version "$FAKECLOUD_VERSION" || true
            fi
            bin="$fakecloud_bin"
            ;;
        *) echo "unknown peer $peer" >&2; exit 2 ;;
    esac
    if [ -x "$bin" ]; then
        present+=("$peer")
    elif [ "$peer" = fakecloud-persistent ] && listed fakecloud; then
        echo "SKIPPED: fakecloud-persistent (fakecloud not installed)"
    else
        echo "SKIPPED: ${peer%-persistent} not installed ($bin)"
    fi
done
PEERS="${present[*]:-}"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# field JSON KEY: one member of a JSON object ("n/a" when absent or when JSON is not JSON).
field() {
    python3 -c '
import json, sys
try:
    v = json.loads(sys.argv[1]).get(sys.argv[2])
except Exception:
    v = None
print("n/a" if v is None else f"{v:.2f}" if isinstance(v, float) else v)' "$1" "$2"
}
rss_mib() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# Arithmetic on figures, any of which may be "n/a" (then the answer is "n/a", or 0 for a test).
py() { python3 -c "
import sys
v = [None if a in ('n/a', '') else float(a) for a in sys.argv[2:]]
$1" "$@"; }
# ratio A B: "4.1x", or n/a.
ratio() { py 'r = v[0] / v[1] if None not in v and v[1] > 0 else None; print("n/a" if r is None else f"{r:.1f}x" if r >= 1 else f"{r:.2f}x")' "$1" "$2"; }
pct() { py 'print(f"{100 * v[0] / v[1]:.0f} %" if None not in v and v[1] > 0 else "n/a")' "$1" "$2"; }
ge() { py 'print(1 if None not in v and v[0] >= v[1] else 0)' "$1" "$2"; }
gt() { py 'print(1 if None not in v and v[0] > v[1] else 0)' "$1" "$2"; }
lt() { py 'print(1 if None not in v and v[0] < v[1] else 0)' "$1" "$2"; }
times_() { py 'print(f"{v[0] * v[1]:.2f}" if None not in v else "n/a")' "$1" "$2"; }

# What each contestant keeps of what it acknowledges.
declare -A KEEPS=(
    [ours]="SQLite file, fsync per commit"
    [ours-memory]="nothing (in memory)"
    [ours-selfhosted]="SQLite file, fsync per commit"
    [ours-previous]="SQLite file, fsync per commit"
    [cognito-local]="JSON file per pool, no fsync"
    [moto]="nothing (in memory)"
    [ministack]="nothing (in memory)"
    [ministack-rsa]="nothing (in memory)"
    [fakecloud]="nothing (in memory)"
    [fakecloud-persistent]="JSON snapshot per write, fsync"
)

# start NAME DB_DIR: starts a contestant on a free port; sets url, pid, startup_ms.
start() {
    local name="$1" dir="$2" port cmd out
    port="$(free_port)"
    mkdir -p "$dir"
    case "$name" in
        ours) cmd=("$server_bin" --host 127.0.0.1 --port "$port" --db "$dir/cognito.db") ;;
        ours-memory) cmd=("$server_bin" --host 127.0.0.1 --port "$port" --in-memory) ;;
        # As shipped, with Lambda triggers sent to the test function at lambda_url.
        ours-lambda) cmd=("$server_bin" --host 127.0.0.1 --port "$port" --db "$dir/cognito.db" --lambda-endpoint "$lambda_url") ;;
        ours-selfhosted)
            cmd=("$server_bin" --host 127.0.0.1 --port "$port" --db "$dir/cognito.db" --self-hosted --require-sigv4 false)
            ;;
        # An earlier build (PREVIOUS_BIN) with its fast hashing (--dev, which every version has).
        ours-previous) cmd=("$PREVIOUS_BIN" --host 127.0.0.1 --port "$port" --db "$dir/cognito.db" --dev) ;;
        cognito-local)
            # Its default pools take emails as usernames (UsernameAttributes ["email"]); ours and
            # moto's take AWS's default (none), so set that.
            mkdir -p "$dir/.cognito"
            echo '{"UserPoolDefaults": {"UsernameAttributes": []}}' > "$dir/.cognito/config.json"
            cmd=(env "PORT=$port" HOST=127.0.0.1 "$cognito_local_bin")
            ;;
        moto) cmd=("$moto_bin" -H 127.0.0.1 -p "$port") ;;
        # Its port and bind address come from the environment; it writes a pid file to TMPDIR.
        ministack) cmd=(env "GATEWAY_PORT=$port" BIND_HOST=127.0.0.1 "TMPDIR=$dir" "$ministack_bin") ;;
        # The same with `cryptography` importable: it then signs its tokens (RS256, RSA-2048).
        ministack-rsa)
            cmd=(env "GATEWAY_PORT=$port" BIND_HOST=127.0.0.1 "TMPDIR=$dir" "PYTHONPATH=$ministack_rsa_dir" "$ministack_bin")
            ;;
        fakecloud) cmd=("$fakecloud_bin" --addr "127.0.0.1:$port") ;;
        fakecloud-persistent)
            cmd=("$fakecloud_bin" --addr "127.0.0.1:$port" --storage-mode persistent --data-path "$dir/data")
            ;;
    esac
    url="http://127.0.0.1:$port"
    out="$(${pin_start:-$pin_server} "$load" startup --url "$url" --log "$dir/server.log" --cwd "$dir" -- "${cmd[@]}")"
    pid="$(field "$out" pid)"
    pids+=("$pid")
    startup_ms="$(field "$out" startup_ms)"
}

stop() {
    kill "$1" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    kill -9 "$1" 2>/dev/null || true
}

# run OP POOL USERS [CLIENT]: a DURATION-second load; prints its JSON (a failure's JSON if the
# load generator itself fails).
run() {
    local out
    if ! out="$(${pin_run-$pin_load} "$load" run --url "$url" --pool "$2" --op "$1" --users "$3" \
        --concurrency "$CONCURRENCY" --duration "$DURATION" --prefix "load$RANDOM" --client "${4:-}")"; then
        out='{"ok": 0, "errors": 1, "first_error": "the load generator failed"}'
    fi
    echo "$out"
}

# oauth_run OP SETUP: a DURATION-second load of the token endpoint of the server started last (its
# CPU time measured too); prints its JSON.
oauth_run() {
    local out
    if ! out="$(${pin_load} "$oauth_load" run --setup "$2" --op "$1" --concurrency "$CONCURRENCY" \
        --duration "$DURATION" --server-pid "$pid")"; then
        out='{"ok": 0, "errors": 1, "first_error": "the OAuth load generator failed"}'
    fi
    echo "$out"
}

# record NAME OP JSON: keeps a load's figures.
record() {
    R[$1.$2.rps]="$(field "$3" rps)"
    R[$1.$2.p99]="$(field "$3" p99_ms)"
    R[$1.$2.ok]="$(field "$3" ok)"
    R[$1.$2.errors]="$(field "$3" errors)"
    R[$1.$2.wrong]="$(field "$3" wrong_answers)"
    R[$1.$2.bad]="$(py 'print(int(sum(x or 0 for x in v)))' "${R[$1.$2.errors]}" "${R[$1.$2.wrong]}")"
}

# fig NAME OP: "rate (p99)", or n/a.
fig() {
    local rps="${R[$1.$2.rps]:-n/a}"
    if [ "$rps" = n/a ] || [ "${R[$1.$2.ok]:-0}" = 0 ]; then echo "n/a"; else echo "$rps (${R[$1.$2.p99]})"; fi
}

declare -A R
api_contestants="ours ours-memory $PEERS"
signin_contestants="ours ours-memory ours-selfhosted $PEERS"
# PREVIOUS_BIN: a server binary of an earlier commit, run in the sign-in section as
# `ours-previous` (e.g. to compare USER_SRP_AUTH before and after a change).
if [ -n "${PREVIOUS_BIN:-}" ]; then
    signin_contestants="ours ours-previous ours-memory ours-selfhosted $PEERS"
fi
# Every figure is n/a until measured (a contestant that fails its set-up keeps them).
for name in $signin_contestants; do
    for op in get create create-temp list signin srp; do
        for figure in rps p99 errors wrong bad; do R[$name.$op.$figure]=n/a; done
        R[$name.$op.ok]=0
    done
    for figure in startup rss users srp.client; do R[$name.$figure]=n/a; done
done
# OAuth: ours, ours --in-memory, and the peers with OAuth 2.0 endpoints (moto has none), each with
# the flavor of oauth_load that knows its paths.
declare -A FLAVOR=([ours]=ours [ours-memory]=ours [cognito-local]=cognito-local [ministack]=ministack
    [ministack-rsa]=ministack [fakecloud]=fakecloud [fakecloud-persistent]=fakecloud)
# ministack signs its tokens only when `cryptography` is importable, which its default install
# lacks: ministack-rsa is the same ministack with it, installed into its own directory.
ministack_rsa_dir="${MINISTACK_RSA_DIR:-$PEERS_DIR/ministack-rsa}"
oauth_peers=""
for peer in $PEERS; do
    [ "$peer" = moto ] && continue
    oauth_peers="$oauth_peers $peer"
    if [ "$peer" = ministack ] && has oauth; then
        if [ ! -d "$ministack_rsa_dir/cryptography" ]; then
            echo "== installing cryptography for ministack-rsa (pip --target $ministack_rsa_dir)"
            "$(dirname "$ministack_bin")/python" -m pip install --quiet --disable-pip-version-check \
                --target "$ministack_rsa_dir" "cryptography>=41" || true
        fi
        if [ -d "$ministack_rsa_dir/cryptography" ]; then
            oauth_peers="$oauth_peers ministack-rsa"
        else
            echo "SKIPPED: ministack-rsa (cryptography could not be installed into $ministack_rsa_dir)"
        fi
    fi
done
oauth_peers="${oauth_peers# }"
oauth_contestants="ours ours-memory $oauth_peers"
for name in $oauth_contestants; do
    for op in client-credentials code-exchange; do
        for figure in rps p99 p50 errors wrong bad mint short cpu percpu unsigned sigbytes; do R[$name.$op.$figure]=n/a; done
        R[$name.$op.ok]=0
    done
    R[$name.oauth.rss]=n/a
done
# oauth_supports NAME OP: whether the contestant has that grant.
oauth_supports() { ! { [ "$1" = cognito-local ] && [ "$2" = client-credentials ]; }; }
if has api; then
    echo "== $DURATION s per load, $CONCURRENCY workers, pinned: $([ -n "$pin_server" ] && echo yes || echo no), $cores cores"
    # The fastest of 50: what one verifier costs when nothing else holds the core (this host's
    # other work inflates the median).
    out="$("$load" srp-verifier --rounds 50)"
    R[srp.verifier]="$(field "$out" min_ms)"
    R[srp.floor]="$(py "print(f'{$cores * 1000 / v[0]:.0f}')" "${R[srp.verifier]}")"
    # Pinned, the server has one core: the floor that applies to it is one core's.
    server_cores="$([ -n "$pin_server" ] && echo 1 || echo "$cores")"
    R[srp.floor.server]="$(py "print(f'{$server_cores * 1000 / v[0]:.0f}')" "${R[srp.verifier]}")"
    echo "   one SRP verifier (g^x mod N, 3072 bits), one thread: ${R[srp.verifier]} ms at best (median $(field "$out" median_ms) ms)"
    for name in $api_contestants; do
        echo "== $name"
        # Start-up: the median of STARTS starts, each on a new state directory (the host's own load
        # can stall any single start).
        times=()
        for i in $(seq "$STARTS"); do
            start "$name" "$work/$name-start$i"
            times+=("$startup_ms")
            stop "$pid"
        done
        R[$name.startup]="$(printf '%s\n' "${times[@]}" | median)"
        echo "   start-up ms: ${times[*]}"
        start "$name" "$work/$name"
        if ! pool="$("$load" pool --url "$url")" ||
            ! "$load" seed --url "$url" --pool "$pool" --users "$GET_USERS" --concurrency "$CONCURRENCY" >/dev/null; then
            echo "   $name: could not create its pool and users; its figures are n/a"
            stop "$pid"
            continue
        fi
        for op in get create create-temp list; do
            out="$(run "$op" "$pool" "$GET_USERS")"
            echo "   $op: $out"
            record "$name" "$op" "$out"
        done
        R[$name.rss]="$(rss_mib "$pid")"
        R[$name.users]="$(py 'print(int(sum(x or 0 for x in v)))' "$GET_USERS" "${R[$name.create.ok]}" "${R[$name.create-temp.ok]}")"
        stop "$pid"
    done

    echo "== ours with $USERS users"
    start ours "$work/ours-full"
    pool="$("$load" pool --url "$url")"
    seed="$("$load" seed --url "$url" --pool "$pool" --users "$USERS" --concurrency 64)"
    echo "   seed (AdminCreateUser over HTTP, 64 in flight): $seed"
    out="$(run list "$pool" "$USERS")"
    echo "   list: $out"
    full_list_p99="$(field "$out" p99_ms)"
    full_list_wrong="$(field "$out" wrong_answers)"
    out="$(run get "$pool" "$USERS")"
    echo "   get: $out"
    full_get_rps="$(field "$out" rps)"
    full_rss="$(rss_mib "$pid")"
    stop "$pid"
    times=()
    for i in $(seq "$STARTS"); do
        start ours "$work/ours-full"
        times+=("$startup_ms")
        full_idle_rss="$(rss_mib "$pid")"
        stop "$pid"
    done
    full_startup="$(printf '%s\n' "${times[@]}" | median)"
    echo "   start-up on the full file, ms: ${times[*]}"
fi

if has signin; then
    echo "== sign-ins: $SIGNIN_USERS users, $CONCURRENCY workers, $DURATION s each, unpinned"
    for mode in full fast; do
        out="$("$load" hashcost --rounds 20 --dev "$([ "$mode" = fast ] && echo true || echo false)")"
        R[hash.$mode]="$(field "$out" median_ms)"
        echo "   one password check, $mode cost, one thread: ${R[hash.$mode]} ms"
    done
    R[hash.limit]="$(py "print(f'{$cores * 1000 / v[0]:.1f}')" "${R[hash.full]}")"
    # The same checks on every core at once: what the cores give when all of them hash.
    out="$("$load" hashcost --rounds 20 --threads "$cores")"
    R[hash.parallel]="$(field "$out" checks_per_second)"
    echo "   password checks on $cores threads at once, full cost: ${R[hash.parallel]}/s (median $(field "$out" median_ms) ms each)"
    for name in $signin_contestants; do
        pin_start=" " start "$name" "$work/$name-signin"
        if ! pool="$("$load" pool --url "$url")" ||
            ! "$load" seed --url "$url" --pool "$pool" --users "$SIGNIN_USERS" --concurrency "$CONCURRENCY" >/dev/null ||
            ! client="$("$load" signin-setup --url "$url" --pool "$pool" --users "$SIGNIN_USERS" --concurrency "$CONCURRENCY")"; then
            echo "   $name: could not set up its users and app client; its figures are n/a"
            stop "$pid"
            continue
        fi
        for op in signin srp; do
            out="$(pin_run="" run "$op" "$pool" "$SIGNIN_USERS" "$client")"
            echo "   $name $op: $out"
            record "$name" "$op" "$out"
        done
        R[$name.srp.client]="$(field "$out" client_median_ms)"
        stop "$pid"
    done
fi

if has trigger; then
    echo "== PreTokenGeneration V2_0 trigger: $SIGNIN_USERS users, $CONCURRENCY workers then 1, $DURATION s per load, unpinned"
    for variant in none on; do
        for op in signin signin1; do
            for figure in rps p99 p50 errors wrong bad; do R[trigger-$variant.$op.$figure]=n/a; done
            R[trigger-$variant.$op.ok]=0
        done
    done
    for figure in p50 min p99; do R[trigger.rt.$figure]=n/a; done
    R[trigger.invocations]=n/a
    lambda_port="$(free_port)"
    lambda_url="http://127.0.0.1:$lambda_port"
    arn="arn:aws:lambda:us-east-1:123456789012:function:bench-pre-token"
    # Bounded: it stops by itself after the longest this section can take.
    "$trigger_load" lambda-echo --port "$lambda_port" --seconds $((DURATION * 4 + 600)) >"$work/lambda-echo.out" 2>&1 &
    lambda_pid=$!
    pids+=("$lambda_pid")
    for _ in $(seq 100); do grep -q listening "$work/lambda-echo.out" 2>/dev/null && break; sleep 0.1; done
    pin_start=" " start ours-lambda "$work/ours-trigger"
    # trigger_setup POOL_COMMAND...: a pool (made by the command), its users and app client; sets
    # pool and client.
    trigger_setup() {
        pool="$("$@")" &&
            "$load" seed --url "$url" --pool "$pool" --users "$SIGNIN_USERS" --concurrency "$CONCURRENCY" >/dev/null &&
            client="$("$load" signin-setup --url "$url" --pool "$pool" --users "$SIGNIN_USERS" --concurrency "$CONCURRENCY")"
    }
    if trigger_setup "$load" pool --url "$url" && pool_none="$pool" && client_none="$client" &&
        trigger_setup "$trigger_load" pool --url "$url" --arn "$arn" && pool_on="$pool" && client_on="$client" &&
        check="$("$trigger_load" check --url "$url" --client "$client_on")"; then
        echo "   the trigger's pool: a sign-in's ID token carries $check"
        # Interleaved, so that a drift of the host weighs on both.
        for workers in "$CONCURRENCY" 1; do
            op="$([ "$workers" = 1 ] && echo signin1 || echo signin)"
            for variant in none on; do
                pool_var="pool_$variant" client_var="client_$variant"
                out="$(pin_run="" CONCURRENCY="$workers" run signin "${!pool_var}" "$SIGNIN_USERS" "${!client_var}")"
                echo "   trigger $variant, $workers worker(s): $out"
                record "trigger-$variant" "$op" "$out"
                R[trigger-$variant.$op.p50]="$(field "$out" p50_ms)"
            done
        done
        out="$("$trigger_load" roundtrip --url "$lambda_url" --arn "$arn" --rounds "$TRIGGER_ROUNDS")" || out='{}'
        echo "   one round trip to the function: $out"
        for figure in p50 min p99; do R[trigger.rt.$figure]="$(field "$out" "${figure}_ms")"; done
        R[trigger.invocations]="$(field "$out" invocations_before)"
    else
        echo "   could not set up the two pools (or the trigger's claim is missing); the trigger figures are n/a"
    fi
    stop "$pid"
    stop "$lambda_pid"
    # At saturation: the server's (and the function's) time per sign-in, 1/rate, with and without.
    R[trigger.busy]="$(py 'print(f"{1000 / v[0] - 1000 / v[1]:+.3f}" if None not in v and v[0] > 0 and v[1] > 0 else "n/a")' "${R[trigger-on.signin.rps]}" "${R[trigger-none.signin.rps]}")"
    R[trigger.delta]="$(py 'print(f"{v[0] - v[1]:+.3f}" if None not in v else "n/a")' "${R[trigger-on.signin1.p50]}" "${R[trigger-none.signin1.p50]}")"
fi

if has oauth; then
    echo "== OAuth 2.0 token endpoint: $CONCURRENCY workers, $DURATION s per load, pinned: $([ -n "$pin_server" ] && echo yes || echo no)"
    if [[ " $PEERS " == *" moto "* ]]; then
        echo "   moto: no OAuth 2.0 endpoints (the JSON API and the JWKS only); left out"
    fi
    out="$("$oauth_load" sign-cost --rounds 500)"
    R[sign.ms]="$(field "$out" min_ms)"
    # Pinned, the server has one core.
    sign_cores="$([ -n "$pin_server" ] && echo 1 || echo "$cores")"
    R[sign.floor.cc]="$(py "print(f'{$sign_cores * 1000 / v[0]:.0f}')" "${R[sign.ms]}")"
    R[sign.floor.code]="$(py "print(f'{$sign_cores * 1000 / v[0] / 2:.0f}')" "${R[sign.ms]}")"
    echo "   one RS256 signature (RSA-2048) by our signer, one thread: ${R[sign.ms]} ms at best (median $(field "$out" median_ms) ms)"
    for name in $oauth_contestants; do
        start "$name" "$work/$name-oauth"
        if ! setup="$("$oauth_load" setup --url "$url" --flavor "${FLAVOR[$name]}")"; then
            echo "   $name: could not set up its pool, clients and user; its figures are n/a"
            stop "$pid"
            continue
        fi
        for op in client-credentials code-exchange; do
            if ! oauth_supports "$name" "$op"; then
                echo "   $name $op: n/a (no such grant)"
                continue
            fi
            out="$(oauth_run "$op" "$setup")"
            echo "   $name $op: $out"
            record "$name" "$op" "$out"
            R[$name.$op.p50]="$(field "$out" p50_ms)"
            R[$name.$op.mint]="$(field "$out" mint_per_second)"
            R[$name.$op.short]="$(field "$out" short)"
            R[$name.$op.cpu]="$(field "$out" server_cpu_s)"
            R[$name.$op.percpu]="$(py 'print(f"{v[0]:.0f}" if v[0] else "n/a")' "$(field "$out" per_server_cpu_s)")"
            R[$name.$op.unsigned]="$(field "$out" short_signatures)"
            R[$name.$op.sigbytes]="$(field "$out" short_signature_bytes)"
        done
        R[$name.oauth.rss]="$(rss_mib "$pid")"
        stop "$pid"
    done
fi

if has api; then
    echo
    echo "== results (one run; $cores cores shared with whatever else runs here; req/s (p99 ms))"
    printf '%-21s %9s %17s %17s %17s %17s %9s %8s  %s\n' "" "start ms" "AdminGetUser" "create" \
        "create temp pw" "list p99 (users)" "RSS MiB" "failed" "keeps"
    for name in $api_contestants; do
        failed="$(py 'print(int(sum(x or 0 for x in v)))' "${R[$name.get.bad]:-0}" "${R[$name.create.bad]:-0}" \
            "${R[$name.create-temp.bad]:-0}" "${R[$name.list.bad]:-0}")"
        printf '%-21s %9s %17s %17s %17s %17s %9s %8s  %s\n' "$name" "${R[$name.startup]:-n/a}" "$(fig "$name" get)" \
            "$(fig "$name" create)" "$(fig "$name" create-temp)" "${R[$name.list.p99]:-n/a} (${R[$name.users]:-n/a})" \
            "${R[$name.rss]:-n/a}" "$failed" "${KEEPS[$name]}"
    done
    for peer in $PEERS; do
        echo "ours/$peer: reads $(ratio "${R[ours.get.rps]}" "${R[$peer.get.rps]:-n/a}")," \
            "writes $(ratio "${R[ours.create.rps]}" "${R[$peer.create.rps]:-n/a}")," \
            "writes with a temporary password $(ratio "${R[ours.create-temp.rps]}" "${R[$peer.create-temp.rps]:-n/a}")" \
            "(in memory: reads $(ratio "${R[ours-memory.get.rps]}" "${R[$peer.get.rps]:-n/a}")," \
            "writes with a temporary password $(ratio "${R[ours-memory.create-temp.rps]}" "${R[$peer.create-temp.rps]:-n/a}"))"
    done
    echo "SRP verifier floor: $cores cores / ${R[srp.verifier]} ms = ${R[srp.floor]} writes with a password/s at most" \
        "(the server's $server_cores core(s) here: ${R[srp.floor.server]}/s);" \
        "ours --in-memory wrote ${R[ours-memory.create-temp.rps]}/s ($(pct "${R[ours-memory.create-temp.rps]}" "${R[srp.floor.server]}") of its cores' floor)," \
        "ours (file) ${R[ours.create-temp.rps]}/s ($(pct "${R[ours.create-temp.rps]}" "${R[srp.floor.server]}"))"
    if listed fakecloud; then
        echo "ours --in-memory against fakecloud in memory, writes with a temporary password:" \
            "${R[ours-memory.create-temp.rps]}/s against ${R[fakecloud.create-temp.rps]:-n/a}/s" \
            "($(ratio "${R[ours-memory.create-temp.rps]}" "${R[fakecloud.create-temp.rps]:-n/a}"))"
    fi
    echo "ours with $USERS users: filtered ListUsers p99 $full_list_p99 ms (wrong answers: $full_list_wrong), AdminGetUser $full_get_rps req/s, RSS $full_rss MiB after the load ($full_idle_rss MiB idle after a restart), start-up on the full file $full_startup ms"
    for name in $api_contestants; do
        for op in get create create-temp list; do
            [ "${R[$name.$op.bad]:-0}" = 0 ] || echo "   note: $name $op had ${R[$name.$op.errors]} failed requests and ${R[$name.$op.wrong]} wrong answers"
        done
    done
fi
if has signin; then
    echo
    echo "== sign-ins ($CONCURRENCY workers; sign-ins/s (p99 ms); SRP: two round trips; client ms: the load generator's wall time per SRP answer)"
    printf '%-21s %18s %8s %18s %8s %12s\n' "" "USER_PASSWORD_AUTH" "failed" "USER_SRP_AUTH" "failed" "client ms"
    for name in $signin_contestants; do
        printf '%-21s %18s %8s %18s %8s %12s\n' "$name" "$(fig "$name" signin)" "${R[$name.signin.bad]:-n/a}" \
            "$(fig "$name" srp)" "${R[$name.srp.bad]:-n/a}" \
            "$([ "$(fig "$name" srp)" = n/a ] && echo n/a || echo "${R[$name.srp.client]}")"
    done
    echo "the limit hashing sets: $cores cores / ${R[hash.full]} ms = ${R[hash.limit]} sign-ins/s (fast cost, as shipped: one check ${R[hash.fast]} ms)"
    echo "ours --self-hosted (full cost): $(pct "${R[ours-selfhosted.signin.rps]:-n/a}" "${R[hash.limit]}") of that limit," \
        "$(pct "${R[ours-selfhosted.signin.rps]:-n/a}" "${R[hash.parallel]}") of the ${R[hash.parallel]} checks/s every core gives at once"
    if [ -n "${PREVIOUS_BIN:-}" ]; then
        echo "ours/ours-previous: USER_PASSWORD_AUTH $(ratio "${R[ours.signin.rps]:-n/a}" "${R[ours-previous.signin.rps]:-n/a}")," \
            "USER_SRP_AUTH $(ratio "${R[ours.srp.rps]:-n/a}" "${R[ours-previous.srp.rps]:-n/a}")"
    fi
    for peer in $PEERS; do
        echo "ours/$peer: USER_PASSWORD_AUTH $(ratio "${R[ours.signin.rps]:-n/a}" "${R[$peer.signin.rps]:-n/a}")," \
            "USER_SRP_AUTH $(ratio "${R[ours.srp.rps]:-n/a}" "$([ "$(fig "$peer" srp)" = n/a ] && echo n/a || echo "${R[$peer.srp.rps]}")")"
    done
fi
if has trigger; then
    echo
    echo "== PreTokenGeneration V2_0 trigger (ours as shipped; USER_PASSWORD_AUTH sign-ins/s (p99 ms); p50 ms with one worker)"
    printf '%-21s %22s %8s %14s %8s\n' "" "$CONCURRENCY workers" "failed" "1 worker p50" "failed"
    for variant in none on; do
        printf '%-21s %22s %8s %14s %8s\n' "trigger $variant" "$(fig "trigger-$variant" signin)" "${R[trigger-$variant.signin.bad]}" \
            "${R[trigger-$variant.signin1.p50]}" "${R[trigger-$variant.signin1.bad]}"
    done
    echo "with the trigger: $(pct "${R[trigger-on.signin.rps]}" "${R[trigger-none.signin.rps]}") of the sign-ins/s without;" \
        "${R[trigger.busy]} ms of the host per sign-in at $CONCURRENCY workers (1/rate);" \
        "one worker: ${R[trigger.delta]} ms per sign-in (p50); one local round trip to the function: p50 ${R[trigger.rt.p50]} ms" \
        "(min ${R[trigger.rt.min]}, p99 ${R[trigger.rt.p99]}; ${R[trigger.invocations]} invocations by the server before it)"
fi
if has oauth; then
    echo
    echo "== OAuth 2.0 token endpoint ($CONCURRENCY workers; tokens/s (p99 ms); per CPU-s: tokens per second of the"
    echo "   server's own CPU time; codes minted with the clock stopped)"
    printf '%-21s %20s %10s %7s %20s %10s %7s %9s %8s  %s\n' "" "client_credentials" "per CPU-s" "failed" \
        "code exchanges" "per CPU-s" "failed" "minted/s" "RSS MiB" "keeps"
    for name in $oauth_contestants; do
        printf '%-21s %20s %10s %7s %20s %10s %7s %9s %8s  %s\n' "$name" "$(fig "$name" client-credentials)" \
            "${R[$name.client-credentials.percpu]}" "${R[$name.client-credentials.bad]}" "$(fig "$name" code-exchange)" \
            "${R[$name.code-exchange.percpu]}" "${R[$name.code-exchange.bad]}" "${R[$name.code-exchange.mint]}" \
            "${R[$name.oauth.rss]}" "${KEEPS[$name]}"
    done
    for peer in $oauth_peers; do
        echo "ours/$peer: client_credentials $(ratio "${R[ours.client-credentials.rps]}" "${R[$peer.client-credentials.rps]}")," \
            "code exchanges $(ratio "${R[ours.code-exchange.rps]}" "${R[$peer.code-exchange.rps]}")" \
            "(in memory: $(ratio "${R[ours-memory.client-credentials.rps]}" "${R[$peer.client-credentials.rps]}")," \
            "$(ratio "${R[ours-memory.code-exchange.rps]}" "${R[$peer.code-exchange.rps]}"));" \
            "per server CPU-s: $(ratio "${R[ours.client-credentials.percpu]}" "${R[$peer.client-credentials.percpu]}")," \
            "$(ratio "${R[ours.code-exchange.percpu]}" "${R[$peer.code-exchange.percpu]}")"
    done
    echo "signing floor on the server's $sign_cores core(s) (one RS256 signature ${R[sign.ms]} ms): ${R[sign.floor.cc]} client_credentials tokens/s," \
        "${R[sign.floor.code]} code exchanges/s (two signatures); ours (file) ran at" \
        "$(pct "${R[ours.client-credentials.percpu]}" "$(py "print(v[0] / $sign_cores)" "${R[sign.floor.cc]}")") and" \
        "$(pct "${R[ours.code-exchange.percpu]}" "$(py "print(v[0] / $sign_cores)" "${R[sign.floor.code]}")") of that per CPU-second"
    for name in $oauth_contestants; do
        for op in client-credentials code-exchange; do
            if [ "${R[$name.$op.unsigned]}" != n/a ] && [ "${R[$name.$op.unsigned]}" != 0 ]; then
                echo "   note: $name $op: ${R[$name.$op.unsigned]} answers with tokens whose signature is ${R[$name.$op.sigbytes]} bytes, not an RSA-2048 signature's 256: not really signed"
            fi
            [ "${R[$name.$op.bad]}" = 0 ] || [ "${R[$name.$op.bad]}" = n/a ] ||
                echo "   note: $name $op had ${R[$name.$op.errors]} failed requests and ${R[$name.$op.wrong]} answers without tokens"
        done
        if [ "${R[$name.code-exchange.short]}" = True ]; then
            echo "   note: $name's exchanges ran less than $DURATION s (minting stopped after 120 s): its rate is over a shorter load"
        fi
    done
fi

goal() { # goal NAME OK
    if [ "$2" = 1 ]; then echo "PASS  $1"; else echo "FAIL  $1"; fi
}
clean() { [ "${R[$1.$2.bad]:-1}" = 0 ] && [ "${R[$1.$2.ok]:-0}" != 0 ]; } # clean NAME OP: every answer right
echo
echo "== goals"
if has api; then
    if listed cognito-local; then
        goal "reads >= 15x cognito-local's ($(ratio "${R[ours.get.rps]}" "${R[cognito-local.get.rps]:-n/a}"))" \
            "$(ge "${R[ours.get.rps]}" "$(times_ 15 "${R[cognito-local.get.rps]:-n/a}")")"
        goal "writes with a temporary password >= 20x cognito-local's ($(ratio "${R[ours.create-temp.rps]}" "${R[cognito-local.create-temp.rps]:-n/a}"))" \
            "$(clean ours create-temp && ge "${R[ours.create-temp.rps]}" "$(times_ 20 "${R[cognito-local.create-temp.rps]:-n/a}")" || echo 0)"
    fi
    if listed fakecloud-persistent; then
        goal "reads ahead of fakecloud --storage-mode persistent, ours on its file ($(ratio "${R[ours.get.rps]}" "${R[fakecloud-persistent.get.rps]:-n/a}"))" \
            "$(clean ours get && gt "${R[ours.get.rps]}" "${R[fakecloud-persistent.get.rps]:-n/a}" || echo 0)"
    fi
    if listed fakecloud; then
        goal "reads ahead of fakecloud in memory, ours --in-memory ($(ratio "${R[ours-memory.get.rps]}" "${R[fakecloud.get.rps]:-n/a}"))" \
            "$(clean ours-memory get && gt "${R[ours-memory.get.rps]}" "${R[fakecloud.get.rps]:-n/a}" || echo 0)"
    fi
    for peer in cognito-local fakecloud-persistent; do
        listed "$peer" || continue
        goal "writes with a temporary password ahead of $peer (keeps them: ${KEEPS[$peer]}) ($(ratio "${R[ours.create-temp.rps]}" "${R[$peer.create-temp.rps]:-n/a}"))" \
            "$(clean ours create-temp && gt "${R[ours.create-temp.rps]}" "${R[$peer.create-temp.rps]:-n/a}" || echo 0)"
    done
    for peer in moto ministack fakecloud; do
        if listed "$peer"; then
            echo "note  $peer keeps nothing it acknowledges (in memory): its writes are compared with ours --in-memory above"
        fi
    done
    goal "filtered ListUsers p99 < 20 ms on $USERS users ($full_list_p99 ms)" "$( [ "$full_list_wrong" = 0 ] && lt "$full_list_p99" 20 || echo 0)"
    goal "< 200 MiB resident with $USERS users ($full_rss MiB)" "$(lt "$full_rss" 200)"
    goal "start-up < 200 ms (${R[ours.startup]} ms on a new file, $full_startup ms on $USERS users)" \
        "$( [ "$(lt "${R[ours.startup]}" 200)" = 1 ] && lt "$full_startup" 200 || echo 0)"
fi
if has signin; then
    if listed cognito-local; then
        goal "sign-ins as shipped >= 10x cognito-local's ($(ratio "${R[ours.signin.rps]:-n/a}" "${R[cognito-local.signin.rps]:-n/a}"))" \
            "$(clean ours signin && ge "${R[ours.signin.rps]:-n/a}" "$(times_ 10 "${R[cognito-local.signin.rps]:-n/a}")" || echo 0)"
    fi
    for peer in $PEERS; do
        goal "sign-ins as shipped ahead of $peer ($(ratio "${R[ours.signin.rps]:-n/a}" "${R[$peer.signin.rps]:-n/a}"))" \
            "$(clean ours signin && gt "${R[ours.signin.rps]:-n/a}" "${R[$peer.signin.rps]:-n/a}" || echo 0)"
    done
    for peer in $PEERS; do
        if [ "$(fig "$peer" srp)" = n/a ]; then
            echo "n/a   USER_SRP_AUTH sign-ins against $peer: it completed none (${R[$peer.srp.errors]:-n/a} failed, ${R[$peer.srp.wrong]:-n/a} without tokens)"
        else
            goal "USER_SRP_AUTH sign-ins ahead of $peer ($(ratio "${R[ours.srp.rps]:-n/a}" "${R[$peer.srp.rps]}"))" \
                "$(clean ours srp && gt "${R[ours.srp.rps]:-n/a}" "${R[$peer.srp.rps]}" || echo 0)"
        fi
    done
    goal "self-hosted sign-ins (full cost) >= 90% of the hashing limit (${R[ours-selfhosted.signin.rps]:-n/a}/s of ${R[hash.limit]}/s)" \
        "$(clean ours-selfhosted signin && ge "${R[ours-selfhosted.signin.rps]:-n/a}" "$(times_ 0.9 "${R[hash.limit]}")" || echo 0)"
fi
if has trigger; then
    goal "a PreTokenGeneration trigger costs no more than one local round trip (${R[trigger.delta]} ms per sign-in <= ${R[trigger.rt.p50]} + $TRIGGER_NOISE_MS ms)" \
        "$(clean trigger-on signin1 && clean trigger-none signin1 && py 'print(1 if None not in v and v[0] <= v[1] + v[2] else 0)' "${R[trigger.delta]}" "${R[trigger.rt.p50]}" "$TRIGGER_NOISE_MS" || echo 0)"
fi
if has oauth; then
    for peer in $oauth_peers; do
        for op in client-credentials code-exchange; do
            what="$([ "$op" = client-credentials ] && echo "client_credentials tokens" || echo "code exchanges")"
            if ! oauth_supports "$peer" "$op"; then
                echo "n/a   $what against $peer: it has no such grant"
            elif [ "$(fig "$peer" "$op")" = n/a ]; then
                echo "n/a   $what against $peer: it completed none (${R[$peer.$op.errors]} failed, ${R[$peer.$op.wrong]} without tokens)"
            else
                unsigned=""
                if [ "${R[$peer.$op.unsigned]}" != n/a ] && [ "${R[$peer.$op.unsigned]}" != 0 ]; then
                    unsigned=", its tokens not signed"
                fi
                goal "$what as shipped ahead of $peer ($(ratio "${R[ours.$op.rps]}" "${R[$peer.$op.rps]}"); in memory $(ratio "${R[ours-memory.$op.rps]}" "${R[$peer.$op.rps]}"); per server CPU-s $(ratio "${R[ours.$op.percpu]}" "${R[$peer.$op.percpu]}")$unsigned)" \
                    "$(clean ours "$op" && gt "${R[ours.$op.rps]}" "${R[$peer.$op.rps]}" || echo 0)"
            fi
        done
    done
fi
