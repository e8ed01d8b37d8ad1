"""Fetching model weights from the Hugging Face Hub: once, resumable, verified.

``huggingface_hub`` resolves the file: its URL on the Hub or a mirror, the redirect to the CDN,
its size and SHA-256 (the Hub's LFS etag), and the user's token if they have one. The bytes
themselves are fetched here, into a ``.part`` file that survives an interrupted run: a broken
connection is retried from where it stopped, and the next run carries on from the bytes already
on disk (the hub client's own transfer starts over in a new temporary file each time). Retries
are bounded: attempts that bring no new bytes wait longer each time and end the download after a
few; and nothing past the announced size is ever written (a server that sends more is cut off and
its partial file deleted). The finished file must match the announced SHA-256 and any digest
pinned in the registry; a file that does not is deleted, never loaded. ``PHOTOCLIP_HF_ENDPOINT``
(or the hub client's ``HF_ENDPOINT``) names a mirror.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from photoclip.core.errors import ModelError
from photoclip.core.models.registry import ModelSpec

ENDPOINT_ENV = "PHOTOCLIP_HF_ENDPOINT"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_PART_SUFFIX = re.compile(r"(\.[0-9a-f]{16})?\.part$")
_CHUNK = 1 << 20
_RETRIES = 5  # attempts in a row that bring no new bytes before the download gives up
_FIRST_BACKOFF_S = 0.5  # the wait after the first such attempt; it doubles with each one after it
_MAX_BACKOFF_S = 8.0

#: progress(bytes_done, bytes_total or None)
DownloadProgress = Callable[[int, int | None], None]


class DownloadCancelled(ModelError):
    """The user stopped the download; the partial file is kept for the next try."""


def hub_endpoint() -> str | None:
    """The Hub (or mirror) URL to use, or None for the hub client's default."""
    return os.environ.get(ENDPOINT_ENV) or os.environ.get("HF_ENDPOINT") or None


def verified_marker(path: Path) -> Path:
    """The file beside a weights file that records its verified digest."""
    return path.with_name(path.name + ".sha256")


def local_weights(spec: ModelSpec) -> Path | None:
    """The verified weights file of ``spec`` in the user cache, if it is there."""
    for name in spec.filenames:
        path = spec.download_dir / name
        if path.is_file() and verified_marker(path).is_file():
            return path
    return None


def sha256_of(path: Path, chunk: int = 8 << 20) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def download_weights(
    spec: ModelSpec,
    *,
    progress: DownloadProgress | None = None,
    cancel: threading.Event | None = None,
    endpoint: str | None = None,
    target_dir: Path | None = None,
) -> Path:
    """Downloads (or resumes) the weights of ``spec`` and returns the verified file.

    Raises :class:`ModelError` saying what to do when there is no network or the file is corrupt,
    and :class:`DownloadCancelled` when ``cancel`` is set (the partial file is kept).
    """
    if spec.bundled:
        raise ModelError(f"{spec.id} ships with photoclip and is never downloaded.")
    endpoint = endpoint or hub_endpoint()
    target_dir = target_dir or spec.download_dir
    target_dir.mkdir(parents=True, exist_ok=True)
    missing = []
    for filename in spec.filenames:
        try:
            url, size, digest, headers = _resolve(spec, filename, endpoint)
        except _NotOnServer:
            missing.append(filename)
            continue
        target = target_dir / filename
        expected = {d for d in (digest, (spec.sha256 or {}).get(filename)) if d}
        if not expected:
            raise ModelError(f"The server gave no checksum for {filename}; it was not trusted. Try again later.")
        if not size:
            # Without an announced size nothing bounds what the server may stream onto the disk.
            raise ModelError(f"The server gave no size for {filename}; it was not trusted. Try again later.")
        part = target_dir / f"{filename}.{sorted(expected)[0][:16]}.part"
        _fetch(url, part, size, headers, progress, cancel, spec)
        verify_file(part, expected)
        os.replace(part, target)
        verified_marker(target).write_text(sha256_of(target) + "\n")
        return target
    raise ModelError(f"The server has no weights file for {spec.id} (tried {', '.join(missing)}).")


class _NotOnServer(Exception):
    """The repository has no file of that name."""


def _resolve(spec: ModelSpec, filename: str, endpoint: str | None) -> tuple[str, int | None, str | None, dict]:
    """Asks the Hub where the file is, how big it is and what its SHA-256 is."""
    try:
        from huggingface_hub import get_hf_file_metadata, hf_hub_url
        from huggingface_hub.utils import build_hf_headers
    except ImportError as exc:  # pragma: no cover - a dependency of photoclip
        raise ModelError("huggingface_hub is not installed; reinstall photoclip.") from exc
    try:
        meta = get_hf_file_metadata(hf_hub_url(spec.hf_repo or "", filename, endpoint=endpoint), endpoint=endpoint)
    except Exception as exc:
        if _is_missing_file(exc):
            raise _NotOnServer(filename) from exc
        raise ModelError(_network_message(spec, exc)) from exc
    digest = meta.etag if meta.etag and _SHA256.match(meta.etag) else None
    return meta.location, meta.size, digest, dict(build_hf_headers())


