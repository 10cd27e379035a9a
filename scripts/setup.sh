#!/usr/bin/env bash
# Installs what cirrus needs to build and run its tests: Debian packages and the real local
# servers the integration tests talk to. Idempotent: every step checks what is already
# there (pinned version included) and is skipped when done, so a second run takes seconds.
#
#   scripts/setup.sh [--extended]                 packages + every default service
#   scripts/setup.sh [--extended] packages        Debian packages only
#   scripts/setup.sh [--extended] services [NAME...]
#                                                 servers only (all, or the named ones)
#
# Service names: postgres versitygw moto dynamodb toxiproxy lambda-emulator, and garage
# (built from crates.io, 20+ minutes; only with --extended or when named).
# Tools land in $CIRRUS_HOME (default ~/.cache/cirrus); see docs/services.md.
set -Eeuo pipefail

: "${CIRRUS_HOME:=${HOME:?HOME is not set}/.cache/cirrus}"
export DEBIAN_FRONTEND=noninteractive

# Pinned versions.
VERSITYGW_VERSION=v1.7.0
TOXIPROXY_VERSION=v2.9.0
MOTO_VERSION=5.2.5
DYNAMODB_LOCAL_VERSION=3.3.1
SQLITE4JAVA_VERSION=1.0.392
MAVEN_DEPENDENCY_PLUGIN_VERSION=3.6.1
GARAGE_VERSION=2.5.0
CARGO_LAMBDA_VERSION=1.9.2

# Debian 12 packages (versions are the distribution's: Boost 1.81, clang 14, PostgreSQL 15).
# Debian's plain libboost-all-dev is Boost 1.74 and must not be installed beside 1.81.
BUILD_PACKAGES=(
    cmake ninja-build g++ ccache clang-14 libclang-rt-14-dev clang-format-14 meson pkg-config
    libboost1.81-all-dev libboost-url1.81-dev libboost-json1.81-dev
    libssl-dev libsimdjson-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev
    openssl curl zlib1g-dev unzip
    rclone time # benchmarks/run_transfer.sh: a peer, and GNU time to measure every client
    libpqxx-dev # benchmarks/run_postgres.sh: the libpqxx peer
)
SERVICE_PACKAGES=(postgresql-15 openssl curl default-jre-headless maven python3-venv)

DEFAULT_SERVICES=(postgres versitygw moto dynamodb toxiproxy lambda-emulator)

CURRENT_STEP="start"
log() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }
trap 'rc=$?; printf "setup: error: step \"%s\" failed (exit %s, line %s)\n" "$CURRENT_STEP" "$rc" "$LINENO" >&2; exit $rc' ERR

usage() {
    sed -n '2,/^[^#]/p' "${BASH_SOURCE[0]}" | grep '^#' | sed 's/^# \{0,1\}//'
}

