"""When Qt cannot open a window: the message names what is missing and how to install it, from Qt's
real messages, and the app exits with it instead of aborting. The real Qt, started for real."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

# What Qt 6.11 prints, word for word, when its xcb plugin cannot load (here: libxcb-cursor0 and
# libxcb-icccm4 not installed), and when there is no X display at all. Its first line blames
# xcb-cursor0 in both cases.
QT_MISSING_LIBRARIES = [
    "From 6.5.0, xcb-cursor0 or libxcb-cursor0 is needed to load the Qt xcb platform plugin.",
    'Could not load the Qt platform plugin "xcb" in "" even though it was found.',
    "This application failed to start because no Qt platform plugin could be initialized. Reinstalling the "
    "application may fix this problem.\n\nAvailable platform plugins are: minimal, linuxfb, offscreen, xcb, "
    "wayland-egl, wayland, eglfs, vnc, vkkhrdisplay, minimalegl.\n",
]
QT_NO_DISPLAY = ["could not connect to display ", *QT_MISSING_LIBRARIES]

START_APP = "from photoclip.gui.launch import main; main()"


def test_missing_libraries_are_named_with_the_command_that_installs_them():
    from photoclip.gui.qt_platform import explain

    text = explain(QT_MISSING_LIBRARIES, ["libxcb-cursor.so.0", "libxcb-icccm.so.4"])
    assert "libxcb-cursor.so.0, libxcb-icccm.so.4" in text
    assert "sudo apt install libxcb-cursor0 libxcb-icccm4" in text


def test_without_a_display_the_message_says_so_and_blames_no_library(monkeypatch):
    from photoclip.gui.qt_platform import explain

    monkeypatch.delenv("DISPLAY", raising=False)
    text = explain(QT_NO_DISPLAY, [])
    assert "no X display" in text and "DISPLAY is not set" in text
    assert "apt install" not in text and "cursor" not in text


def test_debian_packages_are_named_from_the_library_names():
    from photoclip.gui.qt_platform import debian_package

    assert [debian_package(n) for n in ("libxcb-cursor.so.0", "libxkbcommon-x11.so.0", "libX11-xcb.so.1")] == [
        "libxcb-cursor0",
        "libxkbcommon-x11-0",
        "libx11-xcb1",
    ]


def _start(tmp_path: Path, wrap: list[str] | None = None) -> subprocess.CompletedProcess:
    """Starts the desktop app on Qt's X11 platform with no display (so no window could stay open)."""
    env = {**os.environ, "PHOTOCLIP_LIBRARY": str(tmp_path / "library"), "QT_QPA_PLATFORM": "xcb"}
    env.pop("DISPLAY", None)
    return subprocess.run(
        [*(wrap or []), sys.executable, "-c", START_APP],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Qt's xcb platform is Linux's")
def test_the_app_without_a_display_exits_with_the_reason_instead_of_aborting(tmp_path):
    result = _start(tmp_path)
    assert result.returncode == 1, result.stderr  # not 134: Qt's abort
    assert "photoclip cannot open its window: no X display could be reached" in result.stderr


@pytest.fixture
def without_xcb_cursor_and_icccm(tmp_path):
    """A command prefix that runs a program where libxcb-cursor and libxcb-icccm are not installed:
    a private mount namespace whose library folder is an overlay hiding them (needs root and
    overlayfs; skips with the reason otherwise)."""
    libs = Path("/usr/lib/x86_64-linux-gnu")
    hidden = sorted(p.name for p in libs.glob("libxcb-cursor.so*")) + sorted(
        p.name for p in libs.glob("libxcb-icccm.so*")
    )
    if not hidden or not shutil.which("unshare") or os.geteuid() != 0:
        pytest.skip("needs root, unshare and the X11 libraries installed in /usr/lib/x86_64-linux-gnu")
    upper, work = tmp_path / "upper", tmp_path / "work"
    upper.mkdir()
    work.mkdir()
    for name in hidden:
        os.mknod(upper / name, 0o600 | 0o020000, os.makedev(0, 0))  # an overlay "whiteout": the file is gone
    script = f'mount -t overlay overlay -o lowerdir={libs},upperdir={upper},workdir={work} {libs} && exec "$@"'
    probe = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot mount an overlay here: {probe.stderr.strip()}")
    return ["unshare", "-m", "sh", "-c", script, "sh"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Qt's xcb platform is Linux's")
def test_missing_x11_libraries_are_named_when_the_app_starts(tmp_path, without_xcb_cursor_and_icccm):
    result = _start(tmp_path, wrap=without_xcb_cursor_and_icccm)
    assert result.returncode == 1, result.stderr
    assert "xcb-cursor0 or libxcb-cursor0 is needed" in result.stderr  # Qt's own words are kept
    assert "not installed: libxcb-cursor.so.0, libxcb-icccm.so.4" in result.stderr
    assert "sudo apt install libxcb-cursor0 libxcb-icccm4" in result.stderr
