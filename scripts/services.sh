#!/usr/bin/env bash
# Runs the real local servers that cirrus' integration tests, examples and benchmarks use.
#
#   scripts/services.sh start   [--extended] [NAME...]  install if missing, start, wait healthy
#   scripts/services.sh stop    [--extended] [NAME...]  stop (see the owner rule below)
#   scripts/services.sh restart [--extended] [NAME...]
#   scripts/services.sh status  [--extended] [NAME...]  one line per service, always exit 0
#   scripts/services.sh env                             the contract as `export` lines
#
# Names: postgres versitygw moto dynamodb toxiproxy lambda-emulator (the default set) and garage (only with
# --extended or when named). Every server binds 127.0.0.1 (DynamoDB Local cannot: see
# docs/services.md). Ports, credentials and directories come from the CIRRUS_* variables
# printed by `env`; each can be overridden from the environment.
#
# Owner rule: `start` records $CIRRUS_SERVICES_OWNER (default "manual") beside the pid.
# When CIRRUS_SERVICES_OWNER is set, `stop` only stops the services recorded with that
# owner; when it is unset, `stop` stops them all. A service that already answers its health
# check is left as it is by `start` (its owner does not change).
set -Eeuo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# ---------------------------------------------------------------------------- contract
: "${CIRRUS_HOME:=${HOME:?HOME is not set}/.cache/cirrus}"
: "${CIRRUS_RUN_DIR:=/tmp/cirrus-run}"

: "${CIRRUS_PG_HOST:=127.0.0.1}"
: "${CIRRUS_PG_PORT:=54329}"
: "${CIRRUS_PG_DATABASE:=cirrus_test}"
: "${CIRRUS_PG_USER:=cirrus}"
: "${CIRRUS_PG_PASSWORD:=cirrus-scram-pw}"
: "${CIRRUS_PG_MD5_USER:=cirrus_md5}"
: "${CIRRUS_PG_MD5_PASSWORD:=cirrus-md5-pw}"
: "${CIRRUS_PG_PASSWORD_USER:=cirrus_plain}"
: "${CIRRUS_PG_PASSWORD_PASSWORD:=cirrus-plain-pw}"
: "${CIRRUS_PG_TLS_USER:=cirrus_tls}"
: "${CIRRUS_PG_TLS_PASSWORD:=cirrus-tls-pw}"
: "${CIRRUS_PG_CA_FILE:=$CIRRUS_RUN_DIR/postgres/ca.crt}"
: "${CIRRUS_PG_SOCKET_DIR:=$CIRRUS_RUN_DIR/postgres}"

: "${CIRRUS_S3_ENDPOINT:=http://127.0.0.1:7070}"
: "${CIRRUS_S3_ACCESS_KEY:=cirrusadmin}"
: "${CIRRUS_S3_SECRET_KEY:=cirrus-versity-secret-0123456789}"
: "${CIRRUS_S3_REGION:=us-east-1}"

: "${CIRRUS_MOTO_ENDPOINT:=http://127.0.0.1:5055}"
: "${CIRRUS_DYNAMODB_ENDPOINT:=http://127.0.0.1:8077}"
: "${CIRRUS_TOXIPROXY_API:=http://127.0.0.1:8474}"
# cargo-lambda's Runtime API emulator. A function process started under it gets
# AWS_LAMBDA_RUNTIME_API=$CIRRUS_LAMBDA_RUNTIME_API (host:port/.rt: note the path prefix);
# callers invoke it at $CIRRUS_LAMBDA_EMULATOR_ENDPOINT/2015-03-31/functions/_/invocations.
: "${CIRRUS_LAMBDA_EMULATOR_ENDPOINT:=http://127.0.0.1:9100}"
: "${CIRRUS_LAMBDA_RUNTIME_API:=${CIRRUS_LAMBDA_EMULATOR_ENDPOINT#http://}/.rt}"

# Extended set (Garage). The key id must be "GK" + 24 hex digits, the secret 64 hex digits.
: "${CIRRUS_GARAGE_ENDPOINT:=http://127.0.0.1:3900}"
: "${CIRRUS_GARAGE_ACCESS_KEY:=GK0c1a55e5c1a55e5c1a55e5c1}"
: "${CIRRUS_GARAGE_SECRET_KEY:=c1c1a55e5ec7e70123456789abcdef0123456789abcdef0123456789abcdef01}"
: "${CIRRUS_GARAGE_REGION:=us-east-1}"
: "${CIRRUS_GARAGE_RPC_PORT:=3901}"
: "${CIRRUS_GARAGE_ADMIN_PORT:=3903}"

# Not part of the test contract: how the script itself behaves.
: "${CIRRUS_SERVICES_START_TIMEOUT:=60}"   # seconds to wait for a health check
: "${CIRRUS_SERVICES_STOP_TIMEOUT:=20}"    # seconds between SIGTERM and SIGKILL
OWNER=${CIRRUS_SERVICES_OWNER:-manual}

DEFAULT_SERVICES=(postgres versitygw moto dynamodb toxiproxy lambda-emulator)
ALL_SERVICES=(postgres versitygw moto dynamodb toxiproxy lambda-emulator garage)
PG_BIN=/usr/lib/postgresql/15/bin

