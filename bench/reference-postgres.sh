#!/usr/bin/env bash
# The reference server on PostgreSQL: one instance, then two instances on one database, beside
# the same server on SQLite and (optionally) cognito-local, in one run on this machine; it is
# not a test. The load is bench/reference.sh's (cognito-idp-server/examples/load.rs,
# CONCURRENCY workers, DURATION seconds): AdminGetUser over GET_USERS users, AdminCreateUser
# (email, MessageAction SUPPRESS), ListUsers with an email filter. With two instances the
# workers are split between them (two load processes, CONCURRENCY/2 each, as a round-robin load
# balancer would split them) and their rates are added.
#
# PostgreSQL is a throwaway one (Debian's postgresql package, initdb into a temporary directory
# on disk, a free port on 127.0.0.1) with its default durability: fsync on and
# synchronous_commit on, so every 200 is on disk, as with SQLite's synchronous=FULL. Server,
# database and load generator share this machine's cores.
#
# Environment: DURATION (10), CONCURRENCY (16), GET_USERS (1000), POOL_SIZE (16, per instance),
# PEERS ("cognito-local"; "" for none), PEERS_DIR (where bench/reference.sh installs peers;
# default a temporary directory), BUILD (1; 0 uses the binaries built before).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10}"
CONCURRENCY="${CONCURRENCY:-16}"
GET_USERS="${GET_USERS:-1000}"
POOL_SIZE="${POOL_SIZE:-16}"
PEERS="${PEERS-cognito-local}"
COGNITO_LOCAL_VERSION=5.3.0

pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
    echo "SKIPPED: PostgreSQL is not installed (apt-get install postgresql)" >&2
    exit 0
fi

if [ "${BUILD:-1}" = 1 ]; then
    echo "== building the server and the load generator (release)"
    cargo build --release --quiet -p cognito-idp-server --bin cognito-idp-server --example load
fi
target="${CARGO_TARGET_DIR:-target}"
server_bin="$(pwd)/$target/release/cognito-idp-server"
load="$(pwd)/$target/release/examples/load"

work="$(mktemp -d "${TMPDIR:-/tmp}/cognito-bench-pg.XXXXXX")"
PEERS_DIR="${PEERS_DIR:-$work/peers}"
as_pg=()
if [ "$(id -u)" = 0 ]; then
    # initdb refuses root: the database runs as the package's postgres user.
    chown postgres: "$work"
    as_pg=(runuser -u postgres --)
fi
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
field() { python3 -c 'import json, sys; v = json.loads(sys.argv[1])[sys.argv[2]]; print(v if not isinstance(v, float) else f"{v:.2f}")' "$1" "$2"; }
ratio() { python3 -c 'import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f"{a / b:.1f}" if b > 0 else "n/a")' "$1" "$2"; }
add() { python3 -c 'import sys; print(f"{float(sys.argv[1]) + float(sys.argv[2]):.2f}")' "$1" "$2"; }
max() { python3 -c 'import sys; print(f"{max(float(sys.argv[1]), float(sys.argv[2])):.2f}")' "$1" "$2"; }

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
        *) echo "unknown peer $peer" >&2; exit 2 ;;
    esac
done

echo "== a throwaway PostgreSQL ($("$pg_bin/postgres" --version))"
pg_port="$(free_port)"
"${as_pg[@]}" "$pg_bin/initdb" --auth=trust --username=postgres --encoding=UTF8 --no-locale -D "$work/pg" >/dev/null
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w \
    -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
database=0
# new_database: creates an empty database; sets db_url.
new_database() {
    database=$((database + 1))
    "${as_pg[@]}" "$pg_bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE bench$database" postgres
    db_url="postgres://postgres@127.0.0.1:$pg_port/bench$database"
}

# start NAME DB: a server on a free port; sets url and pid.
start() {
    local name="$1" db="$2" port cmd out dir="$work/run-$RANDOM"
    port="$(free_port)"
    mkdir -p "$dir"
    case "$name" in
        ours) cmd=("$server_bin" --host 127.0.0.1 --port "$port" --db "$db" --db-pool-size "$POOL_SIZE") ;;
        cognito-local)
            mkdir -p "$dir/.cognito"
            echo '{"UserPoolDefaults": {"UsernameAttributes": []}}' > "$dir/.cognito/config.json"
            cmd=(env "PORT=$port" HOST=127.0.0.1 "$PEERS_DIR/cognito-local/node_modules/.bin/cognito-local")
            ;;
    esac
    url="http://127.0.0.1:$port"
    out="$("$load" startup --url "$url" --log "$dir/server.log" --cwd "$dir" -- "${cmd[@]}")"
    pid="$(field "$out" pid)"
    pids+=("$pid")
}

stop() {
    kill "$1" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    kill -9 "$1" 2>/dev/null || true
}

