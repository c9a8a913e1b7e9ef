#!/usr/bin/env bash
# Re-fetch the dashboard's vendored JavaScript and world map from the npm registry, pinned.
# Output: src/eventwire/web/static/vendor/ (each file with its licence beside it).
# Needs npm and tar; run from anywhere. The dashboard itself never touches the network.
set -euo pipefail
ECHARTS=5.6.0          # Apache-2.0: charts, map (geo) and force-directed graph
WORLD_ATLAS=2.0.2      # ISC: Natural Earth 1:110m countries as TopoJSON (ids: ISO 3166 numeric)
TOPOJSON_CLIENT=3.1.0  # ISC: TopoJSON -> GeoJSON in the browser

repo="$(cd "$(dirname "$0")/.." && pwd)"
dest="$repo/src/eventwire/web/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$dest"

unpack() {  # unpack NAME@VERSION into $work/NAME
  local spec="$1" name="${1%@*}"
  (cd "$work" && npm pack --silent "$spec" >/dev/null)
  mkdir -p "$work/$name"
  tar -xzf "$work/$name"-*.tgz -C "$work/$name" --strip-components=1
}

unpack "echarts@$ECHARTS"
cp "$work/echarts/dist/echarts.min.js" "$dest/echarts.min.js"
cp "$work/echarts/LICENSE" "$dest/echarts.LICENSE"
cp "$work/echarts/NOTICE" "$dest/echarts.NOTICE"

unpack "world-atlas@$WORLD_ATLAS"
cp "$work/world-atlas/countries-110m.json" "$dest/countries-110m.json"
cp "$work/world-atlas/LICENSE" "$dest/world-atlas.LICENSE"

unpack "topojson-client@$TOPOJSON_CLIENT"
cp "$work/topojson-client/dist/topojson-client.min.js" "$dest/topojson-client.min.js"
cp "$work/topojson-client/LICENSE" "$dest/topojson-client.LICENSE"

(cd "$dest" && sha256sum ./*.js ./*.json > SHA256SUMS)
echo "vendored into $dest:"; du -ch "$dest"/* | tail -1
