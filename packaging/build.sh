#!/usr/bin/env bash
# Builds photoclip with PyInstaller from a clean checkout: dist/photoclip/ (one folder holding the
# desktop app `photoclip-gui` and the command line `photoclip`) and, on Linux, a tarball beside it.
#
#     packaging/build.sh            # CPU build: CPU-only torch where the platform has one
#     packaging/build.sh --gpu      # keep the torch that is installed (CUDA libraries and all)
#
# It works in its own virtual environment (build/venv) so the bundle holds only what photoclip needs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
GPU=0
[ "${1:-}" = "--gpu" ] && GPU=1

python3 -m venv build/venv
. build/venv/bin/activate
python -m pip install -q --upgrade pip >/dev/null
if [ "$GPU" = "0" ] && [ "$(uname -s)" = "Linux" ]; then
    # PyPI's Linux torch is a CUDA build (several GB of libraries a CPU build never loads); the
    # PyTorch index has CPU-only wheels. Where that index cannot be reached, the PyPI one is used.
    pip install -q --timeout 15 --retries 1 torch torchvision --index-url https://download.pytorch.org/whl/cpu 2>/dev/null \
        || echo "build.sh: the CPU-only torch index is out of reach; using the torch from PyPI"
    # A mirror may pair a CPU torch with a CUDA torchvision, which cannot import; then take PyPI's pair.
    if ! python -c "import torch, torchvision" 2>/dev/null; then
        echo "build.sh: no working CPU-only torch and torchvision pair; using the torch from PyPI"
        pip uninstall -q -y torch torchvision 2>/dev/null || true
    fi
fi
pip install -q -e . pyinstaller
python packaging/make_icons.py --out build/icons
python - <<'PY'
from pathlib import Path
from photoclip import __version__
parts = (__version__.split(".") + ["0", "0", "0"])[:4]
numbers = ", ".join(p if p.isdigit() else "0" for p in parts)
template = Path("packaging/windows/version_info.txt").read_text()
Path("build/windows-version.txt").write_text(template.replace("{numbers}", numbers).replace("{version}", __version__))
PY
export PHOTOCLIP_BUILD_GPU=$GPU
pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller packaging/photoclip.spec

if [ "$(uname -s)" = "Linux" ]; then
    # Desktop integration files travel with the folder; install.sh puts them in place.
    mkdir -p dist/photoclip/share/applications dist/photoclip/share/metainfo dist/photoclip/share/icons
    cp resources/photoclip.desktop dist/photoclip/share/applications/io.github.photoclip.Photoclip.desktop
    cp resources/io.github.photoclip.Photoclip.metainfo.xml dist/photoclip/share/metainfo/
    cp -r build/icons/hicolor dist/photoclip/share/icons/
    cp packaging/linux/install.sh dist/photoclip/
    VERSION=$(python -c "import photoclip; print(photoclip.__version__)")
    tar -C dist -czf "dist/photoclip-$VERSION-linux-$(uname -m).tar.gz" photoclip
fi
du -sh dist/photoclip
echo "built $ROOT/dist/photoclip"
