"""Finding duplicate photos: exact copies by their bytes, near copies by their vectors, each near
pair confirmed by a perceptual check before it is believed.

1. Exact copies: photos whose fingerprints (the SHA-256 of the bytes) are equal; the catalog
   knows them, nothing is read.
2. Near copies (``near=True``): the library's stored vectors (no model is loaded) give each
   picture its :data:`NEIGHBOURS` nearest others at cosine :data:`MIN_COSINE` or more. Identical
   files count once. CLIP-like vectors say "the same kind of picture", not "the same photo", so
   each candidate pair is then looked at (:mod:`photoclip.core.perceptual`, from the grid
   thumbnails): it is a copy only when one picture, after a light edit (brightness; a small hue
   turn for detailed pictures) and perhaps a crop of up to 10% of a side, reproduces the other
   pixel by pixel, colours included, leaving at most :data:`SAME_PICTURE` of its content
   unexplained. Aspect ratios further apart than :data:`CROP_ASPECT` are never one photo, nor
   pictures with next to nothing in them (:data:`PLAIN`: two different shots in the dark).
3. Pairs become groups (union-find: a copy of a copy is in the group), best copy first.

The thresholds were chosen on one generated set and are reported on another
(``python -m photoclip.smallclip.evaluate_duplicates``; figures in the README).
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from photoclip.core.duplicates import SAME_PICTURE, DuplicateGroup, UnionFind, aspect_of, groups_from_sets
from photoclip.core.errors import PhotoclipError
from photoclip.core.perceptual import ENERGY_FLOOR, Signature, compare, signature_of_photo
from photoclip.core.records import IndexMode, PhotoRow, PhotoStatus

if TYPE_CHECKING:
    from photoclip.core.catalog import Catalog
    from photoclip.core.vectors import VectorIndex

log = logging.getLogger(__name__)

#: How many nearest pictures each one is compared with.
NEIGHBOURS = 10
#: Vectors less alike than this are never compared (a hue turn moves a small model's vector far).
MIN_COSINE = 0.5
#: Aspect ratios further apart than this (relative) are never one photo: a crop of up to 10% of
#: one side moves it by 10% at most.
CROP_ASPECT = 0.11
#: A picture whose colours lie nearer its median than this (levels, root mean square) holds less
#: than a copy may leave unexplained (SAME_PICTURE of the content floor, perceptual.ENERGY_FLOOR):
#: any two such pictures pass the check, so pixels can confirm no copy of it. Two different shots
#: in the dark (mean levels 1–4, spread under half a level) were grouped as copies, one "edited".
PLAIN = math.sqrt(SAME_PICTURE) * ENERGY_FLOOR
#: Rows of the similarity matrix computed at once (BLOCK × photos float32).
BLOCK = 256

#: Reports progress: (photos looked at, photos to look at).
Progress = Callable[[int, int], None]


class DuplicateFinder:
    """Finds groups of duplicate photos among a library's readable, reachable photos."""

    def __init__(self, catalog: Catalog, index: VectorIndex | None, thumbnails: Path | None) -> None:
        self.catalog = catalog
        self.index = index
        self.thumbnails = thumbnails

    def find(self, *, near: bool = False, progress: Progress | None = None) -> list[DuplicateGroup]:
        """The groups: exact copies, and with ``near`` resized, re-encoded, cropped or edited ones."""
        sets = UnionFind()
        photos: dict[int, PhotoRow] = {}
        for photo in self.catalog.photos_sharing_fingerprint():
            if photo.online:
                photos[photo.id] = photo
        _join_identical(sets, photos.values())
        signatures: dict[int, Signature] = {}
        if near:
            if self.index is None:
                raise PhotoclipError("Near copies are found by the photos' vectors: index the library first.")
            self._join_near(sets, photos, signatures, progress)
        groups = [_one_per_file(members, photos) for members in sets.sets()]
        return groups_from_sets(groups, photos, _by_photo(signatures, photos))

    # -- near copies -------------------------------------------------------------------------
    def _join_near(
        self, sets: UnionFind, photos: dict[int, PhotoRow], signatures: dict[int, Signature], progress: Progress | None
    ) -> None:
        assert self.index is not None
        rows = [
            p
            for p in self.catalog.photos_by_ids(self.index.ids().tolist())
            if p.online and p.status == PhotoStatus.OK and p.fingerprint
        ]
        # One picture per fingerprint: identical files would fill each other's neighbour lists.
        first: dict[str, PhotoRow] = {}
        for photo in rows:
            photos.setdefault(photo.id, photo)
            first.setdefault(photo.fingerprint or "", photo)
        representative = {p.id: first[p.fingerprint or ""].id for p in rows}
        _join_identical(sets, rows)
        ids, vectors = self.index.get_vectors(sorted({r.id for r in first.values()}))
        if len(ids) < 2:
            return
        a, b, _cosine = self._candidates(ids, vectors, representative)
        wanted = sorted({int(i) for i in np.concatenate([a, b])})
        signatures.update(self._signatures([photos[i] for i in wanted], progress))
        for x, y in zip(a.tolist(), b.tolist(), strict=True):
            left, right = signatures.get(x), signatures.get(y)
            if left is None or right is None:
                continue
            if _same_picture(left, right, photos[x], photos[y]):
                sets.join(x, y)

    def _candidates(
        self, ids: np.ndarray, vectors: np.ndarray, representative: dict[int, int]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Pairs (id a < id b, cosine) of pictures among each other's nearest."""
        assert self.index is not None
        if self.index.mode == IndexMode.HNSW:
            return _graph_neighbours(self.index, ids, vectors, representative)
        return _exact_neighbours(ids, vectors)

    def _signatures(self, wanted: list[PhotoRow], progress: Progress | None) -> dict[int, Signature]:
        """Signatures of the photos, read on a few threads (JPEG decoding lets go of the GIL)."""

        def one(photo: PhotoRow) -> tuple[int, Signature | None]:
            try:
                return photo.id, signature_of_photo(photo.path, photo.fingerprint, self.thumbnails)
            except (OSError, PhotoclipError) as exc:  # gone or unreadable since it was indexed
                log.info("duplicates: cannot look at %s: %s", photo.path, exc)
                return photo.id, None

        out: dict[int, Signature] = {}
        workers = max(1, min(4, os.cpu_count() or 1))
        with ThreadPoolExecutor(workers, thread_name_prefix="duplicates") as pool:
            for done, (photo_id, signature) in enumerate(pool.map(one, wanted), 1):
                if signature is not None:
                    out[photo_id] = signature
                if progress is not None and (done % 200 == 0 or done == len(wanted)):
                    progress(done, len(wanted))
        return out


def _aspect_difference(a: PhotoRow, b: PhotoRow) -> float:
    """How far apart two photos' aspect ratios are, relative to the larger (1 when unknown)."""
    if not (a.width and a.height and b.width and b.height):
        return 1.0
    ratio_a, ratio_b = a.width / a.height, b.width / b.height
    return abs(ratio_a - ratio_b) / max(ratio_a, ratio_b)


def _same_picture(a: Signature, b: Signature, photo_a: PhotoRow, photo_b: PhotoRow) -> bool:
    """The perceptual check of a candidate pair (the rules are in the module's docstring)."""
    if _aspect_difference(photo_a, photo_b) > CROP_ASPECT:
        return False
    if min(a.spread, b.spread) < PLAIN:
        return False  # a black frame, a blank wall: nothing in it that a copy must reproduce
    match = compare(a, b, aspect_of(photo_a), aspect_of(photo_b), settle=SAME_PICTURE)
    return match.residual <= SAME_PICTURE


def _join_identical(sets: UnionFind, photos: Iterable[PhotoRow]) -> None:
    first: dict[str, int] = {}
    for photo in photos:
        if photo.fingerprint:
            sets.join(first.setdefault(photo.fingerprint, photo.id), photo.id)


def file_identity(path: Path) -> tuple[int, int] | None:
    """The (device, file number) that every name of one file shares (a link, a linked folder, a
    hard link); None when it cannot be told: the file is gone, or its file system numbers no files."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if info.st_ino else None


def _one_per_file(members: Sequence[int], photos: dict[int, PhotoRow]) -> list[int]:
    """The members less those that are another member's file reached by another path (a linked
    folder, a hard link): one file is not a copy of itself, and trashing the "copy" would remove it."""
    if len(members) < 2:
        return list(members)
    seen: set[tuple[int, int]] = set()
    kept = []
    for photo_id in members:
        photo = photos.get(photo_id)
        identity = file_identity(photo.path) if photo is not None else None
        if identity is not None:
            if identity in seen:
                continue
            seen.add(identity)
        kept.append(photo_id)
    return kept


def _by_photo(signatures: dict[int, Signature], photos: dict[int, PhotoRow]) -> dict[int, Signature]:
    """Every photo's signature: identical files share the one looked at."""
    by_fingerprint = {photos[i].fingerprint: s for i, s in signatures.items() if i in photos}
    out = dict(signatures)
    for photo in photos.values():
        if photo.id not in out and photo.fingerprint in by_fingerprint:
            out[photo.id] = by_fingerprint[photo.fingerprint]
    return out


