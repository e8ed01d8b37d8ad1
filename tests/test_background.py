"""The background parts on their own: the indexing queue and the folder watcher (real threads, a
real library, real watchdog observers)."""

import shutil
import subprocess
import sys
import threading
import time

from pictures import spec_for, write, write_set

from photoclip.core.index_queue import IndexQueue
from photoclip.core.watcher import FolderWatcher

HOLD_LOCK = (
    "import fcntl, sys\n"
    "handle = open(sys.argv[1], 'a+')\n"
    "fcntl.flock(handle.fileno(), fcntl.LOCK_EX)\n"
    "print('holding', flush=True)\n"
    "sys.stdin.read()\n"
)
CLASSES = [("red", "circle"), ("blue", "square"), ("green", "triangle"), ("yellow", "star")]


def wait_until(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_the_queue_merges_requests_made_while_a_run_goes_on(tmp_path, open_library):
    folder = tmp_path / "photos"
    write_set(folder, CLASSES, 3)
    library = open_library()
    root = library.add_root(folder)
    reports, busy, started = [], [], threading.Event()

    def progress(p):
        if p.phase == "indexing":
            started.set()

    queue = IndexQueue(library, on_progress=progress, on_finished=reports.append, on_busy=busy.append)
    try:
        queue.scan_all()
        assert started.wait(60)
        for folder_name in ("a", "b", "c", "a"):  # four requests during the run...
            queue.rescan({root.id: [folder_name]})
        assert wait_until(queue.idle)
        assert len(reports) == 2  # ...became one more run, not four
        assert reports[0].embedded == 12 and not queue.busy
        assert busy[0] is True and busy[-1] is False
    finally:
        queue.shutdown()


def test_cancel_stops_the_run_keeps_its_work_and_drops_what_was_queued(tmp_path, open_library):
    folder = tmp_path / "photos"
    write_set(folder, CLASSES, 6)
    library = open_library()
    library.settings.set("batch_size", 2)
    root = library.add_root(folder)
    reports, indexing = [], threading.Event()

    def progress(p):
        if p.phase == "indexing" and p.done >= 4:
            indexing.set()

    queue = IndexQueue(library, on_progress=progress, on_finished=reports.append)
    try:
        queue.scan_all()
        assert indexing.wait(60)
        queue.rescan({root.id: [""]})
        queue.cancel()
        assert wait_until(queue.idle)
        assert len(reports) == 1 and reports[0].cancelled
        kept = reports[0].embedded
        assert 0 < kept < 24 and library.status().embedded == kept  # what was done stays
        queue.scan_all()  # and the next run carries on
        assert wait_until(lambda: len(reports) == 2 and queue.idle())
        assert library.status().embedded == 24
    finally:
        queue.shutdown()


def test_pause_holds_the_run_until_resumed(tmp_path, open_library):
    folder = tmp_path / "photos"
    write_set(folder, CLASSES, 4)
    library = open_library()
    library.settings.set("batch_size", 2)
    library.add_root(folder)
    seen, reports = [], []
    queue = IndexQueue(library, on_progress=seen.append, on_finished=reports.append)
    try:
        queue.set_paused(True)
        queue.scan_all()
        assert wait_until(lambda: any(p.paused for p in seen))
        done_when_paused = max(p.done for p in seen)
        time.sleep(0.5)
        assert max(p.done for p in seen) == done_when_paused and not reports
        queue.set_paused(False)
        assert wait_until(lambda: bool(reports))
        assert reports[0].embedded == 16 and not reports[0].cancelled
    finally:
        queue.shutdown()


def test_a_failed_run_is_reported_and_the_queue_keeps_working(tmp_path, open_library):
    library = open_library()
    failures, reports = [], []
    queue = IndexQueue(library, on_failed=failures.append, on_finished=reports.append)
    try:
        folder = tmp_path / "photos"
        write_set(folder, CLASSES[:1], 2)
        root = library.add_root(folder)
        # Another process is updating the library (it holds the writer lock).
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, str(library.writer_lock.path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert holder.stdout.readline().strip() == b"holding"
        queue.scan_all()
        assert wait_until(lambda: bool(failures))
        assert "updating the library" in failures[0]
        holder.communicate(b"done")
        queue.rescan({root.id: [""]})
        assert wait_until(lambda: bool(reports))
        assert reports[0].embedded == 2
    finally:
        queue.shutdown()


def test_the_watcher_turns_a_burst_of_changes_into_one_rescan_of_the_outermost_folders(tmp_path, open_library):
    folder = tmp_path / "photos"
    (folder / "trip" / "day1").mkdir(parents=True)
    library = open_library()
    root = library.add_root(folder)
    calls = []
    watcher = FolderWatcher(calls.append, debounce_s=0.5, poll_s=60)
    watcher.start()
    try:
        watcher.set_roots([root])
        time.sleep(0.3)
        for k in range(6):  # a burst: files in a folder and its sub-folder, and a file that is no photo
            write(folder / "trip" / "day1", f"p{k}", spec_for("red", "circle", k))
        write(folder / "trip", "top", spec_for("blue", "star", 9))
        (folder / "trip" / "notes.txt").write_text("not a photo")
        assert wait_until(lambda: bool(calls), 10)
        time.sleep(1.0)
        assert len(calls) == 1  # one quiet burst, one rescan
        assert calls[0] == {root.id: ["trip"]}  # the sub-folder is covered by its parent
    finally:
        watcher.stop()


def test_the_watcher_notices_a_folder_that_goes_offline_and_comes_back(tmp_path, open_library):
    folder = tmp_path / "drive"
    write_set(folder, CLASSES[:1], 2)
    library = open_library()
    root = library.add_root(folder)
    calls = []
    watcher = FolderWatcher(calls.append, debounce_s=0.2, poll_s=0.3)
    watcher.start()
    try:
        watcher.set_roots([root])
        time.sleep(0.5)
        calls.clear()
        shutil.move(folder, tmp_path / "unplugged")
        assert wait_until(lambda: {root.id: [""]} in calls, 10)
        calls.clear()
        shutil.move(tmp_path / "unplugged", folder)
        assert wait_until(lambda: {root.id: [""]} in calls, 10)
    finally:
        watcher.stop()
