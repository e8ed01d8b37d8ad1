#!/usr/bin/env bash
# Runs the built app from dist/ as a user would, and fails if anything is missing from the bundle.
#
#     packaging/smoke_test.sh --random-onnx DIR [BUNDLE]     (or PHOTOCLIP_SMOKE_ONNX=DIR)
#
# BUNDLE defaults to dist/photoclip. DIR is a random-weight ONNX export of the default architecture
# (ViT-B-32-256) in photoclip's layout, so the frozen app does a real user's first-run compute
# without the real weights, which cannot be downloaded here; see the message below for making one.
#
# Checks, in order: the ONNX edition holds nothing of torch or CUDA and is within its size targets
# (folder 400 MB, tarball 200 MB); the command line's --version; a demo library with the bundled
# small model; cold searches (timed); tagging with XMP export; indexing, searching and tagging with
# the ViT-B-32-256 graphs given by --weights; the same graphs downloaded as rclip's ready-made ones
# from a stand-in hub on 127.0.0.1, then indexing and a search with them; the desktop app's window
# (on Xvfb when it is installed, else offscreen), timed; and on Linux the desktop entry: install.sh
# into a throw-away home, the entry validated, its Exec and Icon resolved, and the app started from
# it with no terminal, its output going to the log file.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ONNX=${PHOTOCLIP_SMOKE_ONNX:-}
BUNDLE=""
while [ $# -gt 0 ]; do
    case "$1" in
        --random-onnx) ONNX=${2:-}; shift 2 ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) BUNDLE=$1; shift ;;
    esac
done
if [ -z "$ONNX" ] || [ ! -f "$ONNX/photoclip_onnx.json" ]; then
    cat >&2 <<EOF
smoke_test.sh: no random-weight ONNX export of ViT-B-32-256 was given${ONNX:+ ($ONNX holds no photoclip_onnx.json)}.
Give its folder: packaging/smoke_test.sh --random-onnx DIR  (or PHOTOCLIP_SMOKE_ONNX=DIR).
Make one (once, about a minute) with a development venv that has torch, from the checkout:
    .venv/bin/python -c "import sys; sys.path.insert(0, 'benchmarks'); from common import random_weights_onnx; print(random_weights_onnx())"
which writes /tmp/photoclip-bench/ViT-B-32-256-random-onnx.
EOF
    exit 2
