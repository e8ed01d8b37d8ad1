"""Entry script of the frozen desktop app (PyInstaller starts here).

Started from a desktop entry, the Start menu or the Dock, the app has no terminal: on Windows its
``sys.stdout`` and ``sys.stderr`` are None, elsewhere they go wherever the desktop session sends
them, where nobody looks. So, unless it was started from a terminal, what the app and Qt print goes
to a log file (``$PHOTOCLIP_LOG``, or ``photoclip-gui.log`` in the platform's log folder), and an
error that stops it at start is also shown in a window that names that file.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import shutil
import subprocess
import sys
import time
import traceback
from pathlib import Path

LOG_ENV = "PHOTOCLIP_LOG"
LOG_LIMIT = 1_000_000  # bytes; past this the old log is kept as photoclip-gui.log.1 and a new one begun


def log_path() -> Path | None:
    """Where output goes: ``$PHOTOCLIP_LOG``, else None when a terminal shows it, else the log folder."""
    chosen = os.environ.get(LOG_ENV)
    if chosen:
        return Path(chosen).expanduser()
    try:
        if sys.stderr is not None and sys.stderr.isatty():
            return None
    except (AttributeError, ValueError, OSError):
        pass
    import platformdirs

    return Path(platformdirs.user_log_dir("photoclip", appauthor=False)) / "photoclip-gui.log"


def send_output_to(path: Path) -> None:
    """Points Python's streams and file descriptors 1 and 2 (where Qt writes) at the log file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.stat().st_size > LOG_LIMIT:
        path.replace(path.with_name(path.name + ".1"))
    # Left open for the life of the process: it is where the process writes from now on.
    log = open(path, "a", buffering=1, encoding="utf-8", errors="backslashreplace")  # noqa: SIM115
    from photoclip import __version__

    log.write(f"\n== photoclip-gui {__version__} started {time.strftime('%Y-%m-%d %H:%M:%S')} ==\n")
    for descriptor in (1, 2):
        # A Windows GUI process may have no such descriptor to replace; Python's streams still go there.
        with contextlib.suppress(OSError):
            os.dup2(log.fileno(), descriptor)
    sys.stdout = sys.stderr = log
    faulthandler.enable(log)  # a crash in Qt or a native library leaves its trace here too


def show_error(message: str) -> None:
    """Puts ``message`` in a window: Qt's when it is up, else the platform's own dialog if there is one."""
    try:
        from PySide6.QtWidgets import QApplication, QMessageBox

        if QApplication.instance() is not None:
            QMessageBox.critical(None, "photoclip", message)
            return
    except Exception:
        pass  # Qt itself may be what failed
    try:
        if sys.platform == "win32":
            import ctypes

            ctypes.windll.user32.MessageBoxW(None, message, "photoclip", 0x10)
        elif sys.platform == "darwin":
            text = message.replace("\\", "\\\\").replace('"', '\\"')
            subprocess.run(["osascript", "-e", f'display alert "photoclip" message "{text}" as critical'], timeout=600)
        else:
            for dialog in (["zenity", "--error", "--no-markup", "--text"], ["kdialog", "--error"], ["xmessage"]):
                if shutil.which(dialog[0]):
                    subprocess.run([*dialog, message], timeout=600)
                    return
    except Exception:
        pass  # the log file holds the message whatever happens here


def main() -> None:
    """Sends output to the log when there is no terminal, then runs the app."""
    log = None
    try:
        log = log_path()
        if log is not None:
            send_output_to(log)
    except OSError as exc:
        log = None
        print(f"photoclip: could not open the log file: {exc}", file=sys.stderr or sys.__stderr__)
    try:
        from photoclip.gui.launch import main as run_app

        run_app()
    except Exception as exc:
        if sys.stderr is not None:
            traceback.print_exc()
        where = f"\n\nDetails are in {log}." if log else ""
        show_error(f"photoclip could not start: {exc}{where}")
        sys.exit(1)


if __name__ == "__main__":
    main()
