"""Tags, label sets, albums and XMP sidecars, as the faces see them (part of :class:`Library`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from photoclip.core.albums import Album, collection_album, resolve_album
from photoclip.core.library_review import TagReviewMixin
from photoclip.core.tagging import LabelSet, Tagger, TagReport, label_sets, parse_labels

if TYPE_CHECKING:
    import threading

    from photoclip.core.catalog import Catalog
    from photoclip.core.models.registry import ModelSpec
    from photoclip.core.records import Collection
    from photoclip.core.tag_store import TagStore
    from photoclip.core.xmp_export import XmpExportReport


class TagsMixin(TagReviewMixin):
    """Zero-shot tagging, label sets, albums (folders and collections) and XMP export; bulk review
    and whole-tag edits come from :class:`~photoclip.core.library_review.TagReviewMixin`.

    ``library.tags`` (one :class:`~photoclip.core.tag_store.TagStore`) holds the tags and
    collections themselves: accept, reject, add, list.
    """

    catalog: Catalog
    tags: TagStore

    @property
    def search_spec(self) -> ModelSpec:
        raise NotImplementedError

    def label_sets(self) -> dict[str, LabelSet]:
        """The built-in and saved label sets by name."""
        return label_sets(self.tags)

    def default_label_set(self) -> str:
        """The built-in label set the model searching now is suited to ('everyday', 'shapes')."""
        return self.search_spec.default_label_set

    def label_set(self, name: str | None = None, words: str | None = None, save_as: str | None = None) -> LabelSet:
        """A label set by name (default: :meth:`default_label_set`), or one made of ``words`` (saved
        under ``save_as`` when given). Raises saying what is known when there is no such set."""
        from photoclip.core.errors import PhotoclipError

        if words is not None:
            labels = parse_labels(words)
            if not labels:
                raise PhotoclipError(
                    f'No labels in {words!r}: give words separated by commas, e.g. "beach, mountain, city".'
                )
            if save_as:
                self.tags.save_label_set(save_as, labels)
            return LabelSet(save_as or "custom: " + ", ".join(labels), labels)
        sets = self.label_sets()
        name = name or self.default_label_set()
        if name not in sets:
            raise PhotoclipError(f"No label set '{name}'. Known: {', '.join(sorted(sets))}.")
        return sets[name]

    def save_search(self, name: str, query: str) -> Collection:
        """Saves ``query`` as the collection ``name``, after checking it can find something: an
        empty search is refused, and so is a ``tag:`` naming a tag no photo has (a typo), saying
        which tags there are. Otherwise the collection would simply show nothing, every time, with no word why."""
        from photoclip.core.errors import PhotoclipError
        from photoclip.core.query import parse_query

        text = query.strip()
        if not text:
            raise PhotoclipError('A saved search needs something to search for, e.g. "tag:beach sunset".')
        known = [label for label, _count in self.tags.counts()]
        missing = [tag for tag in parse_query(text, known_tags=known).tags if tag not in known]
        if missing:
            listed = ", ".join(known[:8]) + (" …" if len(known) > 8 else "") if known else "none yet"
            raise PhotoclipError(
                f"No photo has the tag {', '.join(repr(t) for t in missing)}, so '{name}' would find "
                f"nothing. Tags: {listed}."
            )
        return self.tags.create_collection(name, text)

    def album(self, album: str | None) -> Album:
        """The photos of an album: ``None`` or 'all' (the library), '@name' (a collection) or a folder."""
        return resolve_album(self, album)  # type: ignore[arg-type]

    def collection_album(self, name: str) -> Album:
        """The photos of a collection: its hand-picked ones, or what its saved search finds now."""
        return collection_album(self, name)  # type: ignore[arg-type]

    def tag_photos(
        self,
        photo_ids: Sequence[int],
        label_set: LabelSet,
        *,
        album: str = "",
        redo: bool = False,
        progress: Callable[[int, int], None] | None = None,
        stop: threading.Event | None = None,
    ) -> TagReport:
        """Zero-shot tags photos with a label set (see :class:`~photoclip.core.tagging.Tagger`)."""
        tagger = Tagger(self)  # type: ignore[arg-type]
        return tagger.tag(photo_ids, label_set, album=album, redo=redo, progress=progress, stop=stop)

    def looks_like(self, photo_id: int, count: int = 3) -> list[tuple[str, float]]:
        """The everyday words nearest to a photo ("beach", "sea", "sunset"), with their scores: what
        the model sees in it, from the label set it is suited to (encoded once, then cached)."""
        import numpy as np

        tagger = Tagger(self)  # type: ignore[arg-type]
        labels = self.label_set().labels
        _, vectors = self.index(tagger.spec.id).get_vectors([photo_id])  # type: ignore[attr-defined]
        if not len(vectors) or not labels:
            return []
        scores = tagger.label_vectors(labels) @ vectors[0]
        best = np.argsort(-scores)[:count]
        return [(labels[i], float(scores[i])) for i in best]

    def export_xmp(self, photo_ids: Sequence[int], *, include_suggested: bool = False) -> XmpExportReport:
        """Writes the photos' reviewed tags to their XMP sidecars (see :mod:`photoclip.core.xmp_export`)."""
        from photoclip.core.xmp_export import export_sidecars

        return export_sidecars(self.catalog, photo_ids, include_suggested=include_suggested)

    def follow_review(self, photo_id: int) -> XmpExportReport:
        """Brings a sidecar photoclip wrote into line with the photo's tags after a review."""
        from photoclip.core.xmp_export import follow_review

        return follow_review(self.catalog, photo_id)