PID_DIR=$CIRRUS_RUN_DIR/pids
LOG_DIR=$CIRRUS_RUN_DIR/logs

log() { printf 'services: %s\n' "$*" >&2; }
die() { printf 'services: error: %s\n' "$*" >&2; exit 1; }
# Unexpected failures name the command; deliberate `return 1`/`exit 1` already said why.
trap 'rc=$?; case $BASH_COMMAND in return*|exit*|wait*) ;; *) printf "services: error: command failed (exit %s, line %s): %s\n" "$rc" "$LINENO" "$BASH_COMMAND" >&2 ;; esac' ERR

contract_vars() {
    printf '%s\n' CIRRUS_HOME CIRRUS_RUN_DIR \
        CIRRUS_PG_HOST CIRRUS_PG_PORT CIRRUS_PG_DATABASE \
        CIRRUS_PG_USER CIRRUS_PG_PASSWORD CIRRUS_PG_MD5_USER CIRRUS_PG_MD5_PASSWORD \
        CIRRUS_PG_PASSWORD_USER CIRRUS_PG_PASSWORD_PASSWORD CIRRUS_PG_TLS_USER CIRRUS_PG_TLS_PASSWORD \
        CIRRUS_PG_CA_FILE CIRRUS_PG_SOCKET_DIR \
        CIRRUS_S3_ENDPOINT CIRRUS_S3_ACCESS_KEY CIRRUS_S3_SECRET_KEY CIRRUS_S3_REGION \
        CIRRUS_MOTO_ENDPOINT CIRRUS_DYNAMODB_ENDPOINT CIRRUS_TOXIPROXY_API \
        CIRRUS_LAMBDA_EMULATOR_ENDPOINT CIRRUS_LAMBDA_RUNTIME_API \
        CIRRUS_GARAGE_ENDPOINT CIRRUS_GARAGE_ACCESS_KEY CIRRUS_GARAGE_SECRET_KEY CIRRUS_GARAGE_REGION
}

# "http://HOST:PORT[/...]" -> HOST / PORT
url_host() { [[ $1 =~ ^https?://([^:/]+):([0-9]+) ]] || die "cannot parse host:port from '$1'"; printf '%s' "${BASH_REMATCH[1]}"; }
url_port() { [[ $1 =~ ^https?://([^:/]+):([0-9]+) ]] || die "cannot parse host:port from '$1'"; printf '%s' "${BASH_REMATCH[2]}"; }

svc_endpoint() {
    case $1 in
        postgres)  printf 'http://%s:%s' "$CIRRUS_PG_HOST" "$CIRRUS_PG_PORT" ;;
        versitygw) printf '%s' "$CIRRUS_S3_ENDPOINT" ;;
        moto)      printf '%s' "$CIRRUS_MOTO_ENDPOINT" ;;
        dynamodb)  printf '%s' "$CIRRUS_DYNAMODB_ENDPOINT" ;;
        toxiproxy) printf '%s' "$CIRRUS_TOXIPROXY_API" ;;
        lambda-emulator) printf '%s' "$CIRRUS_LAMBDA_EMULATOR_ENDPOINT" ;;
        garage)    printf '%s' "$CIRRUS_GARAGE_ENDPOINT" ;;
    esac
}
svc_host() { url_host "$(svc_endpoint "$1")"; }
svc_port() { url_port "$(svc_endpoint "$1")"; }

# Variable to change when the port is taken.
svc_port_var() {
    case $1 in
        postgres) echo CIRRUS_PG_PORT ;; versitygw) echo CIRRUS_S3_ENDPOINT ;;
        moto) echo CIRRUS_MOTO_ENDPOINT ;; dynamodb) echo CIRRUS_DYNAMODB_ENDPOINT ;;
        toxiproxy) echo CIRRUS_TOXIPROXY_API ;; garage) echo CIRRUS_GARAGE_ENDPOINT ;;
        lambda-emulator) echo CIRRUS_LAMBDA_EMULATOR_ENDPOINT ;;
    esac
}

# A word of the command line of the service's process, to tell it from an unrelated
# process that reused the pid.
svc_pattern() {
    case $1 in
        postgres) echo postgres ;; versitygw) echo versitygw ;; moto) echo moto_server ;;
        dynamodb) echo ServerRunner ;; toxiproxy) echo toxiproxy-server ;; garage) echo garage ;;
        lambda-emulator) echo cargo-lambda ;;
    esac
}

pid_file() { printf '%s/%s.pid' "$PID_DIR" "$1"; }
owner_file() { printf '%s/%s.owner' "$PID_DIR" "$1"; }
log_file() { printf '%s/%s.log' "$LOG_DIR" "$1"; }

# Seconds (one decimal) since a ${EPOCHREALTIME/./} stamp in microseconds.
elapsed_since() {
    local us=$((${EPOCHREALTIME/[.,]/} - $1))
    printf '%d.%d' $((us / 1000000)) $((us % 1000000 / 100000))
}

is_root() { [[ $EUID -eq 0 ]]; }

