#!/usr/bin/env bash
# Builds photoclip with PyInstaller from a clean checkout: one folder holding the desktop app
# `photoclip-gui` and the command line `photoclip`, and on Linux a tarball of it.
#
#     packaging/build.sh            # the ONNX edition, the default installer: dist/photoclip/
#     packaging/build.sh --torch    # the torch edition, for CUDA and Apple MPS: dist/torch/photoclip/
#
# Each edition is built in a virtual environment of its own (build/venv-onnx, build/venv-torch). The
# ONNX one never has torch installed, so nothing can drag it into the bundle: it gets photoclip with
# --no-deps and only what packaging/requirements-onnx.txt lists.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
EDITION=onnx
case "${1:-}" in
    "") ;;
    --torch) EDITION=torch ;;
    *) echo "usage: packaging/build.sh [--torch]" >&2; exit 2 ;;
esac
started=$(date +%s)
VENV=build/venv-$EDITION
DIST=dist
[ "$EDITION" = "torch" ] && DIST=dist/torch

python3 -m venv "$VENV"
if [ -x "$VENV/Scripts/python.exe" ]; then PY="$VENV/Scripts/python.exe"; else PY="$VENV/bin/python"; fi
"$PY" -m pip install -q --upgrade pip >/dev/null
if [ "$EDITION" = "onnx" ]; then
    "$PY" -m pip install -q -r packaging/requirements-onnx.txt pyinstaller
    "$PY" -m pip install -q --no-deps .
    if "$PY" -c "import importlib.util as u, sys; sys.exit(0 if any(u.find_spec(n) for n in ('torch', 'open_clip')) else 1)"; then
        echo "build.sh: torch or open_clip is installed in $VENV; the ONNX edition is built without them" >&2
        exit 1
    fi
else
    # All of photoclip's dependencies: torch and open_clip too. PyPI's Linux torch is a CUDA build
    # (several GB of CUDA libraries, which is the point of this edition there); on macOS it has MPS;
    # on Windows PyPI's is CPU-only: install a CUDA one from https://download.pytorch.org/whl first.
    "$PY" -m pip install -q . pyinstaller
fi

if [ "$(uname -s)" = "Linux" ]; then
    # PyInstaller bundles the X11 libraries Qt's xcb platform plugin links as it finds them on this
    # machine: one missing here is missing from the bundle, and every user would have to install it.
    qxcb=$("$PY" -c "import PySide6, pathlib; print(pathlib.Path(PySide6.__file__).parent / 'Qt/plugins/platforms/libqxcb.so')")
    missing=$(ldd "$qxcb" | awk '/not found/ { print $1 }' | sort -u | tr '\n' ' ')
    if [ -n "$missing" ]; then
        echo "build.sh: Qt's xcb platform plugin links $missing, which this machine lacks. Install them first" >&2
        echo "(Debian/Ubuntu: the apt-get line in packaging/README.md, 'Linux desktop')." >&2
        exit 1
    fi
fi
"$PY" packaging/make_icons.py --out build/icons
"$PY" - <<'PY'
from pathlib import Path
from photoclip import __version__
parts = (__version__.split(".") + ["0", "0", "0"])[:4]
numbers = ", ".join(p if p.isdigit() else "0" for p in parts)
template = Path("packaging/windows/version_info.txt").read_text()
Path("build/windows-version.txt").write_text(template.replace("{numbers}", numbers).replace("{version}", __version__))
PY
export PHOTOCLIP_EDITION=$EDITION
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN --distpath "$DIST" --workpath "build/pyinstaller-$EDITION" \
    packaging/photoclip.spec

if [ "$(uname -s)" = "Linux" ]; then
    # Desktop integration travels with the folder; install.sh puts it in place for the user.
    APP="$DIST/photoclip"
    mkdir -p "$APP/share/applications" "$APP/share/metainfo" "$APP/share/icons"
    cp resources/photoclip.desktop "$APP/share/applications/io.github.photoclip.Photoclip.desktop"
    cp resources/io.github.photoclip.Photoclip.metainfo.xml "$APP/share/metainfo/"
    cp -r build/icons/hicolor "$APP/share/icons/"
    cp packaging/linux/install.sh "$APP/"
    VERSION=$("$PY" -c "import photoclip; print(photoclip.__version__)")
    NAME=photoclip
    [ "$EDITION" = "torch" ] && NAME=photoclip-torch
    TARBALL="$DIST/$NAME-$VERSION-linux-$(uname -m).tar.gz"
    tar -C "$DIST" -czf "$TARBALL" photoclip
    echo "tarball: $(du -h "$TARBALL" | cut -f1)  $ROOT/$TARBALL"
fi
echo "folder:  $(du -sh "$DIST/photoclip" | cut -f1)  $ROOT/$DIST/photoclip  ($EDITION edition, built in $(( $(date +%s) - started )) s)"
