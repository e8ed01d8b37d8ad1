"""When Qt cannot open a window: a message that says why and what to install.

On a plain Debian or Ubuntu desktop, Qt's X11 platform plugin ("xcb") links libraries that are not
installed by default (libxcb-cursor0, libxcb-icccm4, ...). Qt then prints that "xcb-cursor0 or
libxcb-cursor0 is needed" (it says so whatever is missing, even when nothing is, e.g. without a
display at all), that the plugin "could not load even though it was found", and aborts. Before it
aborts it hands its messages to a message handler: photoclip's looks at what the plugin really lacks
(``ldd`` lists the libraries the dynamic linker cannot find) and says that, with the command that
installs them, on the terminal and, where a dialog program is there, in a window.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

#: What Qt says, in its final message, when no platform plugin could start.
QT_GAVE_UP = "no Qt platform plugin could be initialized"
_NOT_FOUND = re.compile(r"^\s*(\S+) => not found", re.MULTILINE)
_BROKEN = re.compile(r"error while loading shared libraries: (\S+?):")


def plugin_file(platform: str = "xcb") -> Path | None:
    """Qt's plugin for ``platform`` in this PySide6 (``libqxcb.so``), or None."""
    try:
        from PySide6.QtCore import QLibraryInfo
    except ImportError:
        return None
    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    found = folder / f"libq{platform}.so"
    return found if found.is_file() else None


def missing_libraries(library: Path | None) -> list[str]:
    """The shared libraries ``library`` needs (directly or through others) that this system lacks,
    as ``ldd`` reports them; [] when none are missing or ``ldd`` is not there."""
    ldd = shutil.which("ldd")
    if library is None or ldd is None:
        return []
    try:
        result = subprocess.run([ldd, str(library)], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return []
    text = result.stdout + result.stderr
    names = _NOT_FOUND.findall(text) + [Path(p).name for p in _BROKEN.findall(text)]
    return list(dict.fromkeys(names))


def debian_package(soname: str) -> str:
    """The Debian/Ubuntu package that ships ``soname``, by Debian's naming rule:
    ``libxcb-cursor.so.0`` is in ``libxcb-cursor0``, ``libxkbcommon-x11.so.0`` in ``libxkbcommon-x11-0``."""
    match = re.match(r"^(lib.+?)\.so\.(\d+)", soname)
    if match is None:
        return soname
    name, version = match.group(1).lower(), match.group(2)
    return f"{name}-{version}" if name[-1].isdigit() else f"{name}{version}"


def explain(qt_messages: list[str], missing: list[str], platform: str = "xcb") -> str:
    """What to tell the user, from Qt's own messages (in order) and the libraries found missing."""
    said = "\n".join(qt_messages)
    if missing:
        packages = " ".join(dict.fromkeys(debian_package(name) for name in missing))
        return (
            f"photoclip cannot open its window: Qt's {platform} platform needs "
            f"{'a library that is' if len(missing) == 1 else 'libraries that are'} not installed: "
            f"{', '.join(missing)}.\n\n"
            f"On Debian or Ubuntu, install {'it' if len(missing) == 1 else 'them'} with:\n"
            f"    sudo apt install {packages}\n"
            "(On Fedora: sudo dnf install xcb-util-cursor xcb-util-wm; on Arch: sudo pacman -S xcb-util-cursor "
            "xcb-util-wm.) Then start photoclip again."
        )
    if "could not connect to display" in said:
        display = os.environ.get("DISPLAY")
        where = f"the display {display} did not answer" if display else "DISPLAY is not set"
        return (
            f"photoclip cannot open its window: no X display could be reached ({where}). Start it from a "
            "desktop session, or use the command line (photoclip search ...), which needs no window."
        )
    first = next((line for line in qt_messages if line.strip()), "no message")
    return (
        f"photoclip cannot open its window: Qt could not start its {platform} platform.\n"
        f"Qt said: {first.strip()}\n"
        "Setting QT_QPA_PLATFORM=wayland (or xcb) chooses another one; QT_DEBUG_PLUGINS=1 shows more."
    )


def _platform_name(messages: list[str]) -> str:
    for line in messages:
        found = re.search(r'Qt platform plugin "([^"]+)"', line)
        if found:
            return found.group(1)
    return os.environ.get("QT_QPA_PLATFORM", "xcb").split(":")[0] or "xcb"


def _show_without_qt(message: str) -> None:
    """Puts ``message`` in a window with the desktop's own dialog program, if one is there."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        return
    for dialog in (["zenity", "--error", "--no-markup", "--text"], ["kdialog", "--error"], ["xmessage", "-center"]):
        if shutil.which(dialog[0]):
            try:
                subprocess.run([*dialog, message], timeout=600, capture_output=True)
            except (OSError, subprocess.SubprocessError):
                continue
            return


class PlatformGuard:
    """Listens to Qt's messages while the application starts; if Qt gives up on its platform
    plugin, says why and exits (status 1) before Qt aborts. :meth:`done` once the app is up."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self._installed = False

    def install(self) -> None:
        """Starts listening (before the QApplication is made)."""
        from PySide6.QtCore import qInstallMessageHandler

        qInstallMessageHandler(self._handle)
        self._installed = True

    def done(self) -> None:
        """Qt's messages go where they went before."""
        if self._installed:
            from PySide6.QtCore import qInstallMessageHandler

            qInstallMessageHandler(None)
            self._installed = False

    def _handle(self, _kind: object, context: object, message: str) -> None:
        self.messages.append(message)
        category = getattr(context, "category", "default")
        print(message if category in ("default", None) else f"{category}: {message}", file=sys.stderr, flush=True)
        if QT_GAVE_UP in message:
            platform = _platform_name(self.messages)
            text = explain(self.messages, missing_libraries(plugin_file(platform)), platform)
            print(f"\n{text}", file=sys.stderr, flush=True)
            _show_without_qt(text)
            os._exit(1)  # Qt aborts after this message; a clean exit leaves no core dump