# ---------------------------------------------------------------------------- processes
alive() {
    local pid=$1 stat
    [[ -n $pid && -r /proc/$pid/stat ]] || return 1
    read -r stat <"/proc/$pid/stat" 2>/dev/null || return 1
    stat=${stat##*) }
    [[ ${stat:0:1} != Z ]]
}

# The pid of the service if its pid file names a live process that looks like it.
recorded_pid() {
    local name=$1 f pid
    f=$(pid_file "$name")
    [[ -f $f ]] || return 1
    pid=$(<"$f")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    alive "$pid" || return 1
    [[ $(cmdline_of "$pid") == *"$(svc_pattern "$name")"* ]] || return 1
    printf '%s' "$pid"
}

recorded_owner() { cat "$(owner_file "$1")" 2>/dev/null || printf 'unknown'; }

cmdline_of() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true; }

forget() { rm -f "$(pid_file "$1")" "$(owner_file "$1")"; }

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# Who listens on a TCP port (best effort, for error messages and orphan clean-up).
port_listener_pid() {
    command -v ss >/dev/null 2>&1 || return 1
    ss -H -ltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2
}

# Sends SIG to the process and, when it leads its own process group (services are started
# with setsid), to the whole group.
signal_service() {
    local sig=$1 pid=$2 pgid
    pgid=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ' || true)
    if [[ -n $pgid && $pgid == "$pid" && $pgid != "$(ps -o pgid= -p $$ | tr -d ' ' || true)" ]]; then
        kill -s "$sig" -- "-$pgid" 2>/dev/null || true
    else
        kill -s "$sig" "$pid" 2>/dev/null || true
    fi
}

wait_gone() {
    local pid=$1 deadline=$((SECONDS + $2))
    while alive "$pid"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}

# Stops the process (and its group): polite signal, bounded wait, then SIGKILL.
terminate() {
    local name=$1 pid=$2 first=TERM pgid
    [[ $name == postgres ]] && first=INT   # PostgreSQL "fast" shutdown
    pgid=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ' || true)
    signal_service "$first" "$pid"
    if ! wait_gone "$pid" "$CIRRUS_SERVICES_STOP_TIMEOUT"; then
        log "$name: pid $pid still there after ${CIRRUS_SERVICES_STOP_TIMEOUT} s, sending SIGKILL"
        signal_service KILL "$pid"
        wait_gone "$pid" 5 || die "$name: pid $pid survived SIGKILL"
    fi
    # Leftovers of the group (e.g. PostgreSQL backends finishing up): a short grace, then KILL.
    if [[ -n $pgid && $pgid == "$pid" ]]; then
        local i
        for i in 1 2 3 4 5 6 7 8 9 10; do
            group_alive "$pgid" || return 0
            sleep 0.2
        done
        pkill -KILL -g "$pgid" 2>/dev/null || true
    fi
}

# Whether a process group still has a live (non-zombie) member.
group_alive() {
    local p
    for p in $(pgrep -g "$1" 2>/dev/null || true); do
        alive "$p" && return 0
    done
    return 1
}

# Closes every descriptor above 2 in the current (sub)shell, so a server inherits none of
# its starter's pipes or locks (CTest waits for the pipes of its test processes to close).
close_inherited_fds() {
    local fd n
    for fd in /proc/$BASHPID/fd/*; do
        n=${fd##*/}
        [[ $n =~ ^[0-9]+$ ]] && ((n > 2)) && eval "exec $n>&-" 2>/dev/null
    done
    return 0
}

# Starts a command detached from this shell: own session and process group, no inherited
# terminal, pipes or lock descriptor (CTest waits for its pipes to close).
spawn() {
    local name=$1 dir=$2
    shift 2
    local log
    log=$(log_file "$name")
    [[ -f $log ]] && mv -f "$log" "$log.1"
    printf '=== %s: %s\n' "$(date -u +%FT%TZ)" "$*" >"$log"
    (
        cd "$dir"
        exec </dev/null >>"$log" 2>&1
        close_inherited_fds
        exec setsid "$@"
    ) &
    SPAWNED_PID=$!
}

# ---------------------------------------------------------------------------- health checks
http_code() {
    curl -s -o /dev/null -w '%{http_code}' --connect-timeout 2 --max-time 5 "$@" 2>/dev/null || true
}

