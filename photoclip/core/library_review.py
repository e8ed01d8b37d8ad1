"""Reviewing tags in bulk and editing tags and collections as a whole (part of :class:`Library`):
what both faces call. The rules (how merged tags combine, what deleting keeps) are in
:mod:`photoclip.core.tag_edits`; XMP sidecars photoclip wrote follow each edit."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

from photoclip.core import tag_edits
from photoclip.core.records import Collection, Suggestion, TagChange, TagState, TagSummary

if TYPE_CHECKING:
    from photoclip.core.catalog import Catalog
    from photoclip.core.xmp_export import XmpExportReport


class TagReviewMixin:
    """Bulk review (a tag's suggestions, an album's), rename, merge and delete tags; rename and
    delete collections and take photos out of them. Each edit is one transaction.

    The tag edits take ``follow_sidecars``: when true (the default) the XMP sidecars photoclip
    wrote for the photos concerned are brought in line at once (a renamed tag renamed in them, a
    deleted or rejected one taken out, other programs' keywords left alone); the window passes
    false and calls :meth:`follow_sidecars` in the background instead.
    """

    catalog: Catalog

    # -- what there is to review -------------------------------------------------------------
    def tag_summaries(self, photo_ids: Sequence[int] | None = None) -> list[TagSummary]:
        """Every tag with its accepted and suggested counts (in an album: ``photo_ids``), most photos first."""
        return tag_edits.tag_summaries(self.catalog, photo_ids)

    def tag_summary(self, label: str) -> TagSummary | None:
        """One tag's accepted and suggested counts (None when no photo shows it)."""
        return tag_edits.tag_summary(self.catalog, label)

    def tags_to_review(self, photo_ids: Sequence[int] | None = None) -> list[TagSummary]:
        """The tags that have suggestions to review (in an album: ``photo_ids``), most suggestions first."""
        found = [t for t in self.tag_summaries(photo_ids) if t.suggested]
        return sorted(found, key=lambda t: (-t.suggested, t.label))

    def suggestions(self, label: str, photo_ids: Sequence[int] | None = None) -> list[Suggestion]:
        """The photos a tag is suggested for, not yet reviewed (in an album: ``photo_ids``), best first."""
        return tag_edits.suggestions(self.catalog, label, photo_ids)

    def photos_with_suggestions(self, photo_ids: Sequence[int]) -> list[tuple[int, list[Suggestion]]]:
        """An album's photos that have suggestions to review, each with its suggestions."""
        return tag_edits.photos_with_suggestions(self.catalog, photo_ids)

    # -- reviewing in bulk -------------------------------------------------------------------
    def accept_suggestions(
        self, label: str, photo_ids: Sequence[int] | None = None, *, follow_sidecars: bool = True
    ) -> TagChange:
        """Accepts a tag's suggestions: all of them, or those of ``photo_ids``."""
        change = tag_edits.review_suggestions(self.catalog, label, TagState.ACCEPTED, photo_ids)
        return self._followed(change) if follow_sidecars else change

    def reject_suggestions(
        self, label: str, photo_ids: Sequence[int] | None = None, *, follow_sidecars: bool = True
    ) -> TagChange:
        """Rejects a tag's suggestions (all, or those of ``photo_ids``): tagging never suggests it to
        those photos again."""
        change = tag_edits.review_suggestions(self.catalog, label, TagState.REJECTED, photo_ids)
        return self._followed(change) if follow_sidecars else change

    # -- rename, merge, delete ---------------------------------------------------------------
    def rename_tag(self, old: str, new: str, *, merge: bool = False, follow_sidecars: bool = True) -> TagChange:
        """Renames a tag on every photo; to the name of another tag only with ``merge`` (else a
        :class:`PhotoclipError` says there is one)."""
        change = tag_edits.rename_tag(self.catalog, old, new, merge=merge)
        return self._followed(change) if follow_sidecars else change

    def merge_tags(self, labels: Sequence[str], into: str, *, follow_sidecars: bool = True) -> TagChange:
        """Makes several tags one (accepted wins, then rejected, then suggested; see
        :mod:`photoclip.core.tag_edits`)."""
        change = tag_edits.merge_tags(self.catalog, labels, into)
        return self._followed(change) if follow_sidecars else change

    def delete_tag(self, label: str, *, follow_sidecars: bool = True) -> TagChange:
        """Takes a tag off every photo (rejections of it stay remembered)."""
        change = tag_edits.delete_tag(self.catalog, label)
        return self._followed(change) if follow_sidecars else change

    def tag_photo_count(self, label: str) -> int:
        """How many photos show a tag (accepted or suggested); 0 when there is no such tag."""
        return tag_edits.visible_count(self.catalog, label)

    # -- sidecars ----------------------------------------------------------------------------
    def follow_sidecars(self, photo_ids: Sequence[int], renamed: dict[str, str] | None = None) -> XmpExportReport:
        """Brings the sidecars photoclip wrote for these photos in line with their tags; ``renamed``
        (old label -> new) renames keywords photoclip wrote, even unreviewed ones it wrote on request."""
        from photoclip.core.xmp_export import XmpExportReport, follow_review

        report = XmpExportReport()
        for photo_id in photo_ids:
            one = follow_review(self.catalog, photo_id, renamed=renamed)
            report.written += one.written
            report.unchanged += one.unchanged
            report.skipped += one.skipped
            report.refused += one.refused
        return report

    def _followed(self, change: TagChange) -> TagChange:
        report = self.follow_sidecars(change.photo_ids, change.renamed)
        return dataclasses.replace(
            change, sidecars_written=len(report.written), sidecar_problems=tuple(report.problems())
        )

    # -- collections -------------------------------------------------------------------------
    def rename_collection(self, old: str, new: str) -> Collection:
        """Gives a collection another name; a name another collection has is refused."""
        return tag_edits.rename_collection(self.catalog, old, new)

    def delete_collection(self, name: str) -> int:
        """Deletes a collection (its photos stay in the library); returns how many it held by hand."""
        return tag_edits.delete_collection(self.catalog, name)

    def remove_from_collection(self, name: str, photo_ids: Sequence[int]) -> int:
        """Takes photos out of a hand-picked collection; returns how many were in it."""
        return tag_edits.remove_from_collection(self.catalog, name, photo_ids)