as_root() {
    if [[ $EUID -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root (or sudo) for: $*"
    fi
}

stamp_dir() { printf '%s/stamps' "$CIRRUS_HOME"; }
stamp_ok() { [[ -f "$(stamp_dir)/$1" && "$(cat "$(stamp_dir)/$1")" == "$2" ]]; }
stamp_set() { mkdir -p "$(stamp_dir)"; printf '%s\n' "$2" >"$(stamp_dir)/$1"; }

# ---------------------------------------------------------------------------- packages
# install_packages [-q] PKG...   (-q: say nothing when all are present)
install_packages() {
    local quiet=0
    [[ ${1:-} == -q ]] && { quiet=1; shift; }
    local -a wanted=("$@") missing=()
    local pkg status
    CURRENT_STEP="debian packages (check)"
    # One dpkg-query for all: "name ii " for installed ones; unknown names print nothing.
    declare -A installed=()
    while read -r pkg status; do
        [[ $status == ii ]] && installed[$pkg]=1
    done < <(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${wanted[@]}" 2>/dev/null || true)
    for pkg in "${wanted[@]}"; do
        [[ -n ${installed[$pkg]:-} ]] || missing+=("$pkg")
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        [[ $quiet -eq 1 ]] || log "debian packages: all ${#wanted[@]} present"
        return 0
    fi
    CURRENT_STEP="apt-get update"
    log "debian packages: installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    CURRENT_STEP="apt-get install ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    log "debian packages: done"
}

# ---------------------------------------------------------------------------- Go tools
find_go() {
    if command -v go >/dev/null 2>&1; then
        command -v go
    elif [[ -x /usr/local/go/bin/go ]]; then
        printf '/usr/local/go/bin/go'
    else
        die "Go toolchain not found (needed for versitygw and toxiproxy)"
    fi
}

# go_install STAMP MODULE/PATH@VERSION built-name target-name
go_install() {
    local stamp=$1 pkg=$2 built=$3 target=$4
    local bin="$CIRRUS_HOME/bin/$target" version=${pkg##*@}
    if [[ -x $bin ]] && stamp_ok "$stamp" "$version"; then
        log "$target $version: present"
        return 0
    fi
    CURRENT_STEP="go install $pkg"
    log "$target $version: go install $pkg"
    local go tmp
    go=$(find_go)
    mkdir -p "$CIRRUS_HOME/bin"
    tmp=$(mktemp -d "$CIRRUS_HOME/bin/.gobin.XXXXXX")
    GOBIN=$tmp GOFLAGS=-trimpath "$go" install "$pkg"
    mv -f "$tmp/$built" "$bin"
    rm -rf "$tmp"
    stamp_set "$stamp" "$version"
}

setup_versitygw() {
    go_install versitygw "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION" versitygw versitygw
}

setup_toxiproxy() {
    go_install toxiproxy-server "github.com/Shopify/toxiproxy/v2/cmd/server@$TOXIPROXY_VERSION" server toxiproxy-server
    go_install toxiproxy-cli "github.com/Shopify/toxiproxy/v2/cmd/cli@$TOXIPROXY_VERSION" cli toxiproxy-cli
}

# ---------------------------------------------------------------------------- moto
setup_moto() {
    local venv="$CIRRUS_HOME/venv/moto"
    if [[ -x $venv/bin/moto_server ]] && stamp_ok moto "$MOTO_VERSION"; then
        log "moto $MOTO_VERSION: present"
        return 0
    fi
    install_packages -q python3-venv
    CURRENT_STEP="moto venv"
    log "moto $MOTO_VERSION: creating $venv"
    # Debian's interpreter, not whatever python3 comes first on PATH: the venv must survive
    # changes to user-level Python installs.
    local py=/usr/bin/python3
    [[ -x $py ]] || py=$(command -v python3)
    rm -rf "$venv"
    "$py" -m venv "$venv"
    CURRENT_STEP="pip install moto[server]==$MOTO_VERSION"
    "$venv/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION"
    stamp_set moto "$MOTO_VERSION"
}

# ---------------------------------------------------------------------------- Lambda Runtime API
# cargo-lambda's emulator of the Lambda Runtime API, a prebuilt binary wheel on PyPI (the AWS
# Runtime Interface Emulator is not reachable from here). Nothing is compiled.
setup_lambda_emulator() {
    local venv="$CIRRUS_HOME/venv/cargo-lambda"
    if [[ -x $venv/bin/cargo-lambda ]] && stamp_ok cargo-lambda "$CARGO_LAMBDA_VERSION"; then
        log "cargo-lambda $CARGO_LAMBDA_VERSION: present"
        return 0
    fi
    install_packages -q python3-venv
    CURRENT_STEP="cargo-lambda venv"
    log "cargo-lambda $CARGO_LAMBDA_VERSION: creating $venv"
    local py=/usr/bin/python3
    [[ -x $py ]] || py=$(command -v python3)
    rm -rf "$venv"
    "$py" -m venv "$venv"
    CURRENT_STEP="pip install cargo-lambda==$CARGO_LAMBDA_VERSION"
    "$venv/bin/pip" install -q --disable-pip-version-check "cargo-lambda==$CARGO_LAMBDA_VERSION"
    [[ -x $venv/bin/cargo-lambda ]] || die "cargo-lambda: no $venv/bin/cargo-lambda after pip install"
    stamp_set cargo-lambda "$CARGO_LAMBDA_VERSION"
}

# ---------------------------------------------------------------------------- DynamoDB Local
setup_dynamodb() {
    local dir="$CIRRUS_HOME/dynamodb-local"
    local want="$DYNAMODB_LOCAL_VERSION+$SQLITE4JAVA_VERSION"
    if [[ -f $dir/DynamoDBLocal-$DYNAMODB_LOCAL_VERSION.jar ]] && stamp_ok dynamodb "$want"; then
        log "dynamodb-local $DYNAMODB_LOCAL_VERSION: present"
        return 0
    fi
    install_packages -q default-jre-headless maven
    CURRENT_STEP="dynamodb-local fetch (maven)"
    log "dynamodb-local $DYNAMODB_LOCAL_VERSION: fetching jars from Maven Central"
    local tmp
    mkdir -p "$CIRRUS_HOME"
    tmp=$(mktemp -d "$CIRRUS_HOME/.dynamodb-local.XXXXXX")
    cat >"$tmp/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.cirrus</groupId>
  <artifactId>dynamodb-local-fetch</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>software.amazon.dynamodb</groupId>
      <artifactId>DynamoDBLocal</artifactId>
      <version>$DYNAMODB_LOCAL_VERSION</version>
    </dependency>
    <dependency>
      <groupId>com.almworks.sqlite4java</groupId>
      <artifactId>libsqlite4java-linux-amd64</artifactId>
      <version>$SQLITE4JAVA_VERSION</version>
      <type>so</type>
    </dependency>
  </dependencies>
</project>
EOF
    if ! mvn -B -q -Dstyle.color=never -f "$tmp/pom.xml" \
        "org.apache.maven.plugins:maven-dependency-plugin:$MAVEN_DEPENDENCY_PLUGIN_VERSION:copy-dependencies" \
        -DoutputDirectory="$tmp/lib" -DincludeScope=runtime >"$tmp/mvn.log" 2>&1; then
        tail -n 30 "$tmp/mvn.log" >&2
        die "maven could not fetch DynamoDB Local $DYNAMODB_LOCAL_VERSION (log above)"
    fi
    [[ -f $tmp/lib/DynamoDBLocal-$DYNAMODB_LOCAL_VERSION.jar ]] || die "DynamoDBLocal jar missing after fetch"
    ls "$tmp/lib"/libsqlite4java-linux-amd64*.so >/dev/null 2>&1 || die "libsqlite4java .so missing after fetch"
    mv "$tmp/pom.xml" "$tmp/lib/"
    rm -rf "$dir"
    mv "$tmp/lib" "$dir"
    rm -rf "$tmp"
    stamp_set dynamodb "$want"
    log "dynamodb-local: $(ls "$dir" | wc -l) files in $dir"
}

# ---------------------------------------------------------------------------- PostgreSQL
setup_postgres() {
    install_packages -q postgresql-15 openssl curl
    [[ -x /usr/lib/postgresql/15/bin/postgres ]] || die "postgresql-15 installed but /usr/lib/postgresql/15/bin/postgres is missing"
    log "postgresql 15: present ($(/usr/lib/postgresql/15/bin/postgres --version | awk '{print $3}'))"
}

# ---------------------------------------------------------------------------- Garage
setup_garage() {
    local root="$CIRRUS_HOME/garage"
    if [[ -x $root/bin/garage ]] && stamp_ok garage "$GARAGE_VERSION"; then
        log "garage $GARAGE_VERSION: present"
        return 0
    fi
    CURRENT_STEP="cargo install garage $GARAGE_VERSION"
    local cargo
    if command -v cargo >/dev/null 2>&1; then
        cargo=$(command -v cargo)
    elif [[ -x $HOME/.cargo/bin/cargo ]]; then
        cargo=$HOME/.cargo/bin/cargo
    else
        die "cargo not found (needed for garage)"
    fi
    log "garage $GARAGE_VERSION: cargo install (about 20+ minutes on this machine)"
    "$cargo" install garage --version "$GARAGE_VERSION" --locked --root "$root" \
        -j "$(nproc)" --quiet
    stamp_set garage "$GARAGE_VERSION"
}

setup_service() {
    local t0=$SECONDS
    case $1 in
        postgres)  setup_postgres ;;
        versitygw) setup_versitygw ;;
        moto)      setup_moto ;;
        dynamodb)  setup_dynamodb ;;
        toxiproxy) setup_toxiproxy ;;
        lambda-emulator) setup_lambda_emulator ;;
        garage)    setup_garage ;;
        *) die "unknown service '$1' (postgres versitygw moto dynamodb toxiproxy lambda-emulator garage)" ;;
    esac
    ((SECONDS - t0 < 2)) || log "$1: took $((SECONDS - t0)) s"
}

