#!/usr/bin/env bash
# Runs the built app from dist/ as a user would, and fails if anything is missing from the bundle:
# the command line's --version, a demo library with the bundled small model, a search, and the
# desktop app opening its window (offscreen) and quitting by itself.
#
#     packaging/smoke_test.sh [dist/photoclip]
set -euo pipefail
BUNDLE=${1:-"$(dirname "$0")/../dist/photoclip"}
BUNDLE=$(cd "$BUNDLE" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export PHOTOCLIP_CACHE="$WORK/cache" QT_QPA_PLATFORM=offscreen
# Nothing from a source checkout or a venv may leak in: the bundle must stand alone.
unset PYTHONPATH VIRTUAL_ENV
cd "$WORK"

echo "== --version"
"$BUNDLE/photoclip" --version | grep -q "photoclip "

echo "== demo (bundled small model, offline)"
start=$(date +%s.%N)
"$BUNDLE/photoclip" --library "$WORK/demo" demo --count 24 --max-size 400 > demo.log
grep -q "24 indexed" demo.log

echo "== search"
"$BUNDLE/photoclip" --library "$WORK/demo" search "a red circle" -n 3 --min-score 0 > search.log
test "$(wc -l < search.log)" -eq 3

echo "== tagging and XMP export"
"$BUNDLE/photoclip" --library "$WORK/demo" tag --label-set shapes > tag.log
grep -q "photos tagged" tag.log

echo "== desktop app opens its window and quits"
launched=$(date +%s.%N)
"$BUNDLE/photoclip-gui" --library "$WORK/demo" --quit-after 4 > gui.log
shown=$(sed -n 's/^photoclip: window shown at //p' gui.log)
test -n "$shown"
end=$(date +%s.%N)
echo "window shown $(python3 -c "print(round($shown - $launched, 2))") s after launch"
echo "smoke test passed in $(python3 -c "print(round($end - $start, 1))") s"
