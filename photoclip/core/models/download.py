"""Fetching model files from the Hugging Face Hub: once, resumable, verified.

``huggingface_hub`` resolves the file: its URL on the Hub or a mirror, the redirect to the CDN,
its size and digest (the Hub's ETag: the SHA-256 of an LFS file, the git blob SHA-1 of a small
one), and the user's token if they have one. The bytes themselves are fetched here, into a
``.part`` file that survives an interrupted run: a broken connection is retried from where it
stopped, and the next run carries on from the bytes already on disk (the hub client's own transfer
starts over in a new temporary file each time). Retries are bounded: attempts that bring no new
bytes wait longer each time and end the download after a few; and nothing past the announced size
is ever written (a server that sends more is cut off and its partial file deleted). The finished
file must match the announced digest and any digest pinned in the registry; a file that does not
is deleted, never loaded. ``PHOTOCLIP_HF_ENDPOINT`` (or the hub client's ``HF_ENDPOINT``) names a
mirror. :func:`download_weights` fetches one weights file; :mod:`photoclip.core.models.onnx_fetch`
fetches several files of a repository through the same :func:`fetch_verified`.
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
from dataclasses import dataclass, field
from pathlib import Path

from photoclip.core.errors import ModelError
from photoclip.core.models.registry import ModelSpec

ENDPOINT_ENV = "PHOTOCLIP_HF_ENDPOINT"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_GIT_SHA1 = re.compile(r"^[0-9a-f]{40}$")  # a small (non-LFS) file's ETag: sha1(b"blob <size>\0" + content)
_PART_SUFFIX = re.compile(r"(\.[0-9a-f]{16})?\.part$")
_CHUNK = 1 << 20
_RETRIES = 5  # attempts in a row that bring no new bytes before the download gives up
_FIRST_BACKOFF_S = 0.5  # the wait after the first such attempt; it doubles with each one after it
_MAX_BACKOFF_S = 8.0

#: progress(bytes_done, bytes_total or None)
DownloadProgress = Callable[[int, int | None], None]


class DownloadCancelled(ModelError):
    """The user stopped the download; the partial file is kept for the next try."""


class NotOnServer(Exception):
    """The repository has no file of that name."""


@dataclass(frozen=True)
class FailureAdvice:
    """What is being downloaded, as the messages of a failed download name it."""

    what: str  # "the ViT-B-32/laion2b_s34b_b79k model"
    by_hand: str  # how to get it without this download: "download URL on another machine and run: ..."


@dataclass(frozen=True)
class RemoteFile:
    """One file on the Hub as it was announced: where to GET it, its size and its digest."""

    name: str  # its path in the repository
    url: str
    size: int | None
    digest: str | None  # SHA-256 (LFS) or git blob SHA-1 (small files); None when the ETag is neither
    headers: dict[str, str] = field(default_factory=dict)


def hub_endpoint() -> str | None:
    """The Hub (or mirror) URL to use, or None for the hub client's default."""
    return os.environ.get(ENDPOINT_ENV) or os.environ.get("HF_ENDPOINT") or None


def verified_marker(path: Path) -> Path:
    """The file beside a downloaded file that records its verified SHA-256."""
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
    advice = FailureAdvice(
        what=f"the {spec.id} model",
        by_hand=f"download https://huggingface.co/{spec.hf_repo}/resolve/main/{spec.filenames[0]} on another "
        "machine and run: photoclip --weights FILE ...",
    )
    missing = []
    for filename in spec.filenames:
        try:
            remote = resolve_remote(spec.hf_repo or "", filename, endpoint, advice)
        except NotOnServer:
            missing.append(filename)
            continue
        expected = trusted_digests(remote, (spec.sha256 or {}).get(filename))
        return fetch_verified(remote, target_dir / filename, expected, progress=progress, cancel=cancel, advice=advice)
    raise ModelError(f"The server has no weights file for {spec.id} (tried {', '.join(missing)}).")


def resolve_remote(repo: str, filename: str, endpoint: str | None, advice: FailureAdvice) -> RemoteFile:
    """Asks the Hub where a file of ``repo`` is, how big it is and what its digest is.

    Raises :class:`NotOnServer` when the repository has no such file, and :class:`ModelError` with
    the network message when the Hub cannot be asked.
    """
    try:
        from huggingface_hub import get_hf_file_metadata, hf_hub_url
        from huggingface_hub.utils import build_hf_headers
    except ImportError as exc:  # pragma: no cover - a dependency of photoclip
        raise ModelError("huggingface_hub is not installed; reinstall photoclip.") from exc
    try:
        meta = get_hf_file_metadata(hf_hub_url(repo, filename, endpoint=endpoint), endpoint=endpoint)
    except Exception as exc:
        if _is_missing_file(exc):
            raise NotOnServer(filename) from exc
        raise ModelError(_network_message(advice, exc)) from exc
    etag = (meta.etag or "").lower()
    digest = etag if _SHA256.match(etag) or _GIT_SHA1.match(etag) else None
    return RemoteFile(filename, meta.location, meta.size, digest, dict(build_hf_headers()))


