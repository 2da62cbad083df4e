#!/usr/bin/env bash
# User import throughput of the reference server: USERS users (100,000) in one generated CSV
# file, imported by a user import job (cognito-idp-server/examples/import_load.rs: CreateUserPool,
# GetCSVHeader, CreateUserImportJob, the file PUT to the job's pre-signed URL,
# StartUserImportJob, DescribeUserImportJob every 50 ms until the job ends). The figure is users
# per second from StartUserImportJob to the answer that shows the job Succeeded. It is not a
# test.
#
# Backends: SQLite as shipped (a file on disk, synchronous=FULL, so every import checkpoint is
# on disk), SQLite --in-memory, and a throwaway PostgreSQL (Debian's postgresql package, initdb
# into a temporary directory, fsync on) when it is installed. Server, database and load
# generator share this machine's cores.
#
# Environment: USERS (100000), BACKENDS ("file memory postgres"), BUILD (1; 0 uses the binaries
# built before).
set -euo pipefail
cd "$(dirname "$0")/.."

USERS="${USERS:-100000}"
BACKENDS="${BACKENDS:-file memory postgres}"

if [ "${BUILD:-1}" = 1 ]; then
    echo "== building the server and the import load generator (release)"
    cargo build --release --quiet -p cognito-idp-server --bin cognito-idp-server --example import_load
fi
target="${CARGO_TARGET_DIR:-target}"
server_bin="$target/release/cognito-idp-server"
import_load="$target/release/examples/import_load"

work="$(mktemp -d "${TMPDIR:-/tmp}/cognito-bench-import.XXXXXX")"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
as_pg=()
if [ "$(id -u)" = 0 ]; then
    chown postgres: "$work" 2>/dev/null || true
    as_pg=(runuser -u postgres --)
fi
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    if [ -n "$pg_bin" ] && [ -d "$work/pg" ]; then
        "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# run NAME ARGS...: a fresh server with ARGS, one import of USERS users.
run() {
    local name="$1" port
    shift
    port="$(free_port)"
    "$server_bin" --host 127.0.0.1 --port "$port" "$@" >"$work/$name.log" 2>&1 &
    local pid=$!
    pids+=("$pid")
    for _ in $(seq 300); do
        curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
        sleep 0.1
    done
    echo "== $name: $("$import_load" run --url "http://127.0.0.1:$port" --users "$USERS")"
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

for backend in $BACKENDS; do
    case "$backend" in
        file) run file --db "$work/cognito.db" ;;
        memory) run memory --in-memory ;;
        postgres)
            if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
                echo "== postgres: SKIPPED (PostgreSQL is not installed)"
                continue
            fi
            pg_port="$(free_port)"
            "${as_pg[@]}" "$pg_bin/initdb" --auth=trust --username=postgres --encoding=UTF8 --no-locale -D "$work/pg" >/dev/null
            "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w \
                -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1" start >/dev/null
            "${as_pg[@]}" "$pg_bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE bench" postgres
            run postgres --db "postgres://postgres@127.0.0.1:$pg_port/bench"
            ;;
        *) echo "unknown backend $backend" >&2; exit 2 ;;
    esac
done
