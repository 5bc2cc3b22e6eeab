#!/usr/bin/env bash
# Installs the real tools the tests use as judges:
#  - Debian's `prometheus` and `prometheus-alertmanager` packages (bookworm: promtool 2.42, amtool 0.25);
#  - the same packages from the next Debian release (trixie: promtool 2.53, amtool 0.28), unpacked into
#    .tools/, because bookworm's promtool lacks Kubernetes service discovery and its amtool lacks the
#    webhook `url_file` field. Tests prefer .tools/usr/bin.
# Needs root (apt). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if ! command -v promtool >/dev/null || ! command -v amtool >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager >/dev/null
fi

if [ -x .tools/usr/bin/promtool ] && [ -x .tools/usr/bin/amtool ] && [ -x .tools/usr/bin/prometheus ]; then
  exit 0
fi
apt_dir="$root/.tools/apt"
mkdir -p "$apt_dir/sources" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/debs"
cat > "$apt_dir/sources/trixie.sources" <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
opts=(-o "Dir::Etc::sourcelist=/dev/null" -o "Dir::Etc::sourceparts=$apt_dir/sources" -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o "APT::Sandbox::User=root")
apt-get "${opts[@]}" update -qq
(cd "$apt_dir/debs" && apt-get "${opts[@]}" download -qq prometheus/trixie promtool/trixie prometheus-alertmanager/trixie)
for deb in "$apt_dir"/debs/*.deb; do dpkg -x "$deb" "$root/.tools"; done
rm -rf "$apt_dir"
"$root/.tools/usr/bin/promtool" --version | head -1
"$root/.tools/usr/bin/amtool" --version | head -1