def trusted_digests(remote: RemoteFile, pinned_sha256: str | None = None) -> set[str]:
    """The digests the finished file must match: the server's and the pinned one.

    Refuses (:class:`ModelError`) a file with neither, and one whose size was not announced:
    without a size nothing bounds what the server may stream onto the disk.
    """
    expected = {d.lower() for d in (remote.digest, pinned_sha256) if d}
    if not expected:
        raise ModelError(f"The server gave no checksum for {remote.name}; it was not trusted. Try again later.")
    _require_size(remote)
    return expected


def _require_size(remote: RemoteFile) -> int:
    if not remote.size:
        raise ModelError(f"The server gave no size for {remote.name}; it was not trusted. Try again later.")
    return remote.size


def fetch_verified(
    remote: RemoteFile,
    target: Path,
    expected: set[str],
    *,
    progress: DownloadProgress | None,
    cancel: threading.Event | None,
    advice: FailureAdvice,
) -> Path:
    """Downloads (or resumes) ``remote`` into ``target``, verifies it and leaves its marker beside it.

    The bytes go into ``<target>.<digest>.part`` first; only a file matching every digest in
    ``expected`` is renamed to ``target``. ``progress`` gets this file's bytes and size.
    """
    size = _require_size(remote)
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f"{target.name}.{sorted(expected)[0][:16]}.part")
    _fetch(remote.url, part, size, remote.headers, progress, cancel, advice)
    sha256 = verify_file(part, expected)
    os.replace(part, target)
    verified_marker(target).write_text(sha256 + "\n")
    return target


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
    advice: FailureAdvice,
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
            _fetch_once(url, part, have, size, headers, progress, cancel, advice)
        except (DownloadCancelled, _TooLarge):
            raise
        except urllib.error.HTTPError as exc:
            if exc.code != 416:
                raise ModelError(_network_message(advice, exc)) from exc
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
            raise ModelError(_network_message(advice, problem)) from problem
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
    advice: FailureAdvice,
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
                        f"The server sent more than the {size:,} bytes it announced for {name} of {advice.what}, "
                        "so the download was stopped and its partial file deleted. Run the command again later "
                        f"or name another mirror in {ENDPOINT_ENV}; or {advice.by_hand}"
                    )
                out.write(block)
                done += len(block)
                if progress is not None:
                    progress(done, size)


def verify_file(path: Path, expected: set[str]) -> str:
    """Checks a downloaded file against every digest in ``expected`` and returns its SHA-256.

    A 64-hex digest is a SHA-256; a 40-hex one is the git blob SHA-1 the Hub gives small files.
    A file that misses any of them is deleted, and :class:`ModelError` says so.
    """
    size = path.stat().st_size
    sha256 = hashlib.sha256()
    git_sha1 = hashlib.sha1(b"blob %d\0" % size, usedforsecurity=False)  # git's object id
    with open(path, "rb") as handle:
        while block := handle.read(8 << 20):
            sha256.update(block)
            git_sha1.update(block)
    actual = {"SHA-256": sha256.hexdigest(), "git blob SHA-1": git_sha1.hexdigest()}
    for wanted in sorted(expected):
        kind = "git blob SHA-1" if _GIT_SHA1.match(wanted) else "SHA-256"
        if actual[kind] != wanted:
            path.unlink(missing_ok=True)
            raise ModelError(
                f"The downloaded file {_PART_SUFFIX.sub('', path.name)} is corrupt or not the expected file (its "
                f"{kind} {actual[kind][:12]}… does not match {wanted[:12]}…). It was deleted; run the command "
                "again to download it afresh."
            )
    return actual["SHA-256"]


def _network_message(advice: FailureAdvice, exc: Exception) -> str:
    detail = str(exc).splitlines()[0][:200] if str(exc) else ""
    return (
        f"Could not download {advice.what} ({type(exc).__name__}: {detail}).\n"
        f"  • Check the network connection and run the command again: a partial download resumes.\n"
        f"  • Or {advice.by_hand}\n"
        f"  • Or use the demo model that ships with photoclip: photoclip --model photoclip-tiny ..."
    )