# ---------------------------------------------------------------------------- main
extended=0
args=()
for a in "$@"; do
    case $a in
        --extended) extended=1 ;;
        -h|--help) usage; exit 0 ;;
        *) args+=("$a") ;;
    esac
done
mode=${args[0]:-all}
names=("${args[@]:1}")

start_time=$SECONDS
# One installer at a time per $CIRRUS_HOME (scripts/services.sh may call us from CTest).
CURRENT_STEP="create $CIRRUS_HOME"
mkdir -p "$CIRRUS_HOME"
exec 8>"$CIRRUS_HOME/.setup.lock"
CURRENT_STEP="lock $CIRRUS_HOME/.setup.lock"
flock -w 3600 8
case $mode in
    all)
        [[ ${#names[@]} -eq 0 ]] || die "'all' takes no names"
        install_packages "${BUILD_PACKAGES[@]}" "${SERVICE_PACKAGES[@]}"
        for s in "${DEFAULT_SERVICES[@]}"; do setup_service "$s"; done
        [[ $extended -eq 0 ]] || setup_service garage
        ;;
    packages)
        install_packages "${BUILD_PACKAGES[@]}" "${SERVICE_PACKAGES[@]}"
        ;;
    services)
        if [[ ${#names[@]} -eq 0 ]]; then
            names=("${DEFAULT_SERVICES[@]}")
            [[ $extended -eq 0 ]] || names+=(garage)
        fi
        for s in "${names[@]}"; do setup_service "$s"; done
        ;;
    *) usage >&2; die "unknown mode '$mode'" ;;
esac
log "done in $((SECONDS - start_time)) s"
