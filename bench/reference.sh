#!/usr/bin/env bash
# The reference server (cognito-idp-server) side by side with cognito-local (npm) and moto
# (moto_server, PyPI) in one run on this machine; it is not a test.
#
# Each contestant is started fresh, timed from spawn to its first HTTP answer, given a pool of
# GET_USERS users, then loaded by the same generator (cognito-idp-server/examples/load.rs,
# CONCURRENCY workers, DURATION seconds each): AdminGetUser, AdminCreateUser (with an email,
# MessageAction SUPPRESS, as in AWS's reference example), ListUsers with an email filter.
# Ours then gets a pool of USERS users (seeded through AdminCreateUser over HTTP, 64 in flight:
# the same rows the API writes) for the filtered-ListUsers latency, resident memory and start-up
# on a full file. Prints the figures, our ratios to each peer, and PASS/FAIL for each goal.
#
# Sign-ins (SECTIONS contains "signin"): InitiateAuth USER_PASSWORD_AUTH by SIGNIN_USERS users
# with permanent passwords, CONCURRENCY workers, against ours with the default Argon2id cost,
# ours with --dev, and each peer; unpinned (the server may use every core: hashing is what
# bounds it). In the same run, the time of one password check by our hasher on one thread
# gives the limit hashing sets: cores / that time; the same checks on every core at once give
# what the cores really sustain (memory-hard hashes share the cache and memory bandwidth).
#
# Our server runs as shipped: the default file (SQLite WAL, synchronous=FULL, so every 200 is
# on disk) and default options. Peers are installed into PEERS_DIR (default: a temporary
# directory, removed at exit) with npm and a Python venv. Loopback only, bounded in time.
#
# Environment: SECTIONS ("api signin"), SIGNIN_USERS (100), DURATION (10), CONCURRENCY (16), USERS (100000), GET_USERS (1000), STARTS (3),
# PEERS ("cognito-local moto"; "" for ours alone), PEERS_DIR, PIN (1: server on core 0, load
# generator on core 1; 0 lets the scheduler place them), BUILD (1; 0 uses the binaries built
# before).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10}"
CONCURRENCY="${CONCURRENCY:-16}"
USERS="${USERS:-100000}"
GET_USERS="${GET_USERS:-1000}"
PEERS="${PEERS-cognito-local moto}"
PIN="${PIN:-1}"
STARTS="${STARTS:-3}"
SECTIONS="${SECTIONS:-api signin}"
SIGNIN_USERS="${SIGNIN_USERS:-100}"
has() { [[ " $SECTIONS " == *" $1 "* ]]; }
COGNITO_LOCAL_VERSION=5.3.0
MOTO_VERSION=5.2.5

pin_server=""
pin_load=""
if [ "$PIN" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    pin_server="taskset -c 0"
    pin_load="taskset -c 1"
fi

if [ "${BUILD:-1}" = 1 ]; then
    echo "== building the server and the load generator (release)"
    cargo build --release --quiet -p cognito-idp-server --bin cognito-idp-server --example load
fi
target="${CARGO_TARGET_DIR:-target}"
server_bin="$(pwd)/$target/release/cognito-idp-server"
load="$(pwd)/$target/release/examples/load"
[ -x "$server_bin" ] || server_bin="$target/release/cognito-idp-server"
[ -x "$load" ] || load="$target/release/examples/load"

# On disk, not tmpfs: the durable-write figures mean fsyncs.
work="$(mktemp -d "${TMPDIR:-/tmp}/cognito-bench.XXXXXX")"
PEERS_DIR="${PEERS_DIR:-$work/peers}"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

for peer in $PEERS; do
    case "$peer" in
        cognito-local)
            if [ ! -x "$PEERS_DIR/cognito-local/node_modules/.bin/cognito-local" ]; then
                echo "== installing cognito-local $COGNITO_LOCAL_VERSION (npm)"
                mkdir -p "$PEERS_DIR/cognito-local"
                npm install --prefix "$PEERS_DIR/cognito-local" --no-audit --no-fund --silent \
                    "cognito-local@$COGNITO_LOCAL_VERSION" >/dev/null
            fi
            ;;
        moto)
            if [ ! -x "$PEERS_DIR/moto/bin/moto_server" ]; then
                echo "== installing moto[server] $MOTO_VERSION (venv)"
                python3 -m venv "$PEERS_DIR/moto"
                "$PEERS_DIR/moto/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
            fi
            ;;
        *) echo "unknown peer $peer" >&2; exit 2 ;;
    esac
done

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# field JSON KEY: one member of a JSON object.
field() { python3 -c 'import json, sys; v = json.loads(sys.argv[1])[sys.argv[2]]; print(v if not isinstance(v, float) else f"{v:.2f}")' "$1" "$2"; }
rss_mib() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { python3 -c 'import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f"{a / b:.1f}" if b > 0 else "n/a")' "$1" "$2"; }
pct() { python3 -c 'import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f"{100 * a / b:.0f} %" if b > 0 else "n/a")' "$1" "$2"; }

