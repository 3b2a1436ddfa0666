#!/usr/bin/env bash
# A throwaway PostgreSQL server for the connection-store tests and bench.
#
#   eval "$(bash scripts/postgres.sh start)"   # prints `export TERRA_TEST_DATABASE_URL=...` (and PGDATA_DIR)
#   bash scripts/postgres.sh stop              # stops the server started from this checkout, removes its files
#   bash scripts/postgres.sh status
#
# `start` makes a new cluster with initdb in a temporary directory, owned by an unprivileged user
# (`postgres` when run as root, the current user otherwise), listening on 127.0.0.1 only, on a free
# port, with trust authentication for loopback connections and no Unix socket outside that directory.
# Binaries are looked up on PATH, then under /usr/lib/postgresql/*/bin (the newest version first).
# Progress goes to stderr; stdout carries only the `export` lines, so `eval` is safe.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
state="$here/.postgres-test"   # where `start` records the cluster's directory, for `stop`

log() { printf 'postgres.sh: %s\n' "$*" >&2; }

find_bin() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return 0
  fi
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
    if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
      printf '%s\n' "$dir"
      return 0
    fi
  done
  return 1
}

free_port() {
  node -e 'const s = require("node:net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# Runs a command as the cluster's owner.
as_owner() {
  if [[ "$(id -u)" == "0" ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local bin
  bin="$(find_bin)" || {
    log "no initdb found on PATH or under /usr/lib/postgresql/*/bin: install PostgreSQL (apt-get install -y postgresql)"
    exit 1
  }
  if [[ -f "$state" ]] && [[ -d "$(cat "$state")" ]]; then
    log "a cluster from this checkout is still recorded in $state: run \`bash scripts/postgres.sh stop\` first"
    exit 1
  fi
  if [[ "$(id -u)" == "0" ]] && ! id postgres >/dev/null 2>&1; then
    log "running as root, but there is no \`postgres\` user to own the cluster"
    exit 1
  fi
  local dir port
  dir="$(mktemp -d "${TMPDIR:-/tmp}/terra-pg.XXXXXX")"
  chmod 700 "$dir"
  if [[ "$(id -u)" == "0" ]]; then chown postgres: "$dir"; fi
  port="$(free_port)"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
    log "initdb failed; see $dir/initdb.log"
    cat "$dir/initdb.log" >&2
    exit 1
  }
  # Loopback only, trust there, nothing else (initdb's default hba also has local sockets: keep those).
  cat >"$dir/pg_hba.conf.tmp" <<'EOF'
local   all all                trust
host    all all 127.0.0.1/32   trust
EOF
  as_owner cp "$dir/pg_hba.conf.tmp" "$dir/data/pg_hba.conf"
  rm -f "$dir/pg_hba.conf.tmp"
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=100 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || {
    log "the server did not start; its log:"
    cat "$dir/server.log" >&2 || true
    exit 1
  }
  printf '%s\n' "$dir" >"$state"
  printf '%s\n' "$port" >>"$state"
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $dir)"
  printf 'export TERRA_TEST_DATABASE_URL=%q\n' "postgres://postgres@127.0.0.1:$port/postgres"
  printf 'export TERRA_TEST_POSTGRES_DIR=%q\n' "$dir"
}

stop() {
  if [[ ! -f "$state" ]]; then
    log "no cluster recorded in $state; nothing to stop"
    return 0
  fi
  local dir bin
  dir="$(head -n 1 "$state")"
  if [[ -d "$dir/data" ]]; then
    bin="$(find_bin)" || true
    if [[ -n "${bin:-}" ]]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || log "pg_ctl stop failed (already stopped?)"
    fi
  fi
  case "$dir" in
    "${TMPDIR:-/tmp}"/terra-pg.*) rm -rf "$dir" ;;
    *) log "not removing unexpected directory $dir" ;;
  esac
  rm -f "$state"
  log "stopped"
}

status() {
  if [[ -f "$state" ]]; then
    log "running: $(head -n 1 "$state"), port $(sed -n 2p "$state")"
  else
    log "not running"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *)
    log "usage: bash scripts/postgres.sh start|stop|status"
    exit 2
    ;;
esac
