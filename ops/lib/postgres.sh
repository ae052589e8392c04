# shellcheck shell=bash
# Throwaway PostgreSQL clusters for ops/run and ops/test.
#
# Source this file, then:
#   pg_start <name>   starts a fresh cluster under $REPO/.local/pg/<name> with a database
#                     "claimsledger" owned by the role claimsledger_owner, and a runtime role
#                     claimsledger_app; exports Npgsql connection strings PG_URL (the owner, for
#                     setup), PG_APP_URL (the runtime role, for the service) and PG_SUPER_URL
#                     (the cluster's superuser), and PG_DATA
#   pg_stop           stops the cluster started by pg_start and removes its files
#
# PostgreSQL refuses to run as root, so when we are root the cluster belongs to
# the `postgres` OS user. The binaries are installed from Debian when missing.

PG_VERSION_WANTED="${PG_VERSION_WANTED:-15}"

pg_log() { printf '[postgres] %s\n' "$*" >&2; }

pg_find_bindir() {
  local dir
  for dir in "/usr/lib/postgresql/${PG_VERSION_WANTED}/bin" /usr/lib/postgresql/*/bin; do
    if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
      printf '%s\n' "$dir"
      return 0
    fi
  done
  return 1
}

pg_install() {
  if [[ $(id -u) -ne 0 ]]; then
    pg_log "PostgreSQL binaries are missing and we are not root: install the Debian package postgresql-${PG_VERSION_WANTED} (or set CLAIMSLEDGER_DB)."
    return 1
  fi
  pg_log "installing PostgreSQL ${PG_VERSION_WANTED} from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  # postgresql-common would create and start a system cluster; we only want the binaries.
  mkdir -p /etc/postgresql-common
  echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf
  apt-get install -y -qq --no-install-recommends "postgresql-${PG_VERSION_WANTED}" >&2 ||
    apt-get install -y -qq --no-install-recommends postgresql >&2
}

# A free port below Linux's ephemeral range (32768-60999), where the outgoing connections of a busy test
# run cannot take it before the server binds it.
pg_free_port() {
  python3 - <<'PY' 2>/dev/null || echo $((20000 + RANDOM % 12000))
import random, socket
for _ in range(200):
    port = random.randrange(20000, 32000)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    break
PY
}

# Runs a PostgreSQL binary as the cluster owner.
pg_as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_start() {
  local name="$1"
  local repo_root
  repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

  PG_BIN="$(pg_find_bindir)" || { pg_install && PG_BIN="$(pg_find_bindir)"; } || {
    pg_log "could not find or install PostgreSQL binaries"
    return 1
  }

  if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi

  PG_DATA="$repo_root/.local/pg/$name-$$"
  _pg_started_here="$PG_DATA"
  rm -rf "$PG_DATA"
  mkdir -p "$PG_DATA"
  chmod 700 "$PG_DATA"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$PG_DATA"
    # The owner must be able to reach its data directory through every parent.
    chmod o+x "$repo_root/.local" "$repo_root/.local/pg" 2>/dev/null || true
  fi

  local port_chosen="${PG_PORT:-}"
  PG_PORT="${PG_PORT:-$(pg_free_port)}"
  pg_log "initdb in $PG_DATA (port $PG_PORT)"
  pg_as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$PG_DATA.initdb.log" 2>&1 ||
    pg_as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C >"$PG_DATA.initdb.log" 2>&1 || {
      cat "$PG_DATA.initdb.log" >&2
      return 1
    }

  cat >>"$PG_DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_DATA'
max_connections = 200
shared_buffers = 128MB
# A throwaway cluster: durability across power loss (an OS crash) is not worth the fsync cost here.
# synchronous_commit stays on: with it off, a commit is acknowledged before its WAL leaves PostgreSQL's
# memory, and a crash of PostgreSQL alone (tests/ClaimsLedger.Tests/Faults) loses acknowledged statements.
fsync = off
full_page_writes = off
CONF

  # A port found free can be taken before the server binds it (by a client's ephemeral port, or another
  # cluster starting beside this one): then try another, unless the caller chose the port.
  local attempt
  for attempt in 1 2 3 4 5; do
    if pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 60 start >/dev/null; then
      break
    fi
    if [[ -n "${port_chosen:-}" || $attempt -eq 5 ]] || ! grep -q "Address already in use" "$PG_DATA/server.log"; then
      cat "$PG_DATA/server.log" >&2
      return 1
    fi
    PG_PORT="$(pg_free_port)"
    pg_log "port taken meanwhile; retrying on $PG_PORT"
    pg_as_owner sed -i "s/^port = .*/port = $PG_PORT/" "$PG_DATA/postgresql.conf"
  done
  pg_as_owner "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
    -c "CREATE ROLE claimsledger_owner LOGIN" \
    -c "CREATE ROLE claimsledger_app LOGIN" \
    -c "CREATE DATABASE claimsledger OWNER claimsledger_owner" >/dev/null

  local base="Host=127.0.0.1;Port=$PG_PORT;Database=claimsledger"
  PG_URL="$base;Username=claimsledger_owner"
  PG_APP_URL="$base;Username=claimsledger_app"
  PG_SUPER_URL="$base;Username=postgres"
  export PG_DATA PG_PORT PG_URL PG_APP_URL PG_SUPER_URL PG_BIN
  pg_log "ready: $PG_URL"
}

pg_stop() {
  # Only the cluster pg_start made in this shell: a PG_DATA inherited from the caller is theirs, never removed.
  [[ -n "${PG_DATA:-}" && "$PG_DATA" == "${_pg_started_here:-}" && -d "$PG_DATA" ]] || return 0
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 30 stop >/dev/null 2>&1 ||
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DATA" "$PG_DATA.initdb.log"
  pg_log "stopped and removed $PG_DATA"
  PG_DATA=""
  _pg_started_here=""
}