# start NAME DB_DIR: starts a contestant on a free port; sets url, pid, startup_ms.
start() {
    local name="$1" dir="$2" port cmd out
    port="$(free_port)"
    mkdir -p "$dir"
    case "$name" in
        ours) cmd=("$server_bin" --host 127.0.0.1 --port "$port" --db "$dir/cognito.db") ;;
        ours-dev) cmd=("$server_bin" --host 127.0.0.1 --port "$port" --db "$dir/cognito.db" --dev) ;;
        cognito-local)
            # Its default pools take emails as usernames (UsernameAttributes ["email"]); ours and
            # moto's take AWS's default (none), so set that.
            mkdir -p "$dir/.cognito"
            echo '{"UserPoolDefaults": {"UsernameAttributes": []}}' > "$dir/.cognito/config.json"
            cmd=(env "PORT=$port" HOST=127.0.0.1 "$PEERS_DIR/cognito-local/node_modules/.bin/cognito-local")
            ;;
        moto) cmd=("$PEERS_DIR/moto/bin/moto_server" -H 127.0.0.1 -p "$port") ;;
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

# run OP POOL USERS: a DURATION-second load; prints its JSON.
run() {
    $pin_load "$load" run --url "$url" --pool "$2" --op "$1" --users "$3" --concurrency "$CONCURRENCY" \
        --duration "$DURATION" --prefix "load$RANDOM"
}

declare -A R
if has api; then
    echo "== $DURATION s per load, $CONCURRENCY workers, pinned: $([ -n "$pin_server" ] && echo yes || echo no), $(nproc) cores"
    for name in ours $PEERS; do
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
        pool="$("$load" pool --url "$url")"
        "$load" seed --url "$url" --pool "$pool" --users "$GET_USERS" --concurrency "$CONCURRENCY" >/dev/null
        for op in get create list; do
            out="$(run "$op" "$pool" "$GET_USERS")"
            echo "   $op: $out"
            R[$name.$op.rps]="$(field "$out" rps)"
            R[$name.$op.p99]="$(field "$out" p99_ms)"
            R[$name.$op.errors]="$(field "$out" errors)"
            R[$name.$op.ok]="$(field "$out" ok)"
        done
        R[$name.rss]="$(rss_mib "$pid")"
        R[$name.users]="$((GET_USERS + ${R[$name.create.ok]}))"
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
    for mode in default dev; do
        out="$("$load" hashcost --rounds 20 --dev "$([ "$mode" = dev ] && echo true || echo false)")"
        R[hash.$mode]="$(field "$out" median_ms)"
        echo "   one password check, $mode cost, one thread: ${R[hash.$mode]} ms"
    done
    R[hash.limit]="$(python3 -c "print(f'{$(nproc) * 1000 / ${R[hash.default]}:.1f}')")"
    # The same checks on every core at once: what the cores give when all of them hash.
    out="$("$load" hashcost --rounds 20 --threads "$(nproc)")"
    R[hash.parallel]="$(field "$out" checks_per_second)"
    echo "   password checks on $(nproc) threads at once, default cost: ${R[hash.parallel]}/s (median $(field "$out" median_ms) ms each)"
    for name in ours ours-dev $PEERS; do
        pin_start=" " start "$name" "$work/$name-signin"
        pool="$("$load" pool --url "$url")"
        "$load" seed --url "$url" --pool "$pool" --users "$SIGNIN_USERS" --concurrency "$CONCURRENCY" >/dev/null
        client="$("$load" signin-setup --url "$url" --pool "$pool" --users "$SIGNIN_USERS" --concurrency "$CONCURRENCY")"
        out="$("$load" run --url "$url" --pool "$pool" --op signin --client "$client" --users "$SIGNIN_USERS" \
            --concurrency "$CONCURRENCY" --duration "$DURATION")"
        echo "   $name: $out"
        R[$name.signin.rps]="$(field "$out" rps)"
        R[$name.signin.p99]="$(field "$out" p99_ms)"
        R[$name.signin.bad]="$(( $(field "$out" errors) + $(field "$out" wrong_answers) ))"
        stop "$pid"
    done