# run URL OP POOL WORKERS: a DURATION-second load; prints its JSON.
run() {
    "$load" run --url "$1" --pool "$3" --op "$2" --users "$GET_USERS" --concurrency "$4" \
        --duration "$DURATION" --prefix "load$RANDOM"
}

declare -A R
record() { # record NAME OP JSON
    R[$1.$2.rps]="$(field "$3" rps)"
    R[$1.$2.p99]="$(field "$3" p99_ms)"
    R[$1.$2.errors]="$(field "$3" errors)"
}

# one NAME DB: one instance under the load.
one() {
    echo "== $1"
    start "${3:-ours}" "$2"
    pool="$("$load" pool --url "$url")"
    "$load" seed --url "$url" --pool "$pool" --users "$GET_USERS" --concurrency "$CONCURRENCY" >/dev/null
    for op in get create list; do
        out="$(run "$url" "$op" "$pool" "$CONCURRENCY")"
        echo "   $op: $out"
        record "$1" "$op" "$out"
    done
    stop "$pid"
}

echo "== $DURATION s per load, $CONCURRENCY workers, $(nproc) cores, pool size $POOL_SIZE per instance"
mkdir -p "$work/sqlite"
one sqlite "$work/sqlite/cognito.db"
new_database
one pg-1 "$db_url"

echo "== pg-2 (two instances, one database)"
new_database
start ours "$db_url"
url_a="$url" pid_a="$pid"
start ours "$db_url"
url_b="$url" pid_b="$pid"
pool="$("$load" pool --url "$url_a")"
"$load" seed --url "$url_b" --pool "$pool" --users "$GET_USERS" --concurrency "$CONCURRENCY" >/dev/null
half=$((CONCURRENCY / 2))
for op in get create list; do
    run "$url_a" "$op" "$pool" "$half" > "$work/a.json" &
    a=$!
    run "$url_b" "$op" "$pool" "$half" > "$work/b.json" &
    b=$!
    wait "$a" "$b"
    out_a="$(cat "$work/a.json")" out_b="$(cat "$work/b.json")"
    echo "   $op: $out_a"
    echo "   $op: $out_b"
    R[pg-2.$op.rps]="$(add "$(field "$out_a" rps)" "$(field "$out_b" rps)")"
    R[pg-2.$op.p99]="$(max "$(field "$out_a" p99_ms)" "$(field "$out_b" p99_ms)")"
    R[pg-2.$op.errors]="$(( $(field "$out_a" errors) + $(field "$out_b" errors) ))"
done
stop "$pid_a"
stop "$pid_b"

for peer in $PEERS; do
    one "$peer" "" "$peer"
done

echo
echo "== results (one run; $(nproc) cores shared by the servers, PostgreSQL and the load generator)"
printf '%-14s %12s %10s %14s %12s %10s\n' "" "get req/s" "get p99" "create req/s" "create p99" "list p99"
for name in sqlite pg-1 pg-2 $PEERS; do
    printf '%-14s %12s %10s %14s %12s %10s\n' "$name" "${R[$name.get.rps]}" "${R[$name.get.p99]}" \
        "${R[$name.create.rps]}" "${R[$name.create.p99]}" "${R[$name.list.p99]}"
    for op in get create list; do
        [ "${R[$name.$op.errors]}" = 0 ] || echo "   note: $name $op had ${R[$name.$op.errors]} failed requests"
    done
done
for name in pg-1 pg-2; do
    echo "$name/sqlite: reads $(ratio "${R[$name.get.rps]}" "${R[sqlite.get.rps]}")x, writes $(ratio "${R[$name.create.rps]}" "${R[sqlite.create.rps]}")x"
    for peer in $PEERS; do
        echo "$name/$peer: reads $(ratio "${R[$name.get.rps]}" "${R[$peer.get.rps]}")x, writes $(ratio "${R[$name.create.rps]}" "${R[$peer.create.rps]}")x"
    done
done

ge() { python3 -c 'import sys; print(1 if float(sys.argv[1]) >= float(sys.argv[2]) else 0)' "$1" "$2"; }
goal() { if [ "$2" = 1 ]; then echo "PASS  $1"; else echo "FAIL  $1"; fi; }
if [[ " $PEERS " == *" cognito-local "* ]]; then
    echo
    echo "== goals"
    for name in pg-1 pg-2; do
        goal "$name durable writes >= 20x cognito-local's ($(ratio "${R[$name.create.rps]}" "${R[cognito-local.create.rps]}")x)" \
            "$(ge "${R[$name.create.rps]}" "$(python3 -c "print(20 * ${R[cognito-local.create.rps]})")")"
        goal "$name reads >= 10x cognito-local's ($(ratio "${R[$name.get.rps]}" "${R[cognito-local.get.rps]}")x)" \
            "$(ge "${R[$name.get.rps]}" "$(python3 -c "print(10 * ${R[cognito-local.get.rps]})")")"
    done
fi
