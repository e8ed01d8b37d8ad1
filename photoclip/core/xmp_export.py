"""Writing photos' tags to their XMP sidecars, and keeping those sidecars in step with the tag review.

Which tags: the accepted ones (the user's own, and auto tags the user accepted). Unreviewed
suggestions only when the caller asks for them. A tag photoclip wrote earlier that is now rejected
or gone is taken out of the sidecar; keywords photoclip did not write are never touched (see
:mod:`photoclip.core.xmp`). One sidecar that cannot be read safely or written is reported and
skipped; the export carries on with the other photos. The CLI and the GUI both call this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from photoclip.core.catalog import Catalog, PhotoRow
from photoclip.core.tag_store import TagStore, normalise_label
from photoclip.core.xmp import KeywordSync, SidecarError, sidecar_path, sync_keywords, written_keywords


@dataclass
class XmpExportReport:
    """What an export did: sidecars written, left alone, skipped (and why), tags not written."""

    written: list[Path] = field(default_factory=list)  # sidecars created or changed
    unchanged: int = 0  # sidecars already up to date, or photos with nothing to write
    offline: int = 0  # photos on a folder that is not reachable now
    skipped: list[str] = field(default_factory=list)  # one message per sidecar left as it was
    refused: list[tuple[Path, str]] = field(default_factory=list)  # (photo, label) XML cannot hold

    def summary(self) -> str:
        """One line for the user: how many sidecars were written."""
        line = f"Wrote tags to {len(self.written)} XMP sidecar files (the photos themselves were not touched)"
        if self.unchanged:
            line += f"; {self.unchanged} needed no change"
        return line + "."

    def problems(self) -> list[str]:
        """The lines that tell the user what was not done and what to do about it (empty when all went well)."""
        lines = []
        if self.offline:
            lines.append(f"{self.offline} photos are on folders that are offline; connect them and export again.")
        if self.skipped:
            lines.append(f"Skipped {len(self.skipped)} sidecar files; each was left exactly as it was:")
            lines += [f"  {message}" for message in self.skipped]
        if self.refused:
            lines.append(
                f"Did not write {len(self.refused)} tags holding control characters an XMP file cannot contain; "
                "rename them with: photoclip tags PHOTO --reject OLD --add NEW"
            )
            lines += [f"  {photo}: {label!r}" for photo, label in self.refused]
        return lines

    def add(self, photo: PhotoRow, outcome: KeywordSync) -> None:
        """Counts the outcome of one sidecar."""
        if outcome.changed:
            self.written.append(outcome.sidecar)
        else:
            self.unchanged += 1
        self.refused += [(photo.path, label) for label in outcome.refused]


def sidecar_labels(store: TagStore, photo_id: int, *, include_suggested: bool = False) -> list[str]:
    """The labels a photo's sidecar should carry: accepted tags, and suggestions when asked for."""
    return [
        t.label for t in store.tags(photo_id) if t.state == "accepted" or (include_suggested and t.state == "suggested")
    ]


def export_sidecars(catalog: Catalog, photo_ids: Sequence[int], *, include_suggested: bool = False) -> XmpExportReport:
    """Writes each photo's tags to its sidecar (``photo.jpg.xmp``); returns what was done and what was not.

    Only accepted tags by default; ``include_suggested`` adds the unreviewed suggestions too.
    Never raises for one photo's sidecar: problems are in :meth:`XmpExportReport.problems`.
    """
    store = TagStore(catalog)
    report = XmpExportReport()
    for photo in catalog.photos_by_ids(photo_ids):
        if not photo.online:
            report.offline += 1
            continue
        _sync(report, photo, sidecar_labels(store, photo.id, include_suggested=include_suggested))
    return report


def follow_review(catalog: Catalog, photo_id: int, *, renamed: dict[str, str] | None = None) -> XmpExportReport:
    """After the user accepted, rejected or added tags of a photo: brings its sidecar up to date.

    Only a sidecar photoclip wrote to is touched (others are the user's business). Accepted tags
    are written, rejected and removed ones taken out; suggestions an earlier export wrote stay
    until the user rejects them, since that export asked for them. ``renamed`` (old label -> new,
    after a tag was renamed or merged) carries a keyword photoclip wrote over to its new name.
    """
    report = XmpExportReport()
    photos = catalog.photos_by_ids([photo_id])
    if not photos or not photos[0].online:
        return report
    photo = photos[0]
    try:
        earlier = written_keywords(sidecar_path(photo.path))
    except SidecarError as exc:
        report.skipped.append(str(exc))
        return report
    if earlier is None:
        return report
    kept = {normalise_label(label) for label in earlier}
    kept |= {new for old, new in (renamed or {}).items() if old in kept}
    store = TagStore(catalog)
    labels = [t.label for t in store.tags(photo.id) if t.state == "accepted" or t.label in kept]
    _sync(report, photo, labels)
    return report


def _sync(report: XmpExportReport, photo: PhotoRow, labels: list[str]) -> None:
    try:
        report.add(photo, sync_keywords(photo.path, labels))
    except SidecarError as exc:
        report.skipped.append(str(exc))
    except OSError as exc:
        report.skipped.append(
            f"The sidecar {sidecar_path(photo.path)} could not be written ({exc.strerror or exc}); it was left as "
            "it was. Check that its folder is writable and export again."
        )
