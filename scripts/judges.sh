#!/usr/bin/env bash
# Builds the real programs the tests judge with, from the Go modules in test/judges/ (one module per
# program, each pinned by its go.mod and go.sum):
#   collector/     otelcol: the collector with exactly our component types, plus debug/file/pprof
#   loadgen/       loadgen: the pipeline bench's OTLP/gRPC load generator and counting sink
#   jaeger/        jaeger (v2)
#   prometheus/    prometheus, promtool
#   alertmanager/  alertmanager, amtool
#   node-exporter/ node_exporter
#   kube-state-metrics/ kube-state-metrics
#   elasticsearch-exporter/ elasticsearch_exporter
#   json-exporter/ json_exporter (Logstash's monitoring API as Prometheus metrics)
#   checkov/       checkov, from PyPI into a virtual environment (requirements.txt pins every package)
#   prometheus-operator-crds/ not a program: the operator's CRDs (kube-prometheus-stack's), and a command printing their folder
#   jruby          Maven Central's jruby-complete (no module: the jar, checked by its SHA-1), run by Java 21+
# Each build lands in .tools/judges/<module>-<key>/bin, key = hash of the module's files, this script
# and the Go version, so an unchanged module is never rebuilt; .tools/bin links to the current builds.
# Idempotent; `npm test` runs it first. Needs Go and the Go module proxy (first run only, when cold).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export GOFLAGS=-buildvcs=false GOTOOLCHAIN=local
export GOPROXY="${GOPROXY:-https://proxy.golang.org}"

if ! command -v go >/dev/null; then
  echo "judges: go is not installed (the judges are built from Go modules; see README, Requirements)" >&2
  exit 1
fi
go_version=$(go env GOVERSION)