def _pairs(a: np.ndarray, b: np.ndarray, cosine: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each unordered pair once (smaller id first), at or above :data:`MIN_COSINE`."""
    keep = (cosine >= MIN_COSINE) & (a != b)
    a, b, cosine = a[keep], b[keep], cosine[keep]
    if not len(a):
        return a, b, cosine
    low, high = np.minimum(a, b), np.maximum(a, b)
    _, first = np.unique(np.stack([low, high], axis=1), axis=0, return_index=True)
    first = np.sort(first)
    return low[first], high[first], cosine[first]


def _exact_neighbours(ids: np.ndarray, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nearest pictures by a blocked matrix product (exact; libraries searched exactly)."""
    count = len(ids)
    k = min(NEIGHBOURS, count - 1)
    left, right, scores = [], [], []
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    for start in range(0, count, BLOCK):
        block = matrix[start : start + BLOCK] @ matrix.T
        rows = np.arange(start, start + len(block))
        block[rows - start, rows] = -np.inf  # not itself
        top = np.argpartition(-block, k - 1, axis=1)[:, :k]
        left.append(np.repeat(ids[rows], k))
        right.append(ids[top.ravel()])
        scores.append(np.take_along_axis(block, top, axis=1).ravel())
    return _pairs(np.concatenate(left), np.concatenate(right), np.concatenate(scores))


def _graph_neighbours(
    index: VectorIndex, ids: np.ndarray, vectors: np.ndarray, representative: dict[int, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nearest pictures by the index's HNSW graph (libraries too large for the matrix product)."""
    from photoclip.core.vectors import EF_IMAGE

    left, right, scores = [], [], []
    for photo_id, vector in zip(ids.tolist(), vectors, strict=True):
        # Identical files and offline photos take places in the answer: ask for a few more.
        found, similarity = index.search(vector, NEIGHBOURS * 2 + 1, ef=EF_IMAGE)
        for other, score in zip(found.tolist(), similarity.tolist(), strict=True):
            rep = representative.get(other)
            if rep is not None and rep != photo_id:
                left.append(photo_id)
                right.append(rep)
                scores.append(score)
    return _pairs(np.asarray(left, np.int64), np.asarray(right, np.int64), np.asarray(scores, np.float32))
