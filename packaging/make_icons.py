"""Rasterises resources/icons/photoclip.svg into the icon files installers need (build time only).

    python packaging/make_icons.py [--out build/icons]

Writes PNGs at the usual sizes (hicolor/NxN/apps/), a Windows .ico and a macOS .icns. The SVG is the
one source; these are generated so no binary icon is kept in git.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "build" / "icons"))
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtGui import QGuiApplication, QIcon

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    del app
    source = ROOT / "resources" / "icons" / "photoclip.svg"
    out = Path(args.out)
    icon = QIcon(str(source))
    pngs = {}
    for size in SIZES:
        target = out / "hicolor" / f"{size}x{size}" / "apps" / "photoclip.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not icon.pixmap(size, size).save(str(target)):
            raise SystemExit(f"could not render {target}")
        pngs[size] = target
    scalable = out / "hicolor" / "scalable" / "apps" / "photoclip.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    scalable.write_bytes(source.read_bytes())
    largest = Image.open(pngs[512])
    largest.save(out / "photoclip.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    largest.save(out / "photoclip.icns")
    print(f"icons written to {out}")


if __name__ == "__main__":
    main()