fi
ONNX=$(cd "$ONNX" && pwd)
BUNDLE=${BUNDLE:-"$HERE/../dist/photoclip"}
BUNDLE=$(cd "$BUNDLE" && pwd)
WORK=$(mktemp -d)
SERVERS=()  # background processes this script started (Xvfb, the stand-in hub)
cleanup() { [ ${#SERVERS[@]} -eq 0 ] || kill "${SERVERS[@]}" 2> /dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
export PHOTOCLIP_CACHE="$WORK/cache"
# Nothing from a source checkout or a venv may leak in: the bundle must stand alone.
unset PYTHONPATH VIRTUAL_ENV PHOTOCLIP_LIBRARY QT_QPA_PLATFORM
cd "$WORK"
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
fail() { echo "FAILED: $*" >&2; exit 1; }
PC="$BUNDLE/photoclip"
started=$(now)

echo "== what is in the bundle"
folder_mb=$(du -sm "$BUNDLE" | cut -f1)
tarball=$(ls "$BUNDLE"/../photoclip-*-linux-*.tar.gz 2>/dev/null | grep -v -- -torch- | head -1 || true)
tarball_mb=$([ -n "$tarball" ] && du -m "$tarball" | cut -f1 || echo "-")
if [ -d "$BUNDLE/_internal/torch" ]; then
    echo "torch edition: folder $folder_mb MB"
else
    strays=$(cd "$BUNDLE" && find . \( -path "*/torch/*" -o -path "*/nvidia/*" -o -path "*/triton/*" -o -path "*/open_clip/*" \
        -o -path "*/timm/*" -o -path "*/sympy/*" -o -name "libtorch*" -o -name "libcudnn*" -o -name "libcublas*" \) -print | head -5)
    [ -z "$strays" ] || fail "the ONNX edition carries torch or CUDA files: $strays"
    echo "ONNX edition: folder $folder_mb MB (target 400), tarball $tarball_mb MB (target 200), nothing of torch or CUDA"
    [ "$folder_mb" -le 400 ] || fail "the folder is $folder_mb MB, over 400 MB"
    [ "$tarball_mb" = "-" ] || [ "$tarball_mb" -le 200 ] || fail "the tarball is $tarball_mb MB, over 200 MB"
fi

echo "== --version"
"$PC" --version | grep -q "photoclip " || fail "--version"

echo "== demo (bundled small model, offline)"
"$PC" --library "$WORK/demo" demo --count 24 --max-size 400 > demo.log 2> demo.err || { cat demo.err; fail "demo"; }
grep -q "24 indexed" demo.log || fail "demo did not index 24 pictures: $(cat demo.log)"

echo "== cold command-line searches with photoclip-tiny (a new process each)"
times=""
for _ in 1 2 3; do
    t=$(now)
    "$PC" --library "$WORK/demo" search "a red circle" -n 3 --relevance all > search.log
    times="$times $(since "$t")"
done
echo "search took$times s (target 1.5 s)"
test "$(wc -l < search.log)" -eq 3 || fail "search listed $(wc -l < search.log) photos, not 3"
grep -q "red-circle" <(head -1 search.log) || fail "the best match for 'a red circle' is $(head -1 search.log)"

echo "== tagging and XMP export"
"$PC" --library "$WORK/demo" tag --label-set shapes --export-xmp --include-suggested > tag.log
grep -q "photos tagged" tag.log || fail "tagging: $(cat tag.log)"
ls "$WORK/demo/pictures/"*.xmp > /dev/null 2>&1 || fail "no XMP sidecar was written"

echo "== the default architecture (ViT-B-32-256, random weights) from $ONNX"
MODEL=(--model ViT-B-32-256/datacomp_s34b_b86k --weights "$ONNX")
t=$(now)
"$PC" --library "$WORK/vit" "${MODEL[@]}" index "$WORK/demo/pictures" > vit-index.log 2> vit-index.err \
    || { tail -5 vit-index.err; fail "indexing with ViT-B-32-256"; }
echo "indexed in $(since "$t") s (the first time includes the int8 check): $(tail -1 vit-index.log)"
grep -q "24 indexed" vit-index.log || fail "ViT-B-32-256 did not index 24 pictures"
t=$(now)
"$PC" --library "$WORK/vit" "${MODEL[@]}" search "a red circle" -n 3 --relevance all > vit-search.log
echo "search took $(since "$t") s"
test "$(wc -l < vit-search.log)" -eq 3 || fail "ViT-B-32-256 search listed $(wc -l < vit-search.log) photos, not 3"
t=$(now)
"$PC" --library "$WORK/vit" "${MODEL[@]}" tag --label-set shapes > vit-tag.log
echo "tagging took $(since "$t") s: $(tail -1 vit-tag.log)"
grep -q "photos tagged" vit-tag.log || fail "tagging with ViT-B-32-256: $(cat vit-tag.log)"
runs_on=$("$PC" --library "$WORK/vit" "${MODEL[@]}" status | grep "Runs on:")
echo "$runs_on"
# The int8 check may keep fp32 (not faster on this CPU), but it must have run: a failure here is
# something missing from the bundle (onnxruntime.quantization needs onnx and parts of both).
case "$runs_on" in *failed*) fail "the int8 check did not run in the bundle: $runs_on" ;; esac

echo "== the default model's ready-made graphs downloaded, as on a user's first run (a stand-in hub serves them)"
if [ -f "$HERE/../tests/hub_server.py" ]; then
    python3 "$HERE/stand_in_hub.py" "$ONNX" > hub.out 2> hub.err &
    SERVERS+=($!)
    for _ in $(seq 300); do [ -s hub.out ] && break; sleep 0.2; done
    [ -s hub.out ] || fail "the stand-in hub did not start: $(cat hub.err)"
    t=$(now)
    PHOTOCLIP_CACHE="$WORK/cache-download" PHOTOCLIP_HF_ENDPOINT=$(head -1 hub.out) \
        "$PC" --library "$WORK/download" models --download ViT-B-32-256/datacomp_s34b_b86k > download.log 2> download.err \
        || { tail -5 download.err; fail "downloading the default model's graphs"; }
    echo "downloaded and prepared in $(since "$t") s: $(grep "is ready" download.log)"
    PHOTOCLIP_CACHE="$WORK/cache-download" "$PC" --library "$WORK/download" index "$WORK/demo/pictures" > download-index.log 2>&1
    grep -q "24 indexed" download-index.log || fail "indexing with the downloaded graphs: $(tail -3 download-index.log)"
    PHOTOCLIP_CACHE="$WORK/cache-download" "$PC" --library "$WORK/download" search "a red circle" -n 3 --relevance all > download-search.log
    test "$(wc -l < download-search.log)" -eq 3 || fail "search with the downloaded graphs"
    echo "indexed and searched with them (no --weights)"
else
    echo "(skipped: the stand-in hub needs the checkout's tests/hub_server.py)"
fi

echo "== desktop app opens its window and quits"
if command -v Xvfb > /dev/null 2>&1 && [ "$(uname -s)" = "Linux" ]; then
    # One X server for all the starts below, so that none of them pays for starting it.
    Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3> "$WORK/display" 2> "$WORK/xvfb.log" &
    SERVERS+=($!)
    for _ in $(seq 300); do [ -s "$WORK/display" ] && break; sleep 0.1; done
    [ -s "$WORK/display" ] || fail "Xvfb did not start: $(cat "$WORK/xvfb.log")"
    export DISPLAY=":$(head -1 "$WORK/display")"
    echo "(a real X11 window, on Xvfb $DISPLAY)"
else
    export QT_QPA_PLATFORM=offscreen
    echo "(offscreen: install Xvfb, Debian's xvfb, to open a real window)"
fi
times=""
for run in 1 2 3; do
    export PHOTOCLIP_LOG="$WORK/gui-$run.log"
    launched=$(now)
    "$BUNDLE/photoclip-gui" --library "$WORK/demo" --quit-after 3 || { cat "$PHOTOCLIP_LOG"; fail "the desktop app"; }
    shown=$(sed -n 's/^photoclip: window shown at //p' "$PHOTOCLIP_LOG")
    [ -n "$shown" ] || { cat "$PHOTOCLIP_LOG"; fail "the window never showed"; }
    times="$times $(awk -v a="$launched" -v b="$shown" 'BEGIN { printf "%.2f", b - a }')"
done
unset PHOTOCLIP_LOG
echo "window shown$times s after launch (target 1 s)"

if [ "$(uname -s)" = "Linux" ] && [ -x "$BUNDLE/install.sh" ]; then
    echo "== desktop entry: install.sh, then a start from the entry with no terminal"
    HOME_DIR="$WORK/home"
    mkdir -p "$HOME_DIR"
    HOME="$HOME_DIR" XDG_DATA_HOME="$HOME_DIR/.local/share" "$BUNDLE/install.sh" > install.log
    ENTRY="$HOME_DIR/.local/share/applications/io.github.photoclip.Photoclip.desktop"
    [ -f "$ENTRY" ] || fail "install.sh wrote no desktop entry"
    if command -v desktop-file-validate > /dev/null 2>&1; then
        desktop-file-validate "$ENTRY" || fail "desktop-file-validate: $ENTRY"
    else
        echo "(desktop-file-validate not installed: the entry is not validated)"
    fi
    grep -q "^Terminal=false" "$ENTRY" || fail "the desktop entry asks for a terminal"
    exec_line=$(sed -n 's/^Exec=//p' "$ENTRY")
    if [ "${exec_line:0:1}" = '"' ]; then  # a quoted program path
        program=${exec_line#\"}
        program=${program%%\"*}
        rest=${exec_line#\"$program\"}
    else
        program=${exec_line%% *}
        rest=${exec_line#"$program"}
    fi
    [ -x "$program" ] || fail "Exec= names $program, which is not an executable"
    icon=$(sed -n 's/^Icon=//p' "$ENTRY")
    ls "$HOME_DIR/.local/share/icons/hicolor/"*/apps/"$icon".png > /dev/null 2>&1 || fail "Icon=$icon is not in the hicolor theme"
    [ -L "$HOME_DIR/.local/bin/photoclip" ] && [ -x "$HOME_DIR/.local/bin/photoclip" ] || fail "no photoclip launcher in ~/.local/bin"
    # As a desktop starts it: its own session, no terminal, no input and output thrown away, a bare
    # environment, and the file arguments (%F) left empty. Only --quit-after is added, to end it.
    rest=${rest/\%F/--quit-after 3}
    # shellcheck disable=SC2086  # the rest of the Exec line is split into words as a desktop would
    env -i HOME="$HOME_DIR" PATH=/usr/bin:/bin LANG=C.UTF-8 ${DISPLAY:+DISPLAY=$DISPLAY} \
        ${QT_QPA_PLATFORM:+QT_QPA_PLATFORM=$QT_QPA_PLATFORM} setsid -w "$program" $rest < /dev/null > /dev/null 2>&1 \
        || fail "starting from the desktop entry"
    LOG="$HOME_DIR/.local/state/photoclip/log/photoclip-gui.log"
    grep -q "photoclip: window shown at" "$LOG" 2> /dev/null || fail "no window shown according to $LOG: $(cat "$LOG" 2>&1)"
    echo "started from the entry: window shown, output in ~/.local/state/photoclip/log/photoclip-gui.log"
fi
echo "smoke test passed in $(since "$started") s"