fi
if has api; then
    echo
    echo "== results (one run; $(nproc) cores shared with whatever else runs here)"
    printf '%-14s %10s %12s %10s %12s %10s %14s %10s\n' "" "start ms" "get req/s" "get p99" "create req/s" "create p99" "list p99 (users)" "RSS MiB"
    for name in ours $PEERS; do
        printf '%-14s %10s %12s %10s %12s %10s %14s %10s\n' "$name" "${R[$name.startup]}" "${R[$name.get.rps]}" \
            "${R[$name.get.p99]}" "${R[$name.create.rps]}" "${R[$name.create.p99]}" \
            "${R[$name.list.p99]} (${R[$name.users]})" "${R[$name.rss]}"
        for op in get create list; do
            [ "${R[$name.$op.errors]}" = 0 ] || echo "   note: $name $op had ${R[$name.$op.errors]} failed requests"
        done
    done
    for peer in $PEERS; do
        echo "ours/$peer: reads $(ratio "${R[ours.get.rps]}" "${R[$peer.get.rps]}")x, writes $(ratio "${R[ours.create.rps]}" "${R[$peer.create.rps]}")x"
    done
    echo "ours with $USERS users: filtered ListUsers p99 $full_list_p99 ms (wrong answers: $full_list_wrong), AdminGetUser $full_get_rps req/s, RSS $full_rss MiB after the load ($full_idle_rss MiB idle after a restart), start-up on the full file $full_startup ms"

fi
if has signin; then
    echo
    echo "== sign-ins (InitiateAuth USER_PASSWORD_AUTH, $CONCURRENCY workers)"
    printf '%-14s %12s %10s %8s\n' "" "sign-ins/s" "p99 ms" "failed"
    for name in ours ours-dev $PEERS; do
        printf '%-14s %12s %10s %8s\n' "$name" "${R[$name.signin.rps]}" "${R[$name.signin.p99]}" "${R[$name.signin.bad]}"
    done
    echo "the limit hashing sets: $(nproc) cores / ${R[hash.default]} ms = ${R[hash.limit]} sign-ins/s (--dev: one check ${R[hash.dev]} ms)"
    echo "ours at the default cost: $(pct "${R[ours.signin.rps]}" "${R[hash.limit]}") of that limit," \
        "$(pct "${R[ours.signin.rps]}" "${R[hash.parallel]}") of the ${R[hash.parallel]} checks/s every core gives at once"
    for peer in $PEERS; do
        echo "ours --dev/$peer: $(ratio "${R[ours-dev.signin.rps]}" "${R[$peer.signin.rps]}")x"
    done
fi

goal() { # goal NAME OK
    if [ "$2" = 1 ]; then echo "PASS  $1"; else echo "FAIL  $1"; fi
}
ge() { python3 -c 'import sys; print(1 if float(sys.argv[1]) >= float(sys.argv[2]) else 0)' "$1" "$2"; }
lt() { python3 -c 'import sys; print(1 if float(sys.argv[1]) < float(sys.argv[2]) else 0)' "$1" "$2"; }
echo
echo "== goals"
if has api; then
    if [[ " $PEERS " == *" cognito-local "* ]]; then
        goal "reads >= 15x cognito-local's ($(ratio "${R[ours.get.rps]}" "${R[cognito-local.get.rps]}")x)" \
            "$(ge "${R[ours.get.rps]}" "$(python3 -c "print(15 * ${R[cognito-local.get.rps]})")")"
        goal "durable writes >= 20x cognito-local's ($(ratio "${R[ours.create.rps]}" "${R[cognito-local.create.rps]}")x)" \
            "$(ge "${R[ours.create.rps]}" "$(python3 -c "print(20 * ${R[cognito-local.create.rps]})")")"
    fi
    goal "filtered ListUsers p99 < 20 ms on $USERS users ($full_list_p99 ms)" "$( [ "$full_list_wrong" = 0 ] && lt "$full_list_p99" 20 || echo 0)"
    goal "< 200 MiB resident with $USERS users ($full_rss MiB)" "$(lt "$full_rss" 200)"
    goal "start-up < 200 ms (${R[ours.startup]} ms on a new file, $full_startup ms on $USERS users)" \
        "$( [ "$(lt "${R[ours.startup]}" 200)" = 1 ] && lt "$full_startup" 200 || echo 0)"
fi
if has signin; then
    goal "sign-ins at the default cost >= 90% of the hashing limit (${R[ours.signin.rps]}/s of ${R[hash.limit]}/s)" \
        "$( [ "${R[ours.signin.bad]}" = 0 ] && ge "${R[ours.signin.rps]}" "$(python3 -c "print(0.9 * ${R[hash.limit]})")" || echo 0)"
    if [[ " $PEERS " == *" cognito-local "* ]]; then
        goal "sign-ins with --dev >= 10x cognito-local's ($(ratio "${R[ours-dev.signin.rps]}" "${R[cognito-local.signin.rps]}")x)" \
            "$( [ "${R[ours-dev.signin.bad]}" = 0 ] && ge "${R[ours-dev.signin.rps]}" "$(python3 -c "print(10 * ${R[cognito-local.signin.rps]})")" || echo 0)"
    fi
fi