healthy() {
    local name=$1 code
    case $name in
        postgres)
            [[ -x $PG_BIN/pg_isready ]] || return 1
            "$PG_BIN/pg_isready" -q -t 3 -h "$CIRRUS_PG_HOST" -p "$CIRRUS_PG_PORT" -d postgres 2>/dev/null
            ;;
        versitygw)
            # An unsigned request is refused with an S3 error document: that proves it answers.
            code=$(http_code "$CIRRUS_S3_ENDPOINT/")
            [[ $code == 403 || $code == 200 ]]
            ;;
        moto)
            # The dashboard page: /moto-api/data.json answers 500 once a bucket that held
            # objects has been deleted (moto 5.2.5), so it cannot tell health.
            [[ $(http_code "$CIRRUS_MOTO_ENDPOINT/moto-api/") == 200 ]]
            ;;
        dynamodb)
            code=$(http_code -X POST "$CIRRUS_DYNAMODB_ENDPOINT/" \
                -H 'Content-Type: application/x-amz-json-1.0' \
                -H 'X-Amz-Target: DynamoDB_20120810.ListTables' \
                -H 'X-Amz-Date: 20250101T000000Z' \
                -H 'Authorization: AWS4-HMAC-SHA256 Credential=cirrushealth/20250101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0000000000000000000000000000000000000000000000000000000000000000' \
                --data '{}')
            [[ $code == 200 ]]
            ;;
        toxiproxy)
            [[ $(http_code "$CIRRUS_TOXIPROXY_API/version") == 200 ]]
            ;;
        lambda-emulator)
            # Every HTTP request to the emulator waits for a function (a GET of
            # runtime/invocation/next would even take an invocation), so health is the listening
            # port held by a cargo-lambda process.
            local lpid
            port_open "$(svc_host lambda-emulator)" "$(svc_port lambda-emulator)" || return 1
            lpid=$(port_listener_pid "$(svc_port lambda-emulator)" || true)
            [[ -n $lpid && $(cmdline_of "$lpid") == *cargo-lambda* ]]
            ;;
        garage)
            # 200 only once the layout is applied and the node serves requests.
            [[ $(http_code "http://$(svc_host garage):$CIRRUS_GARAGE_ADMIN_PORT/health") == 200 ]]
            ;;
    esac
}

# ---------------------------------------------------------------------------- installs
installed() {
    case $1 in
        postgres)  [[ -x $PG_BIN/postgres && -x $PG_BIN/initdb ]] && command -v openssl >/dev/null ;;
        versitygw) [[ -x $CIRRUS_HOME/bin/versitygw ]] ;;
        moto)      [[ -x $CIRRUS_HOME/venv/moto/bin/moto_server ]] ;;
        dynamodb)  compgen -G "$CIRRUS_HOME/dynamodb-local/DynamoDBLocal-*.jar" >/dev/null && command -v java >/dev/null ;;
        toxiproxy) [[ -x $CIRRUS_HOME/bin/toxiproxy-server ]] ;;
        lambda-emulator) [[ -x $CIRRUS_HOME/venv/cargo-lambda/bin/cargo-lambda ]] ;;
        garage)    [[ -x $CIRRUS_HOME/garage/bin/garage ]] ;;
    esac
}

ensure_installed() {
    installed "$1" && return 0
    log "$1: not installed, running scripts/setup.sh services $1"
    # The lock descriptor stays with us, not with the installers.
    CIRRUS_HOME=$CIRRUS_HOME "$SCRIPT_DIR/setup.sh" services "$1" 9>&- >&2 \
        || die "$1: installation failed (scripts/setup.sh services $1)"
    installed "$1" || die "$1: still not installed after scripts/setup.sh services $1"
}