def _is_missing_file(exc: Exception) -> bool:
    names = {cls.__name__ for cls in type(exc).__mro__}
    if "LocalEntryNotFoundError" in names:  # "not in the cache and no network", not "no such file"
        return False
    return bool(names & {"RemoteEntryNotFoundError", "EntryNotFoundError"})


def _fetch(
    url: str,
    part: Path,
    size: int,
    headers: dict,
    progress: DownloadProgress | None,
    cancel: threading.Event | None,
    spec: ModelSpec,
) -> None:
    """Downloads ``url`` into ``part``, continuing from what it already holds.

    An attempt that leaves the part file larger than it has ever been is progress, and the next
    one starts at once. One that does not (an error, or a server that answers every range with the
    same few bytes) is a stall: the next waits longer, and after ``_RETRIES`` stalls in a row the
    download gives up with the network message instead of asking again forever.
    """
    have = part.stat().st_size if part.exists() else 0
    if have > size:
        part.unlink()
        have = 0
    best = have
    stalls = 0
    while have < size:
        problem: Exception | None = None
        try:
            _fetch_once(url, part, have, size, headers, progress, cancel, spec)
        except (DownloadCancelled, _TooLarge):
            raise
        except urllib.error.HTTPError as exc:
            if exc.code != 416:
                raise ModelError(_network_message(spec, exc)) from exc
            part.unlink(missing_ok=True)  # asked for bytes past the end: the part file is stale
            problem = exc
        except (TimeoutError, OSError, http.client.HTTPException) as exc:
            problem = exc
        have = part.stat().st_size if part.exists() else 0
        if have > best:
            best = have
            stalls = 0
            continue
        stalls += 1
        if stalls > _RETRIES:
            problem = problem or ConnectionError(
                f"the server stopped at {have:,} of {size:,} bytes {stalls} times in a row"
            )
            raise ModelError(_network_message(spec, problem)) from problem
        time.sleep(min(_FIRST_BACKOFF_S * 2 ** (stalls - 1), _MAX_BACKOFF_S))


class _TooLarge(ModelError):
    """The server sent more bytes than it announced for the file."""


def _fetch_once(
    url: str,
    part: Path,
    have: int,
    size: int,
    headers: dict,
    progress: DownloadProgress | None,
    cancel: threading.Event | None,
    spec: ModelSpec,
) -> None:
    """One GET: appends to ``part`` from byte ``have`` (or rewrites it if the server ignores the range).

    Never writes past ``size``: it reads at most one byte more than the file can still hold, and a
    server that has that byte to give is sending something else (or endless data), so the part
    file is deleted and :class:`_TooLarge` raised before that byte reaches the disk.
    """
    request = urllib.request.Request(url, headers={**headers, "Accept-Encoding": "identity"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    with urllib.request.urlopen(request, timeout=30) as response:
        if have and response.status != 206:
            have = 0  # the server ignored the range: start again
        with open(part, "ab" if have else "wb") as out:
            done = have
            while block := response.read(min(_CHUNK, size - done + 1)):
                if cancel is not None and cancel.is_set():
                    raise DownloadCancelled("Download stopped; it carries on from here next time.")
                if done + len(block) > size:
                    out.close()
                    part.unlink(missing_ok=True)
                    name = _PART_SUFFIX.sub("", part.name)
                    raise _TooLarge(
                        f"The server sent more than the {size:,} bytes it announced for {name} of the {spec.id} "
                        "model, so the download was stopped and its partial file deleted. Run the command again "
                        f"later or name another mirror in {ENDPOINT_ENV}; or download the file on another machine "
                        "and run: photoclip --weights FILE ..."
                    )
                out.write(block)
                done += len(block)
                if progress is not None:
                    progress(done, size)


def verify_file(path: Path, expected: set[str]) -> None:
    """Checks a downloaded file against its digests; deletes it and raises if it does not match."""
    actual = sha256_of(path)
    if actual not in expected:
        path.unlink(missing_ok=True)
        raise ModelError(
            f"The downloaded file {_PART_SUFFIX.sub('', path.name)} is corrupt (SHA-256 {actual[:12]}… does not "
            f"match {sorted(expected)[0][:12]}…). It was deleted; run the command again to download it afresh."
        )


def _network_message(spec: ModelSpec, exc: Exception) -> str:
    url = f"https://huggingface.co/{spec.hf_repo}/resolve/main/{spec.filenames[0]}"
    detail = str(exc).splitlines()[0][:200] if str(exc) else ""
    return (
        f"Could not download the {spec.id} model ({type(exc).__name__}: {detail}).\n"
        f"  • Check the network connection and run the command again: a partial download resumes.\n"
        f"  • Or download {url} on another machine and run: photoclip --weights FILE ...\n"
        f"  • Or use the demo model that ships with photoclip: photoclip --model photoclip-tiny ..."
    )