# The version of `module` that go.mod in `dir` requires, e.g. v0.159.0.
required() { awk -v m="$2" '$1 == m { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$1/go.mod"; }

# Builds a judge unless a build for the same inputs exists. $1: module dir name; $2: build function.
judge() {
  local name=$1 build=$2 dir="$root/test/judges/$1"
  local key
  key=$( (cd "$dir" && find . -type f ! -name '*_test.go' | LC_ALL=C sort | xargs sha256sum; sha256sum "$root/scripts/judges.sh"; echo "$go_version") | sha256sum | cut -c1-16)
  local out="$root/.tools/judges/$name-$key"
  if [ ! -f "$out/.complete" ]; then
    echo "judges: building $name ($key), a few minutes when cold"
    local started=$SECONDS
    rm -rf "$out" "$out.tmp"
    mkdir -p "$out.tmp/bin"
    (cd "$dir" && "$build" "$out.tmp/bin")
    touch "$out.tmp/.complete"
    mv "$out.tmp" "$out"
    echo "judges: built $name in $((SECONDS - started)) s"
    # Earlier builds of this judge are for inputs that no longer exist.
    find "$root/.tools/judges" -mindepth 1 -maxdepth 1 -name "$name-*" ! -name "$name-$key" -exec rm -rf {} +
  fi
  mkdir -p "$root/.tools/bin"
  for bin in "$out"/bin/*; do ln -sfn "$bin" "$root/.tools/bin/$(basename "$bin")"; done
}

# A tool whose module embeds web assets that are built by npm and so not part of the Go module: vendor
# the module (go mod vendor -e goes on past the missing files), put a one-line placeholder page where
# the assets would be, and build from the vendor tree. Only the web UI is missing; APIs are unaffected.
# $1: output dir; $2: the package dir inside vendor/ that embeds; $3: ldflags; rest: placeholder file paths
# relative to that package, then `--` and the packages to build.
build_vendored() {
  local out=$1 embedder=$2 ldflags=$3
  shift 3
  local work
  work=$(mktemp -d)
  cp go.mod go.sum "$work/"
  (
    cd "$work"
    go mod vendor -e 2>/dev/null
    while [ "$1" != "--" ]; do
      mkdir -p "vendor/$embedder/$(dirname "$1")"
      echo '<!doctype html><title>judge build</title><p>Web UI assets are not in the Go module.' > "vendor/$embedder/$1"
      shift
    done
    shift
    for pkg in "$@"; do go build -mod=vendor -trimpath -ldflags "$ldflags" -o "$out/" "$pkg"; done
  )
  rm -rf "$work"
}

build_collector() {
  local version
  version=$(required . go.opentelemetry.io/collector/otelcol)
  go build -trimpath -ldflags "-X main.version=${version#v}" -o "$1/otelcol" .
}

build_loadgen() {
  go build -trimpath -o "$1/loadgen" .
}

build_prometheus() {
  local version
  version=$(required . github.com/prometheus/prometheus)
  # Go module v0.313.5 is Prometheus 3.13.5.
  version=$(echo "${version#v0.}" | sed -E 's/^([0-9])([0-9]{2})\./\1.\2./; s/\.0([0-9])\./.\1./')
  local ldflags="-X github.com/prometheus/common/version.Version=$version"
  go build -trimpath -ldflags "$ldflags" -o "$1/" github.com/prometheus/prometheus/cmd/prometheus github.com/prometheus/prometheus/cmd/promtool
}

build_alertmanager() {
  local version
  version=$(required . github.com/prometheus/alertmanager)
  build_vendored "$1" github.com/prometheus/alertmanager/ui "-X github.com/prometheus/common/version.Version=${version#v}" \
    app/dist/elm/index.html app/dist/mantine/index.html -- \
    github.com/prometheus/alertmanager/cmd/alertmanager github.com/prometheus/alertmanager/cmd/amtool
}

build_jaeger() {
  local version
  version=$(required . github.com/jaegertracing/jaeger)
  # Jaeger tags each release twice: Go module v1.76.0 is Jaeger v2.13.0 (v2 = v1 minor - 63).
  local minor=${version#v1.}
  minor=${minor%%.*}
  version="v2.$((minor - 63)).${version##*.}"
  build_vendored "$1" github.com/jaegertracing/jaeger/cmd/query/app/ui \
    "-X github.com/jaegertracing/jaeger/internal/version.latestVersion=$version" \
    actual/index.html -- github.com/jaegertracing/jaeger/cmd/jaeger
}

build_node_exporter() {
  local version
  version=$(required . github.com/prometheus/node_exporter)
  go build -trimpath -ldflags "-X github.com/prometheus/common/version.Version=${version#v}" -o "$1/" github.com/prometheus/node_exporter
}

build_kube_state_metrics() {
  local version
  version=$(required . k8s.io/kube-state-metrics/v2)
  # As KSM's Makefile does: the version keeps its v (v2.15.0).
  go build -trimpath -ldflags "-X github.com/prometheus/common/version.Version=$version" -o "$1/" k8s.io/kube-state-metrics/v2
}

build_elasticsearch_exporter() {
  local version
  version=$(required . github.com/prometheus-community/elasticsearch_exporter)
  go build -trimpath -ldflags "-X github.com/prometheus/common/version.Version=${version#v}" -o "$1/" github.com/prometheus-community/elasticsearch_exporter
}

build_json_exporter() {
  local version
  version=$(required . github.com/prometheus-community/json_exporter)
  go build -trimpath -ldflags "-X github.com/prometheus/common/version.Version=${version#v}" -o "$1/" github.com/prometheus-community/json_exporter
}

# Thanos' go.mod has replace directives, which apply only to the main module: it is built inside its
# own module's source, as its release is.
build_thanos() {
  local version src
  version=$(required . github.com/thanos-io/thanos)
  src=$(mktemp -d)
  (cd "$src" && go mod download -json "github.com/thanos-io/thanos@$version") |
    sed -n 's/^\t"Dir": "\(.*\)",$/\1/p' | { read -r dir && cp -r "$dir/." "$src/"; }
  chmod -R u+w "$src"
  # The release's build tags (its .promu.yml: netgo, slicelabels). Without slicelabels, Thanos' label
  # conversions misread Prometheus' default string labels and a StoreAPI's Info reply panics in gRPC.
  local tags
  tags=$(awk '/^  tags:/ { t = 1; next } t && /^    all:/ { a = 1; next } a && /^      - / { printf "%s%s", s, $2; s = "," ; next } a { exit }' "$src/.promu.yml")
  (cd "$src" && go build -trimpath -tags "$tags" -ldflags "-X github.com/prometheus/common/version.Version=${version#v}" -o "$1/" ./cmd/thanos)
  rm -rf "$src"
}

# Not a program: the Prometheus Operator's CRDs from its module zip (the version go.mod pins), and a
# command that prints their folder, so tests find them as they find the other judges.
build_prometheus_operator_crds() {
  local version dir
  version=$(required . github.com/prometheus-operator/prometheus-operator)
  dir=$(go mod download -json "github.com/prometheus-operator/prometheus-operator@$version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  mkdir -p "$1/../crds"
  cp "$dir"/example/prometheus-operator-crd/*.yaml "$1/../crds/"
  chmod -R u+w "$1/../crds"
  cat > "$1/prometheus-operator-crds" <<'SH'
#!/bin/sh
echo "$(dirname "$(readlink -f "$0")")/../crds"
SH
  chmod +x "$1/prometheus-operator-crds"
}

build_fakes3() {
  go build -trimpath -o "$1/fakes3" .
}

build_checkov() {
  # The venv is built here and moved with the rest, so the entry point runs the venv's python by a
  # relative path instead of pip's console script (whose shebang names the build directory).
  python3 -m venv "$1/../venv"
  "$1/../venv/bin/pip" install --quiet --disable-pip-version-check --no-input -r requirements.txt
  cat > "$1/checkov" <<'SH'
#!/bin/sh
exec "$(dirname "$(readlink -f "$0")")/../venv/bin/python" -W ignore::SyntaxWarning -c 'import sys; from checkov.main import Checkov; sys.exit(Checkov().run())' "$@"
SH
  chmod +x "$1/checkov"
}

# JRuby runs the Logstash pipeline's ruby filter: the jruby-complete jar at the version the deployed Logstash
# bundles (its versions.yml, `jruby: version`: 10.0.6.0 for every 9.5 release). JRuby 10 needs Java 21 or
# later; the oldest installed that is (Logstash bundles 21) runs it. Keyed by the version and that Java.
jruby_judge() {
  local version=10.0.6.0 sha1=1ec7c5d42e9ed138045ac5f537b606283d4cc2ac
  local url="https://repo.maven.apache.org/maven2/org/jruby/jruby-complete/$version/jruby-complete-$version.jar"
  local java="" major=0 candidate m
  for candidate in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
    [ -x "$candidate" ] || continue
    # java.specification.version: 1.8, then 9, 10, ... 21.
    m=$("$candidate" -XshowSettings:properties -version 2>&1 | awk -F' = ' '$1 ~ /java.specification.version/ { sub(/^1\./, "", $2); print $2 }')
    if [ "${m:-0}" -ge 21 ] && { [ -z "$java" ] || [ "$m" -lt "$major" ]; }; then java=$(readlink -f "$candidate") major=$m; fi
  done
  if [ -z "$java" ]; then
    echo "judges: jruby $version needs Java 21 or later, and none is installed" >&2
    exit 1
  fi
  local wrapper="#!/bin/sh
exec \"$java\" -jar \"\$(dirname \"\$(readlink -f \"\$0\")\")/../jruby-complete-$version.jar\" \"\$@\""
  local key
  key=$(printf '%s\n%s\n%s\n' "$version" "$sha1" "$wrapper" | sha256sum | cut -c1-16)
  local out="$root/.tools/judges/jruby-$key"
  if [ ! -f "$out/.complete" ]; then
    echo "judges: downloading jruby $version ($key)"
    rm -rf "$out" "$out.tmp"
    mkdir -p "$out.tmp/bin"
    curl -fsSL --retry 3 -o "$out.tmp/jruby-complete-$version.jar" "$url"
    # The SHA-1 Maven Central serves beside the jar, which must also be the one pinned here.
    local served
    served=$(curl -fsSL --retry 3 "$url.sha1" | cut -c1-40)
    if [ "$served" != "$sha1" ] || ! echo "$sha1  $out.tmp/jruby-complete-$version.jar" | sha1sum -c --quiet; then
      echo "judges: jruby-complete-$version.jar does not have SHA-1 $sha1 (Maven Central serves $served)" >&2
      exit 1
    fi
    printf '%s\n' "$wrapper" > "$out.tmp/bin/jruby"
    chmod +x "$out.tmp/bin/jruby"
    touch "$out.tmp/.complete"
    mv "$out.tmp" "$out"
    find "$root/.tools/judges" -mindepth 1 -maxdepth 1 -name "jruby-*" ! -name "jruby-$key" -exec rm -rf {} +
  fi
  mkdir -p "$root/.tools/bin"
  ln -sfn "$out/bin/jruby" "$root/.tools/bin/jruby"
}

judge collector build_collector
judge loadgen build_loadgen
judge alertmanager build_alertmanager
judge prometheus build_prometheus
judge jaeger build_jaeger
judge node-exporter build_node_exporter
judge kube-state-metrics build_kube_state_metrics
judge elasticsearch-exporter build_elasticsearch_exporter
judge json-exporter build_json_exporter
judge thanos build_thanos
judge fakes3 build_fakes3
judge prometheus-operator-crds build_prometheus_operator_crds
judge checkov build_checkov
jruby_judge