# ---------------------------------------------------------------------------- PostgreSQL
as_pg() {
    if is_root; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

pg_dir() { printf '%s/postgres' "$CIRRUS_RUN_DIR"; }

pg_make_certs() {
    local dir=$1 now_ok=0
    if [[ -f $dir/ca.crt && -f $dir/server.crt && -f $dir/server.key ]] &&
        openssl x509 -checkend 86400 -noout -in "$dir/server.crt" >/dev/null 2>&1; then
        now_ok=1
    fi
    if [[ $now_ok -eq 0 ]]; then
        log "postgres: generating a test CA and a server certificate (localhost, 127.0.0.1)"
        local tmp
        tmp=$(mktemp -d)
        openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
            -keyout "$tmp/ca.key" -out "$tmp/ca.crt" -subj "/CN=cirrus test CA" \
            -addext "basicConstraints=critical,CA:TRUE" \
            -addext "keyUsage=critical,keyCertSign,cRLSign" >/dev/null 2>&1
        openssl req -newkey rsa:2048 -nodes -sha256 -keyout "$tmp/server.key" \
            -out "$tmp/server.csr" -subj "/CN=localhost" >/dev/null 2>&1
        printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "basicConstraints=CA:FALSE" \
            "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" \
            >"$tmp/server.ext"
        openssl x509 -req -sha256 -days 825 -in "$tmp/server.csr" -CA "$tmp/ca.crt" \
            -CAkey "$tmp/ca.key" -set_serial "0x$(openssl rand -hex 12)" \
            -extfile "$tmp/server.ext" -out "$tmp/server.crt" >/dev/null 2>&1
        install -m 600 "$tmp/ca.key" "$dir/ca.key"
        install -m 644 "$tmp/ca.crt" "$dir/ca.crt"
        install -m 644 "$tmp/server.crt" "$dir/server.crt"
        install -m 600 "$tmp/server.key" "$dir/server.key"
        rm -rf "$tmp"
    fi
    if is_root; then
        chown postgres:postgres "$dir/server.key" "$dir/server.crt"
    fi
    chmod 600 "$dir/server.key"
    chmod 644 "$dir/ca.crt"
    if [[ $CIRRUS_PG_CA_FILE != "$dir/ca.crt" ]]; then
        mkdir -p "$(dirname "$CIRRUS_PG_CA_FILE")"
        install -m 644 "$dir/ca.crt" "$CIRRUS_PG_CA_FILE"
    fi
}

pg_configure() {
    local dir=$1 data=$1/data
    cat >"$data/cirrus.conf" <<EOF
# Written by scripts/services.sh on every start.
listen_addresses = '$CIRRUS_PG_HOST'
port = $CIRRUS_PG_PORT
unix_socket_directories = '$CIRRUS_PG_SOCKET_DIR'
ssl = on
ssl_cert_file = '$dir/server.crt'
ssl_key_file = '$dir/server.key'
password_encryption = 'scram-sha-256'
max_connections = 200
# A throw-away test server: durability is not needed, speed is.
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    grep -q "^include_if_exists = 'cirrus.conf'" "$data/postgresql.conf" ||
        printf "\ninclude_if_exists = 'cirrus.conf'\n" >>"$data/postgresql.conf"
    # First match wins. The admin role "postgres" logs in over the Unix socket only.
    cat >"$data/pg_hba.conf" <<EOF
# Written by scripts/services.sh on every start.
# TYPE  DATABASE USER                          ADDRESS           METHOD
local   all      postgres                                        trust
hostssl all      $CIRRUS_PG_TLS_USER           $CIRRUS_PG_HOST/32  scram-sha-256
host    all      $CIRRUS_PG_TLS_USER           $CIRRUS_PG_HOST/32  reject
host    all      $CIRRUS_PG_MD5_USER           $CIRRUS_PG_HOST/32  md5
host    all      $CIRRUS_PG_PASSWORD_USER      $CIRRUS_PG_HOST/32  password
host    all      all                           $CIRRUS_PG_HOST/32  scram-sha-256
local   all      $CIRRUS_PG_TLS_USER                             reject
local   all      all                                             scram-sha-256
EOF
    if is_root; then
        chown postgres:postgres "$data/cirrus.conf" "$data/pg_hba.conf" "$data/postgresql.conf"
    fi
}

# Creates (or brings up to date) the roles and the database. Idempotent.
pg_provision() {
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$CIRRUS_PG_SOCKET_DIR" -p "$CIRRUS_PG_PORT" \
        -U postgres -d postgres \
        -v db="$CIRRUS_PG_DATABASE" \
        -v u="$CIRRUS_PG_USER" -v pw="$CIRRUS_PG_PASSWORD" \
        -v md5u="$CIRRUS_PG_MD5_USER" -v md5pw="$CIRRUS_PG_MD5_PASSWORD" \
        -v plainu="$CIRRUS_PG_PASSWORD_USER" -v plainpw="$CIRRUS_PG_PASSWORD_PASSWORD" \
        -v tlsu="$CIRRUS_PG_TLS_USER" -v tlspw="$CIRRUS_PG_TLS_PASSWORD" <<'SQL' >/dev/null
SELECT format('CREATE ROLE %I LOGIN', r) FROM unnest(ARRAY[:'u', :'md5u', :'plainu', :'tlsu']) AS r
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) \gexec
SET password_encryption = 'scram-sha-256';
ALTER ROLE :"u" WITH LOGIN SUPERUSER PASSWORD :'pw';
ALTER ROLE :"plainu" WITH LOGIN NOSUPERUSER PASSWORD :'plainpw';
ALTER ROLE :"tlsu" WITH LOGIN NOSUPERUSER PASSWORD :'tlspw';
SET password_encryption = 'md5';
ALTER ROLE :"md5u" WITH LOGIN NOSUPERUSER PASSWORD :'md5pw';
RESET password_encryption;
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'u')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"md5u", :"plainu", :"tlsu";
\connect :"db"
GRANT USAGE, CREATE ON SCHEMA public TO :"md5u", :"plainu", :"tlsu";
SQL
}

