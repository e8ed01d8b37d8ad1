"""An open photo library: the one object the command line and the GUI talk to."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from photoclip.core.catalog import Catalog, Root
from photoclip.core.catalog_connection import cannot_write
from photoclip.core.errors import PhotoclipError
from photoclip.core.indexer import Indexer, IndexReport, ProgressCallback
from photoclip.core.library_duplicates import DuplicatesMixin
from photoclip.core.library_folders import FoldersMixin
from photoclip.core.library_history import HistoryMixin
from photoclip.core.library_tags import TagsMixin
from photoclip.core.library_timeline import TimelineMixin
from photoclip.core.lockfile import WriterLock, WriterSection
from photoclip.core.models.download import DownloadProgress
from photoclip.core.models.loaded import LoadedModels
from photoclip.core.models.registry import ModelSpec, get_model
from photoclip.core.named_photo import (
    SIMILAR_TO,
    image_or_named_photo,
    mentions_photo_name,
    named_photo,
    words_after_a_name,
)
from photoclip.core.paths import LibraryPaths, expand_home
from photoclip.core.query import Query, parse_query
from photoclip.core.scanner import is_missing_photo, offline_reason
from photoclip.core.search import Searcher
from photoclip.core.search_notes import names_not_found
from photoclip.core.settings import Settings
from photoclip.core.status import LibraryStatus, RootStatus, UnreachablePath
from photoclip.core.tag_store import TagStore
from photoclip.core.vector_provenance import forget_vectors_of_other_weights, stale_vectors_notes
from photoclip.core.vectors import VectorIndex
from photoclip.core.vocabulary import model_vocabulary

if TYPE_CHECKING:
    from photoclip.core.models.engine import Engine
    from photoclip.core.search_results import SearchResults

log = logging.getLogger(__name__)


class Library(FoldersMixin, TagsMixin, DuplicatesMixin, TimelineMixin, HistoryMixin):
    """A catalog, its settings, its vector indexes and the model, opened together.

    The model is loaded on first use (torch is imported then, not before). Indexing takes the
    library's writer lock, so two processes never write one library at once; searching does not.
    """

    def __init__(
        self,
        paths: LibraryPaths,
        *,
        model: str | None = None,
        weights: Path | str | None = None,
        device: str | None = None,
        download: bool = True,
        download_progress: DownloadProgress | None = None,
        loaded_model: Engine | None = None,
        quick_start: bool = False,
    ) -> None:
        self.paths = paths
        if paths.root.exists() and not paths.root.is_dir():
            raise PhotoclipError(f"The library folder {paths.root} is a file, not a folder. Choose another place.")
        try:
            paths.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PhotoclipError(f"The library folder {paths.root} cannot be made ({exc.strerror or exc}).") from exc
        self.catalog = Catalog(paths.catalog, paths.backups_dir)
        self.tags = TagStore(self.catalog)  # the one tag store: tags, label sets, collections
        self.settings = Settings(paths.root / "settings.json")
        self.spec: ModelSpec = get_model(model or self.settings.get("model"))
        # A model already in memory (the GUI reopening a library, tests sharing one) is reused.
        self.models = LoadedModels(
            self.settings,
            weights=weights,
            weights_model=self.spec.id,
            device=device,
            download=download,
            progress=download_progress,
            loaded=loaded_model,
            quick_start=quick_start,
        )
        self._model_lock = threading.Lock()
        self._indexes: dict[str, VectorIndex] = {}
        self._index_lock = threading.Lock()
        self._searcher: Searcher | None = None
        self._serving: ModelSpec | None = None
        self.writer_lock = WriterLock(paths.root / "writer.lock")
        self._write_mutex = threading.RLock()  # one writer thread at a time within this process

    @classmethod
    def open(cls, library: Path | str | None = None, cache: Path | str | None = None, **options: Any) -> Library:
        """Opens (creating if needed) the library at ``library`` (default: the user's library)."""
        return cls(LibraryPaths.resolve(library, cache), **options)

    @staticmethod
    def made_at(library: Path | str | None = None) -> tuple[Path, bool]:
        """The folder ``library`` names and whether a library was made there (a file counts: open says why)."""
        paths = LibraryPaths.resolve(library)
        return paths.root, paths.catalog.exists() or paths.root.is_file()

    # -- the model ---------------------------------------------------------------------------
    def model(
        self,
        model_id: str | None = None,
        *,
        progress: DownloadProgress | None = None,
        cancel: threading.Event | None = None,
    ) -> Engine:
        """A loaded model (default: the library's), fetched if allowed (``progress``, ``cancel``) on first call."""
        return self.models.get(get_model(model_id) if model_id else self.spec, progress=progress, cancel=cancel)

    def set_weights(self, spec: ModelSpec, path: Path | str) -> Engine:
        """Uses model files the user already has for ``spec``; remembered only once they load."""
        return self.models.set_weights(spec, path)

    def model_present(self, spec: ModelSpec | None = None) -> bool:
        """True when ``spec`` (default: the library's model) can run here without a download."""
        return self.models.present(spec or self.spec)

    @property
    def model_loaded(self) -> bool:
        """True once the library's model is in memory."""
        return self.models.loaded(self.spec) is not None

    def use_model(self, model_id: str, *, persist: bool = True) -> ModelSpec:
        """Switches the library to another model. Its vectors are made by the next index run; until
        they cover the library, searches keep using the model that does (see :attr:`search_spec`)."""
        spec = get_model(model_id)
        if persist and spec.id != self.settings.get("model"):
            self.check_writable()
        if spec.id != self.spec.id:
            with self._model_lock:
                self.spec, self._searcher, self._serving = spec, None, None
                # Keep only models still needed: the new one and the one still serving searches.
                self.models.keep_only({spec.id, self.search_spec.id})
        if persist:
            self.settings.set("model", spec.id)
        return spec

    def reload_models(self) -> None:
        """Drops loaded models so the next use loads them with the current device and threads."""
        with self._model_lock:
            self.models.device = None
            self.models.drop()
            self._searcher = None

    @property
    def search_spec(self) -> ModelSpec:
        """The model searches use: the library's, or while its vectors are still being made after a
        switch, the model whose vectors cover the library best. Worked out again after index runs."""
        serving = self._serving
        if serving is None:
            serving = self._serving = self._choose_search_spec()
        return serving

    def _choose_search_spec(self) -> ModelSpec:
        if not self.catalog.photos_needing_embedding(self.spec.id, limit=1):
            return self.spec
        stored = self.catalog.models_with_vectors()
        best = max(stored.items(), key=lambda kv: kv[1], default=(self.spec.id, 0))
        if best[0] != self.spec.id and best[1] > stored.get(self.spec.id, 0):
            try:
                return get_model(best[0])
            except PhotoclipError:  # vectors of a model this version no longer knows
                return self.spec
        return self.spec

    # -- the vector index --------------------------------------------------------------------
    def index(self, model_id: str | None = None) -> VectorIndex:
        """The vector index of a model (default: the library's), opened and in step with the catalog."""
        spec = get_model(model_id) if model_id else self.spec
        with self._index_lock:
            index = self._indexes.get(spec.id)
            if index is None:
                index = VectorIndex(
                    self.paths.index_dir, spec.id, self._dim(spec), exact_limit=self.settings.get("exact_search_limit")
                )
                index.open(self.catalog)
                self._indexes[spec.id] = index
            return index

    def _dim(self, spec: ModelSpec) -> int:
        model = self.models.loaded(spec)
        return model.dim if model is not None else spec.dim

    # -- indexing ----------------------------------------------------------------------------
    def indexer(self) -> Indexer:
        """An indexer for this library's model."""
        cores = os.cpu_count() or 2
        return Indexer(
            self.catalog,
            self.index,
            lambda: self.model(self.spec.id),
            self.spec.id,
            self.paths.thumbnails,
            decode_workers=self.settings.get("decode_workers") or max(1, min(cores, 8)),
            batch_size=self.settings.get("batch_size"),
        )

    def update(
        self,
        roots: list[Root] | None = None,
        *,
        under: dict[int, list[str]] | None = None,
        progress: ProgressCallback | None = None,
        stop: threading.Event | None = None,
        pause: threading.Event | None = None,
    ) -> IndexReport:
        """Scans the watched folders (or ``roots``) and indexes what is new or changed."""
        with self._writing():
            try:
                dropped = forget_vectors_of_other_weights(self, roots, under)  # made by other weights
                report = self.indexer().run(roots, under=under, progress=progress, stop=stop, pause=pause)
                report.remade = len(dropped.intersection(report.photo_ids))
                if not (stop is not None and stop.is_set()):
                    from photoclip.core.metadata_backfill import backfill

                    backfill(self.catalog, stop)  # names' words and camera/lens/place of older photos
            finally:
                self._serving = None
                engine = self.models.loaded(self.spec)
                if engine is not None:  # the image graph is for indexing; searches need only the text one
                    engine.release_images()
        if report.embedded:
            from photoclip.core.thumbnail_cache import prune

            prune(self.paths.thumbnails, self.settings.get("thumbnail_cache_mb") * 1_000_000)
        return report

    def _writing(self, wait: bool = True) -> WriterSection:
        self.check_writable()
        return WriterSection(self.writer_lock, self._write_mutex, wait)

    @property
    def read_only(self) -> bool:
        """True when the library can only be searched here (a read-only or full disk)."""
        return self.catalog.read_only

    def check_writable(self) -> None:
        """Raises, saying why, when the library cannot be written here now."""
        if self.catalog.read_only:
            raise cannot_write(self.catalog.path, self.catalog.read_only_reason)

    # -- searching ---------------------------------------------------------------------------
    def searcher(self) -> Searcher:
        """The searcher for the model that serves searches now."""
        spec = self.search_spec
        if self._searcher is None or self._searcher.spec.id != spec.id:
            vocabulary = model_vocabulary(spec, self.models.weights_for(spec))
            self._searcher = Searcher(
                self.catalog, spec, lambda: self.index(spec.id), lambda: self.model(spec.id), vocabulary
            )
        return self._searcher

    def search(self, query: str | Query, **options: Any) -> SearchResults:
        """Ranks photos for a query (see :meth:`Searcher.search`); ``tag:``, ``folder:`` and
        ``camera:`` may name a tag, folder or camera of several words without quotes."""
        options.setdefault("strictness", self.settings.get("relevance"))
        known_tags: list[str] | None = None
        query = words_after_a_name(query) if isinstance(query, str) else query
        if isinstance(query, str) and (
            mentions_photo_name(query) or any(key in query for key in ("tag:", "folder:", "camera:"))
        ):
            words = self.searcher().words
            known_tags = [label for label, _ in self.tags.counts()] if "tag:" in query else []
            query = parse_query(
                query,
                is_image=lambda text: image_or_named_photo(text, self.catalog),
                known_tags=known_tags,
                known_folders=words.known_folders() if "folder:" in query else (),
                known_cameras=words.known_cameras() if "camera:" in query else (),
            )
            if len(query.terms) == 1 and query.terms[0].image is not None and SIMILAR_TO.match(query.raw):
                # "similar to NAME" alone is Find similar written out: the photo itself is not a result
                photo = self.catalog.photo_by_path(query.terms[0].image)
                if photo is not None:
                    options.setdefault("exclude", [photo.id])
        results = self._after_image_query(self.searcher().search(query, **options))
        if known_tags is not None and isinstance(query, Query):
            results.notes += names_not_found(query, known_tags, self.searcher().words)
        results.notes += results.query.notes() + stale_vectors_notes(self)
        return results

    def similar(self, target: int | Path, **options: Any) -> SearchResults:
        """Photos nearest to a photo (see :meth:`Searcher.similar`): by id, a path, or a library
        photo's file name alone ("cat.jpg", "trip/cat.jpg"), as ``similar to NAME`` in a search."""
        options.setdefault("strictness", self.settings.get("relevance"))
        if isinstance(target, Path) and not expand_home(target).exists() and self.catalog.photo_by_path(target) is None:
            target = named_photo(str(target), self.catalog) or target
        return self._after_image_query(self.searcher().similar(target, **options))

    def _after_image_query(self, results: SearchResults) -> SearchResults:
        """Lets the image graph go after an image query, as after indexing (not while an index run uses it)."""
        if any(t.image is not None for t in results.query.terms) and self._write_mutex.acquire(blocking=False):
            try:
                if (engine := self.models.loaded(self.searcher().spec)) is not None:
                    engine.release_images()
            finally:
                self._write_mutex.release()
        return results

    def photo_named(self, name: str) -> Path | None:
        """The one library photo a file name means ("cat.jpg"), as "similar to NAME" reads it; None: none or several."""
        try:
            return named_photo(name, self.catalog)
        except (PhotoclipError, sqlite3.Error):
            return None

    # -- status ------------------------------------------------------------------------------
    def status(self) -> LibraryStatus:
        """What ``photoclip status`` prints: roots, counts and the model. Stats every root (call it
        off the GUI thread: a folder on a sleeping network drive can take seconds to answer)."""
        counts = self.catalog.counts(self.spec.id)
        per_root = self.catalog.root_counts()
        roots = []
        for root in self.catalog.roots():
            reason = offline_reason(root, per_root.get(root.id, 0))
            roots.append(
                RootStatus(
                    id=root.id,
                    path=str(root.path),
                    online=reason is None,
                    offline_reason=reason,
                    photos=per_root.get(root.id, 0),
                    last_scan_at=root.last_scan_at,
                    excluded=root.excluded,
                    unreachable=[
                        UnreachablePath(*u, kind="photo" if is_missing_photo(root.path, u[0]) else "folder")
                        for u in self.catalog.unreachable(root.id)
                    ],
                )
            )
        from photoclip.core.models.loading import describe_placement

        device, engine, note = describe_placement(
            self.spec,
            self.models.weights_for(self.spec),
            self.models.device or self.settings.get("device"),
            self.settings.get("engine"),
        )
        return LibraryStatus(
            library=str(self.paths.root),
            model=self.spec.id,
            model_present=self.model_present(),
            roots=roots,
            photos=counts["photos"],
            embedded=counts["embedded"],
            pending=counts["photos"] - counts["embedded"] - counts["errors"],
            errors=counts["errors"],
            other_models={m: n for m, n in self.catalog.models_with_vectors().items() if m != self.spec.id},
            device=device,
            engine=engine,
            notes=[note] if note else [],
        )

    def close(self) -> None:
        """Saves the indexes and closes the catalog."""
        for index in list(self._indexes.values()):
            try:
                if index.dirty:
                    index.save()
            except OSError as exc:
                log.warning("could not save the %s index: %s", index.model, exc)
        self.catalog.close()
        self.writer_lock.release()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
