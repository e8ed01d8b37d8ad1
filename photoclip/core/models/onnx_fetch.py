"""Downloading ready-made ONNX CLIP models from the Hugging Face Hub, in rclip's and Immich's layouts.

A model is several files (two graphs, and for Immich four small JSON files). They are fetched
with the same code as the weights (:func:`photoclip.core.models.download.fetch_verified`: a
``.part`` file that resumes, bounded retries, never past the announced size, the digest checked),
one after the other under one progress report over all of them. Every file is announced before
any byte is fetched, so the total is known from the start and a file missing from the repository
stops the download before it begins. Files already downloaded and verified are not asked for again:
a model that is all there costs no request at all.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath

from photoclip.core.errors import ModelError
from photoclip.core.models.download import (
    DownloadCancelled,
    DownloadProgress,
    FailureAdvice,
    NotOnServer,
    RemoteFile,
    fetch_verified,
    hub_endpoint,
    resolve_remote,
    trusted_digests,
    verified_marker,
)
from photoclip.core.models.onnx_files import MANIFEST, OnnxModelFiles
from photoclip.core.models.onnx_layouts import IMMICH_FILES, immich_files, rclip_files, read_model_folder
from photoclip.core.models.preprocess import PreprocessConfig
from photoclip.core.models.registry import ModelSpec

__all__ = [
    "IMMICH_REPO",
    "RCLIP_FOLDER",
    "RCLIP_REPO",
    "download_repo_files",
    "fetch_immich_model",
    "fetch_rclip_model",
    "read_model_folder",
]

RCLIP_REPO = "yurijmikhalevich/rclip-models"
RCLIP_FOLDER = "ViT-B-32-256-datacomp_s34b_b86k"
IMMICH_REPO = "immich-app/ViT-B-32__laion2b-s34b-b79k"


def download_repo_files(
    repo: str,
    paths: Sequence[str],
    target_dir: Path,
    *,
    progress: DownloadProgress | None = None,
    cancel: threading.Event | None = None,
    endpoint: str | None = None,
    pinned: Mapping[str, str] | None = None,
    label: str = "",
) -> dict[str, Path]:
    """Downloads (or resumes) files of the hub repository ``repo`` into ``target_dir``.

    Each path keeps its place relative to the repository (``visual/model.onnx`` lands in
    ``target_dir/visual/``). ``progress(done, total)`` runs over all files together and never goes
    back; ``total`` is the sum of their sizes. ``pinned`` maps a path to the SHA-256 it must have,
    beside the digest the Hub announces. ``label`` names the download in messages ("the X model").
    Returns each path's local file. Raises :class:`ModelError` (a file the repository lacks, no
    network, a corrupt file, which is deleted) and :class:`DownloadCancelled` (the partial file
    is kept for the next call).
    """
    return _download(repo, paths, target_dir, progress, cancel, endpoint, pinned, label)[0]


def fetch_rclip_model(
    *,
    repo: str = RCLIP_REPO,
    folder: str = RCLIP_FOLDER,
    target_dir: Path,
    model_id: str,
    preprocess: PreprocessConfig,
    dim: int = 0,
    progress: DownloadProgress | None = None,
    cancel: threading.Event | None = None,
    endpoint: str | None = None,
    pinned: Mapping[str, str] | None = None,
) -> OnnxModelFiles:
    """Downloads rclip's ``<folder>/visual.onnx`` and ``<folder>/textual.onnx`` and writes the manifest.

    rclip's repository says nothing about preprocessing, so ``preprocess`` (and ``dim``) come from
    photoclip's registry; its tokenizer vocabulary is the one photoclip bundles.
    """
    paths = [f"{folder}/{name}" for name in ("visual.onnx", "textual.onnx")]
    fetched = _download(repo, paths, target_dir, progress, cancel, endpoint, pinned, f"the {model_id} model")[1]
    files = rclip_files(Path(target_dir), model_id, preprocess, sub=folder, dim=dim)
    return _saved(files, fetched)


def fetch_immich_model(
    *,
    repo: str = IMMICH_REPO,
    target_dir: Path,
    model_id: str,
    progress: DownloadProgress | None = None,
    cancel: threading.Event | None = None,
    endpoint: str | None = None,
    pinned: Mapping[str, str] | None = None,
) -> OnnxModelFiles:
    """Downloads an Immich model repository's graphs and JSON files and writes the manifest.

    The context length, pad token, text cleaning, embedding size and image preprocessing are read
    from the downloaded ``config.json``, ``textual/tokenizer*.json`` and ``visual/preprocess_cfg.json``.
    """
    fetched = _download(repo, IMMICH_FILES, target_dir, progress, cancel, endpoint, pinned, f"the {model_id} model")[1]
    return _saved(immich_files(Path(target_dir), model_id), fetched)


def _download(
    repo: str,
    paths: Sequence[str],
    target_dir: Path,
    progress: DownloadProgress | None,
    cancel: threading.Event | None,
    endpoint: str | None,
    pinned: Mapping[str, str] | None,
    label: str,
) -> tuple[dict[str, Path], set[str]]:
    """:func:`download_repo_files`, also returning the paths that were fetched this time."""
    endpoint = endpoint or hub_endpoint()
    pinned = {path: digest.lower() for path, digest in (pinned or {}).items()}
    targets = {path: Path(target_dir) / _relative(path) for path in paths}
    advice = FailureAdvice(
        what=label or f"the files of {repo}",
        by_hand=f"download {', '.join(targets)} from https://huggingface.co/{repo} on another machine, "
        "keeping their folders, and run: photoclip --weights DIR ...",
    )
    wanted: list[tuple[RemoteFile, set[str]]] = []
    missing = []
    for path, target in targets.items():
        if _verified_before(target, pinned.get(path)):
            continue
        try:
            remote = resolve_remote(repo, path, endpoint, advice)
        except NotOnServer:
            missing.append(path)
            continue
        wanted.append((remote, trusted_digests(remote, pinned.get(path))))
    if missing:
        raise ModelError(
            f"The Hugging Face repository {repo} has no {', '.join(missing)}, which {advice.what} needs; "
            "the repository may have changed. Update photoclip, or choose another model."
        )
    fetching = {remote.name for remote, _ in wanted}
    done = sum(target.stat().st_size for path, target in targets.items() if path not in fetching)
    tally = _Tally(progress, done + sum(remote.size or 0 for remote, _ in wanted))
    tally.report(done)
    for remote, expected in wanted:
        if cancel is not None and cancel.is_set():
            raise DownloadCancelled("Download stopped; it carries on from here next time.")
        fetch_verified(
            remote, targets[remote.name], expected, progress=tally.offset_by(done), cancel=cancel, advice=advice
        )
        done += remote.size or 0
        tally.report(done)
    return targets, fetching


def _relative(path: str) -> PurePosixPath:
    relative = PurePosixPath(path)
    if not path or relative.is_absolute() or ".." in relative.parts:
        raise ValueError(f"not a path inside a repository: {path!r}")
    return relative


def _verified_before(target: Path, pinned: str | None) -> bool:
    """True when ``target`` was downloaded and verified before (and still has the pinned digest)."""
    try:
        recorded = verified_marker(target).read_text().strip() if target.is_file() else None
    except OSError:
        return False
    return recorded is not None and (pinned is None or recorded == pinned)


class _Tally:
    """One progress stream over several files: each file's bytes count after those before it, and
    the stream never goes back (a server that ignores a range restarts a file from zero)."""

    def __init__(self, progress: DownloadProgress | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.shown = -1

    def report(self, done: int) -> None:
        """Reports ``done`` of the total bytes, unless that is no further than already reported."""
        if self.progress is not None and done > self.shown:
            self.shown = done
            self.progress(done, self.total)

    def offset_by(self, before: int) -> DownloadProgress:
        """The progress callback for one file that follows ``before`` bytes of other files."""
        return lambda done, _size: self.report(before + done)


def _saved(files: OnnxModelFiles, fetched: set[str]) -> OnnxModelFiles:
    """Writes ``files``' manifest, keeping the int8 choice of the manifest already there when the
    image graph it was measured on is the one still there (not downloaded again just now)."""
    try:
        before = OnnxModelFiles.load(files.folder) if (files.folder / MANIFEST).is_file() else None
    except (OSError, ValueError, KeyError, TypeError):
        before = None  # a damaged manifest is rewritten; the int8 choice is measured again
    if (
        before is not None
        and files.visual not in fetched
        and before.model_id == files.model_id
        and before.visual == files.visual
        and before.visual_int8
        and (files.folder / before.visual_int8).is_file()
    ):
        files = files.with_changes(visual_int8=before.visual_int8, int8_check=before.int8_check)
    files.save()
    return files


def fetch_onnx_source(
    spec: ModelSpec,
    target_dir: Path,
    *,
    progress: DownloadProgress | None = None,
    cancel: threading.Event | None = None,
    endpoint: str | None = None,
) -> OnnxModelFiles:
    """Downloads the ready-made ONNX graphs the registry names for ``spec`` into ``target_dir``."""
    source = spec.onnx
    if source is None:
        raise ModelError(f"No ready-made ONNX graphs of {spec.id} are published.")
    if source.layout == "rclip":
        return fetch_rclip_model(
            repo=source.repo,
            folder=source.folder,
            target_dir=target_dir,
            model_id=spec.id,
            preprocess=spec.preprocess,
            dim=spec.dim,
            progress=progress,
            cancel=cancel,
            endpoint=endpoint,
            pinned=source.sha256,
        )
    if source.layout == "immich":
        return fetch_immich_model(
            repo=source.repo,
            target_dir=target_dir,
            model_id=spec.id,
            progress=progress,
            cancel=cancel,
            endpoint=endpoint,
            pinned=source.sha256,
        )
    raise ModelError(f"Unknown ONNX layout '{source.layout}' for {spec.id}.")