start_postgres() {
    local dir data pid
    dir=$(pg_dir)
    data=$dir/data
    if is_root && ! id postgres >/dev/null 2>&1; then
        die "postgres: the 'postgres' OS user is missing (it comes with the postgresql-15 package)"
    fi
    mkdir -p "$dir"
    chmod 755 "$CIRRUS_RUN_DIR" "$dir"
    is_root && chown postgres:postgres "$dir"
    if is_root && ! runuser -u postgres -- test -w "$dir"; then
        die "postgres: the postgres OS user cannot write $dir (every parent directory must be searchable)"
    fi
    if [[ ! -f $data/PG_VERSION ]]; then
        log "postgres: initdb $data"
        rm -rf "$data"
        as_pg "$PG_BIN/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
            --encoding=UTF8 --locale=C.UTF-8 --no-instructions >"$dir/initdb.log" 2>&1 ||
            { tail -n 20 "$dir/initdb.log" >&2; die "postgres: initdb failed"; }
    fi
    if [[ $CIRRUS_PG_SOCKET_DIR != "$dir" ]]; then
        mkdir -p "$CIRRUS_PG_SOCKET_DIR"
        is_root && chown postgres:postgres "$CIRRUS_PG_SOCKET_DIR"
    fi
    pg_make_certs "$dir"
    pg_configure "$dir"
    rm -f "$data/postmaster.pid.stale"
    # A postmaster that was killed (machine stop, kill -9) leaves its pid file behind. The
    # server copes with that itself, but our wait below reads the file and would take the
    # dead pid for a server that exited at once, so a pid file without a live postgres goes.
    local old_pid comm=
    old_pid=$(head -n1 "$data/postmaster.pid" 2>/dev/null || true)
    if [[ -n $old_pid ]]; then
        [[ $old_pid =~ ^[0-9]+$ ]] && alive "$old_pid" && read -r comm <"/proc/$old_pid/comm" 2>/dev/null
        if [[ $comm != postgres ]]; then
            log "postgres: removing the pid file of a server that is gone (pid $old_pid)"
            rm -f "$data/postmaster.pid"
        fi
    fi
    # The same for the Unix socket's lock file (a zombie still answers kill -0 there).
    local sock_lock=$CIRRUS_PG_SOCKET_DIR/.s.PGSQL.$CIRRUS_PG_PORT.lock
    old_pid=$(head -n1 "$sock_lock" 2>/dev/null || true)
    if [[ -n $old_pid ]] && ! { [[ $old_pid =~ ^[0-9]+$ ]] && alive "$old_pid"; }; then
        rm -f "$sock_lock" "${sock_lock%.lock}"
    fi
    local log
    log=$(log_file postgres)
    [[ -f $log ]] && mv -f "$log" "$log.1"
    printf '=== %s: pg_ctl start -D %s\n' "$(date -u +%FT%TZ)" "$data" >"$log"
    is_root && chown postgres:postgres "$log"
    # pg_ctl starts the postmaster in its own session and returns; -W: we wait ourselves.
    if ! (exec </dev/null >>"$dir/pg_ctl.log" 2>&1; close_inherited_fds; as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$log" -W start); then
        tail -n 5 "$dir/pg_ctl.log" >&2 || true
        return 0   # no pid: start_one reports the failure with the server log
    fi
    # The postmaster writes its pid file within moments of starting.
    local i
    for i in $(seq 50); do
        [[ -s $data/postmaster.pid ]] && break
        sleep 0.1
    done
    pid=$(head -n1 "$data/postmaster.pid" 2>/dev/null || true)
    [[ $pid =~ ^[0-9]+$ ]] && SPAWNED_PID=$pid
    return 0
}

# ---------------------------------------------------------------------------- the others
start_versitygw() {
    local dir=$CIRRUS_RUN_DIR/versitygw
    mkdir -p "$dir/data" "$dir/versions"
    # ext4 here has user xattrs, so object metadata lives in xattrs (no --sidecar needed).
    spawn versitygw "$dir" env ROOT_ACCESS_KEY="$CIRRUS_S3_ACCESS_KEY" \
        ROOT_SECRET_KEY="$CIRRUS_S3_SECRET_KEY" VGW_REGION="$CIRRUS_S3_REGION" \
        "$CIRRUS_HOME/bin/versitygw" --port "$(svc_host versitygw):$(svc_port versitygw)" \
        --keep-alive --quiet \
        posix --versioning-dir "$dir/versions" "$dir/data"
}

start_moto() {
    local dir=$CIRRUS_RUN_DIR/moto
    mkdir -p "$dir"
    spawn moto "$dir" "$CIRRUS_HOME/venv/moto/bin/moto_server" \
        -H "$(svc_host moto)" -p "$(svc_port moto)"
}

start_dynamodb() {
    local dir=$CIRRUS_RUN_DIR/dynamodb lib=$CIRRUS_HOME/dynamodb-local
    mkdir -p "$dir"
    # No option binds it to one address: Jetty listens on every interface of the port.
    spawn dynamodb "$dir" java -Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
        -Dsqlite4java.library.path="$lib" -cp "$lib/*" \
        software.amazon.dynamodb.services.local.main.ServerRunner \
        -inMemory -sharedDb -port "$(svc_port dynamodb)" -disableTelemetry
}

start_toxiproxy() {
    local dir=$CIRRUS_RUN_DIR/toxiproxy
    mkdir -p "$dir"
    spawn toxiproxy "$dir" "$CIRRUS_HOME/bin/toxiproxy-server" \
        -host "$(svc_host toxiproxy)" -port "$(svc_port toxiproxy)"
}

start_lambda-emulator() {
    # cargo-lambda wants a Cargo package in its working directory even when it builds nothing.
    local dir=$CIRRUS_RUN_DIR/lambda-emulator
    mkdir -p "$dir"
    printf '[package]\nname = "fn"\nversion = "0.1.0"\nedition = "2021"\n\n[[bin]]\nname = "fn"\npath = "main.rs"\n' >"$dir/Cargo.toml"
    printf 'fn main() {}\n' >"$dir/main.rs"
    spawn lambda-emulator "$dir" "$CIRRUS_HOME/venv/cargo-lambda/bin/cargo-lambda" \
        lambda watch --only-lambda-apis -A "$(svc_host lambda-emulator)" -P "$(svc_port lambda-emulator)"
}

garage_cfg() { printf '%s/garage/garage.toml' "$CIRRUS_RUN_DIR"; }
garage() { "$CIRRUS_HOME/garage/bin/garage" -c "$(garage_cfg)" "$@"; }

start_garage() {
    local dir=$CIRRUS_RUN_DIR/garage host
    host=$(svc_host garage)
    mkdir -p "$dir/meta" "$dir/data"
    [[ -s $dir/rpc_secret ]] || (umask 077 && openssl rand -hex 32 >"$dir/rpc_secret")
    cat >"$dir/garage.toml" <<EOF
# Written by scripts/services.sh on every start.
metadata_dir = "$dir/meta"
data_dir = "$dir/data"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "$host:$CIRRUS_GARAGE_RPC_PORT"
rpc_public_addr = "$host:$CIRRUS_GARAGE_RPC_PORT"
rpc_secret = "$(<"$dir/rpc_secret")"

[s3_api]
s3_region = "$CIRRUS_GARAGE_REGION"
api_bind_addr = "$host:$(svc_port garage)"
root_domain = ".s3.localhost"

[admin]
api_bind_addr = "$host:$CIRRUS_GARAGE_ADMIN_PORT"
EOF
    chmod 600 "$dir/garage.toml"
    spawn garage "$dir" env NO_COLOR=1 "$CIRRUS_HOME/garage/bin/garage" -c "$dir/garage.toml" server
}

# After the process answers: a one-node layout. Idempotent. (Outputs are captured before
# matching: `garage ... | grep -q` would fail under pipefail when grep exits first.)
configure_garage_layout() {
    local node show version i
    show=$(garage layout show 2>/dev/null || true)
    [[ $show == *"No nodes currently have a role"* ]] || return 0
    if [[ $show != *"STAGED ROLE CHANGES"* ]]; then
        for i in $(seq 50); do
            node=$(garage node id -q 2>/dev/null | cut -c1-16 || true)
            [[ -n $node ]] && break
            sleep 0.2
        done
        [[ -n ${node:-} ]] || { log "garage: 'garage node id' gave nothing"; return 1; }
        garage layout assign -z dc1 -c 1G "$node" >/dev/null || return 1
        show=$(garage layout show 2>/dev/null || true)
    fi
    version=$(sed -n 's/.*garage layout apply --version \([0-9]*\).*/\1/p' <<<"$show" | head -n1 || true)
    garage layout apply --version "${version:-1}" >/dev/null || return 1
}

# Once the layout is live: the test key, allowed to create buckets. Idempotent.
configure_garage_key() {
    if ! garage key info cirrus >/dev/null 2>&1; then
        garage key import --yes -n cirrus "$CIRRUS_GARAGE_ACCESS_KEY" "$CIRRUS_GARAGE_SECRET_KEY" >/dev/null || return 1
    fi
    garage key allow --create-bucket cirrus >/dev/null || return 1
}

# ---------------------------------------------------------------------------- commands
start_one() {
    local name=$1 pid port host
    port=$(svc_port "$name")
    host=$(svc_host "$name")
    if healthy "$name"; then
        pid=$(recorded_pid "$name" || true)
        log "$name: already running on $host:$port${pid:+ (pid $pid, owner $(recorded_owner "$name"))}"
        return 0
    fi
    local t0=${EPOCHREALTIME/[.,]/}
    pid=$(recorded_pid "$name" || true)
    if [[ -z $pid ]]; then
        forget "$name"
        if port_open "$host" "$port"; then
            local other
            other=$(port_listener_pid "$port" || true)
            log "$name: $host:$port is taken by another program${other:+ (pid $other: $(cmdline_of "$other" | cut -c1-120 || true))} that does not answer as $name"
            log "$name: choose another port with $(svc_port_var "$name")"
            return 1
        fi
        ensure_installed "$name"
        mkdir -p "$PID_DIR" "$LOG_DIR"
        SPAWNED_PID=
        "start_$name"
        if [[ -z $SPAWNED_PID ]]; then
            log "$name: failed to launch; last lines of $(log_file "$name"):"
            tail -n 30 "$(log_file "$name")" >&2 2>/dev/null || true
            return 1
        fi
        pid=$SPAWNED_PID
        printf '%s\n' "$pid" >"$(pid_file "$name")"
        printf '%s\n' "$OWNER" >"$(owner_file "$name")"
    else
        log "$name: pid $pid is up but not answering yet; waiting"
    fi
    local deadline=$((SECONDS + CIRRUS_SERVICES_START_TIMEOUT)) ok=0 why="no answer within ${CIRRUS_SERVICES_START_TIMEOUT} s"
    while ((SECONDS < deadline)); do
        if [[ $name == garage ]]; then
            # Garage answers (500 "Layout not ready") before it is usable: configure it then.
            if [[ $(http_code "$CIRRUS_GARAGE_ENDPOINT/") != 000 ]]; then
                configure_garage_layout || { why="applying the cluster layout failed"; break; }
            fi
        fi
        if healthy "$name"; then
            if [[ $name == garage ]]; then
                configure_garage_key || { why="importing the access key failed"; break; }
            fi
            ok=1
            break
        fi
        if ! alive "$pid"; then why="the process exited"; break; fi
        sleep 0.25
    done
    if [[ $ok -eq 0 ]]; then
        log "$name: failed to start on $host:$port: $why; last lines of $(log_file "$name"):"
        tail -n 30 "$(log_file "$name")" >&2 2>/dev/null || true
        alive "$pid" && terminate "$name" "$pid"
        forget "$name"
        return 1
    fi
    if [[ $name == postgres ]]; then
        if ! pg_provision; then
            log "postgres: creating roles and database failed"
            terminate postgres "$pid"
            forget postgres
            return 1
        fi
    fi
    log "$name: started on $host:$port (pid $pid, owner $OWNER) in $(elapsed_since "$t0") s"
}

stop_one() {
    local name=$1 pid owner
    pid=$(recorded_pid "$name" || true)
    if [[ -z $pid ]]; then
        forget "$name"
        local port host
        port=$(svc_port "$name")
        host=$(svc_host "$name")
        if healthy "$name"; then
            # Running without a pid file of ours: another checkout, or a lost pid file.
            local other
            other=$(port_listener_pid "$port" || true)
            if [[ -n ${CIRRUS_SERVICES_OWNER+set} ]]; then
                log "$name: left running on $host:$port (no owner recorded; owner filter '$CIRRUS_SERVICES_OWNER')"
            elif [[ -n $other && $(cmdline_of "$other") == *"$(svc_pattern "$name")"* &&
                ( $(cmdline_of "$other") == *"$CIRRUS_HOME"* || $(cmdline_of "$other") == *"$CIRRUS_RUN_DIR"* ) ]]; then
                log "$name: stopping unrecorded pid $other on $host:$port"
                terminate "$name" "$other"
            else
                log "$name: something answers on $host:$port but it was not started from here; left alone"
            fi
        else
            log "$name: not running"
        fi
        return 0
    fi
    owner=$(recorded_owner "$name")
    if [[ -n ${CIRRUS_SERVICES_OWNER+set} && $owner != "$CIRRUS_SERVICES_OWNER" ]]; then
        log "$name: left running (owner '$owner', not '$CIRRUS_SERVICES_OWNER')"
        return 0
    fi
    local t0=${EPOCHREALTIME/[.,]/}
    terminate "$name" "$pid"
    forget "$name"
    log "$name: stopped (pid $pid, owner $owner) in $(elapsed_since "$t0") s"
}

status_one() {
    local name=$1 pid state owner port host
    port=$(svc_port "$name")
    host=$(svc_host "$name")
    pid=$(recorded_pid "$name" || true)
    owner=$([[ -n $pid ]] && recorded_owner "$name" || printf -- '-')
    if healthy "$name"; then
        state=running
        [[ -n $pid ]] || { pid=$(port_listener_pid "$port" || true); owner="- (not started from here)"; }
    elif [[ -n $pid ]]; then
        state=unhealthy
    else
        state=stopped
    fi
    printf '%-15s %-9s pid %-8s %s:%-6s owner %s\n' "$name" "$state" "${pid:--}" "$host" "$port" "$owner"
}

print_env() {
    local v
    while read -r v; do
        printf 'export %s=%q\n' "$v" "${!v}"
    done < <(contract_vars)
}

usage() { sed -n '2,/^[^#]/p' "${BASH_SOURCE[0]}" | grep '^#' | sed 's/^# \{0,1\}//'; }

main() {
    local cmd=${1:-}
    [[ -n $cmd ]] || { usage >&2; exit 2; }
    shift
    local extended=0 names=() a
    for a in "$@"; do
        case $a in
            --extended) extended=1 ;;
            -h|--help) usage; exit 0 ;;
            -*) die "unknown option '$a'" ;;
            *)
                [[ " ${ALL_SERVICES[*]} " == *" $a "* ]] || die "unknown service '$a' (${ALL_SERVICES[*]})"
                names+=("$a")
                ;;
        esac
    done
    if [[ ${#names[@]} -eq 0 ]]; then
        names=("${DEFAULT_SERVICES[@]}")
        # stop/status without names also cover a Garage that was started from here.
        if [[ $extended -eq 1 ]] || { [[ $cmd != start ]] && recorded_pid garage >/dev/null; }; then
            names+=(garage)
        fi
    fi
    case $cmd in
        env) print_env; return 0 ;;
        status)
            local n
            for n in "${names[@]}"; do status_one "$n"; done
            return 0
            ;;
        start|stop|restart) ;;
        -h|--help|help) usage; return 0 ;;
        *) usage >&2; die "unknown command '$cmd'" ;;
    esac

    mkdir -p "$CIRRUS_RUN_DIR" "$PID_DIR" "$LOG_DIR"
    chmod 755 "$LOG_DIR" 2>/dev/null || true   # the postgres OS user writes its log here
    # One start/stop at a time per run directory (CTest fixtures, scripts, people).
    exec 9>"$CIRRUS_RUN_DIR/.services.lock"
    flock -w 900 9 || die "could not lock $CIRRUS_RUN_DIR/.services.lock within 900 s"

    local rc=0 n
    if [[ $cmd == stop || $cmd == restart ]]; then
        # Reverse order: the proxies and clients' servers before the database.
        local i
        for ((i = ${#names[@]} - 1; i >= 0; i--)); do
            # A subshell per service keeps errexit in force inside it (an `|| rc=1` would not).
            (stop_one "${names[i]}") &
            wait $! || rc=1
        done
    fi
    if [[ $cmd == start || $cmd == restart ]]; then
        for n in "${names[@]}"; do
            (start_one "$n") &
            wait $! || rc=1
        done
        [[ $rc -eq 0 ]] || log "error: some services failed to start (see above)"
    fi
    return "$rc"
}

main "$@"
