#!/usr/bin/env bash
# ECK's CRDs (Elasticsearch, Kibana) from the module zip of github.com/elastic/cloud-on-k8s/v3 at the
# version test/judges/eck-crds/go.mod pins (go.sum checks it), and its list of Elasticsearch settings
# the operator refuses, for test/eck-judge.ts; a command `eck-crds` prints their folder. Lands in
# .tools/judges/eck-crds-<key>, key = hash of the module's files, this script and the Go version, the
# way scripts/judges.sh keys its builds; kept out of judges.sh so adding it rebuilt no other judge.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export GOFLAGS=-buildvcs=false GOTOOLCHAIN=local
export GOPROXY="${GOPROXY:-https://proxy.golang.org}"
dir="$root/test/judges/eck-crds"
key=$( (cd "$dir" && find . -type f | LC_ALL=C sort | xargs sha256sum; sha256sum "$root/scripts/eck-crds.sh"; go env GOVERSION) | sha256sum | cut -c1-16)
out="$root/.tools/judges/eck-crds-$key"
if [ ! -f "$out/.complete" ]; then
  echo "eck-crds: fetching ($key)"
  rm -rf "$out" "$out.tmp"
  mkdir -p "$out.tmp/bin" "$out.tmp/crds"
  version=$(awk '$1 == "require" && $2 == "github.com/elastic/cloud-on-k8s/v3" { print $3 }' "$dir/go.mod")
  src=$(cd "$dir" && go mod download -json "github.com/elastic/cloud-on-k8s/v3@$version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  cp "$src"/config/crds/v1/resources/elasticsearch.k8s.elastic.co_elasticsearches.yaml \
    "$src"/config/crds/v1/resources/kibana.k8s.elastic.co_kibanas.yaml "$out.tmp/crds/"
  # The settings ECK's validation refuses in a nodeSet's config (UnsupportedSettings), with the constants they name.
  cp "$src"/pkg/apis/elasticsearch/v1/fields.go "$out.tmp/crds/fields.go.txt"
  chmod -R u+w "$out.tmp/crds"
  cat > "$out.tmp/bin/eck-crds" <<'SH'
#!/bin/sh
echo "$(dirname "$(readlink -f "$0")")/../crds"
SH
  chmod +x "$out.tmp/bin/eck-crds"
  touch "$out.tmp/.complete"
  mv "$out.tmp" "$out"
  find "$root/.tools/judges" -mindepth 1 -maxdepth 1 -name "eck-crds-*" ! -name "eck-crds-$key" -exec rm -rf {} +
fi
mkdir -p "$root/.tools/bin"
ln -sfn "$out/bin/eck-crds" "$root/.tools/bin/eck-crds"
