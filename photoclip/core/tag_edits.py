"""Tags and collections edited as a whole: rename, merge and delete tags, accept or reject a tag's
suggestions in bulk, list what is left to review, rename and delete collections, take photos out
of a hand-picked one.

Each edit is one transaction: it happens entirely or not at all. Names are checked before anything
is written, and a wrong one raises a :class:`PhotoclipError` that says what to do.

**Merging** (and renaming a tag to a name another tag has): a photo that had several of the merged
tags keeps one, in the state that says most about what the person decided:

1. accepted (their own tag, or a suggestion they accepted) wins: they said the photo shows it;
2. else rejected: they said the photo does not show one of the names, which now mean the same
   thing, so a mere suggestion of another of them must not bring it back;
3. else suggested, with the best score of the suggestions.

A rejected auto tag is how tagging knows never to suggest it again to that photo: a rename or a
merge renames rejected tags too, and deleting a tag takes it off every photo but keeps those
rejections. Tags kept for photos whose files went away (``kept_tags``, by fingerprint) follow
every edit, so a photo that comes back does not bring an old name back. Saved searches that name
a renamed tag (``tag:beach``) are rewritten to the new name. Label sets keep their own words: the
words are what the model is asked about, and a new tagging run suggests them as they are.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence

from photoclip.core.catalog import Catalog
from photoclip.core.errors import PhotoclipError
from photoclip.core.records import Collection, Suggestion, TagChange, TagState, TagSummary
from photoclip.core.tag_store import TagStore, normalise_label

#: Which state a merged tag takes: the highest rank among the merged ones.
STATE_RANK = {TagState.SUGGESTED.value: 0, TagState.REJECTED.value: 1, TagState.ACCEPTED.value: 2}
#: Ids per ``IN (...)`` list: well under SQLite's limit on bound parameters.
CHUNK = 500
_TAG_COLUMNS = ("label", "source", "score", "state", "model", "label_set", "added_at")


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _marks(count: int) -> str:
    return ",".join("?" * count)


# -- reading ---------------------------------------------------------------------------------
def tag_summaries(catalog: Catalog, photo_ids: Sequence[int] | None = None) -> list[TagSummary]:
    """Every tag a photo shows, with its accepted and suggested counts (within ``photo_ids`` when
    given), most photos first."""
    sql = "SELECT label, SUM(state = 'accepted'), SUM(state = 'suggested') FROM tags {} GROUP BY label"
    if photo_ids is None:
        rows = catalog.query(sql.format(""))
    else:
        rows = [
            row
            for chunk in _chunks(photo_ids)
            for row in catalog.query(sql.format(f"WHERE photo_id IN ({_marks(len(chunk))})"), chunk)
        ]
    totals: dict[str, list[int]] = {}
    for label, accepted, suggested in rows:
        counts = totals.setdefault(label, [0, 0])
        counts[0] += accepted or 0
        counts[1] += suggested or 0
    summaries = [TagSummary(label, a, s) for label, (a, s) in totals.items() if a or s]
    return sorted(summaries, key=lambda t: (-t.photos, t.label))


def tag_summary(catalog: Catalog, label: str) -> TagSummary | None:
    """One tag's accepted and suggested counts (None when no photo shows it)."""
    label = normalise_label(label)
    accepted, suggested = catalog.query(
        "SELECT SUM(state = 'accepted'), SUM(state = 'suggested') FROM tags WHERE label = ?", (label,)
    )[0]
    return TagSummary(label, accepted or 0, suggested or 0) if accepted or suggested else None


def visible_count(catalog: Catalog, label: str) -> int:
    """How many photos show the tag ``label`` (accepted or suggested)."""
    rows = catalog.query("SELECT COUNT(*) FROM tags WHERE label = ? AND state != 'rejected'", (normalise_label(label),))
    return int(rows[0][0])


def suggestions(catalog: Catalog, label: str, photo_ids: Sequence[int] | None = None) -> list[Suggestion]:
    """The photos ``label`` is suggested for and not yet reviewed (within ``photo_ids`` when given),
    best score first."""
    label = normalise_label(label)
    sql = "SELECT photo_id, score FROM tags WHERE label = ? AND state = 'suggested'"
    if photo_ids is None:
        rows = catalog.query(sql, (label,))
    else:
        rows = [
            row
            for chunk in _chunks(photo_ids)
            for row in catalog.query(f"{sql} AND photo_id IN ({_marks(len(chunk))})", [label, *chunk])
        ]
    found = [Suggestion(r[0], label, r[1]) for r in rows]
    return sorted(found, key=lambda s: (-(s.score if s.score is not None else -1.0), s.photo_id))


def photos_with_suggestions(catalog: Catalog, photo_ids: Sequence[int]) -> list[tuple[int, list[Suggestion]]]:
    """The photos of ``photo_ids`` that have suggestions to review, each with them (best first), in
    the order of ``photo_ids``."""
    found: dict[int, list[Suggestion]] = {}
    for chunk in _chunks(photo_ids):
        for pid, label, score in catalog.query(
            f"SELECT photo_id, label, score FROM tags WHERE state = 'suggested' AND photo_id IN ({_marks(len(chunk))}) "
            "ORDER BY score DESC, label",
            chunk,
        ):
            found.setdefault(pid, []).append(Suggestion(pid, label, score))
    return [(pid, found[pid]) for pid in dict.fromkeys(photo_ids) if pid in found]


# -- reviewing in bulk -----------------------------------------------------------------------
def review_suggestions(
    catalog: Catalog, label: str, state: TagState, photo_ids: Sequence[int] | None = None
) -> TagChange:
    """Accepts or rejects the suggestions of ``label`` (all of them, or those of ``photo_ids``);
    tags already reviewed are left as they are."""
    if state not in (TagState.ACCEPTED, TagState.REJECTED):
        raise ValueError(f"a review accepts or rejects, not {state}")
    label = normalise_label(label)
    changed: list[int] = []
    where = "label = ? AND state = 'suggested'"
    with catalog.transaction() as conn:
        scopes = [None] if photo_ids is None else list(_chunks(photo_ids))
        for chunk in scopes:
            extra = "" if chunk is None else f" AND photo_id IN ({_marks(len(chunk))})"
            params = [label, *(chunk or [])]
            changed += [r[0] for r in conn.execute(f"SELECT photo_id FROM tags WHERE {where}{extra}", params)]
            conn.execute(f"UPDATE tags SET state = ? WHERE {where}{extra}", [state.value, *params])
    return TagChange((label,), label, tuple(sorted(changed)))


# -- rename, merge, delete -------------------------------------------------------------------
def rename_tag(catalog: Catalog, old: str, new: str, *, merge: bool = False) -> TagChange:
    """Gives the tag ``old`` the name ``new`` on every photo. When a tag ``new`` exists already,
    the two are merged if ``merge`` is true (see the module's rules), and refused otherwise."""
    source, target = normalise_label(old), normalise_label(new)
    if not target:
        raise PhotoclipError("A tag needs at least one letter.")
    _require_tag(catalog, source)
    if target == source:
        raise PhotoclipError(f"The tag is already called '{target}'.")
    existing = visible_count(catalog, target)
    if existing and not merge:
        raise PhotoclipError(
            f"There is already a tag '{target}' ({existing} photos). Merge '{source}' into it to make them one tag."
        )
    return merge_tags(catalog, [source], target)


def merge_tags(catalog: Catalog, labels: Sequence[str], into: str) -> TagChange:
    """Makes the tags ``labels`` one tag named ``into`` (which may be new, or one of them); a photo
    that had several keeps one, in the state the module's rules give."""
    target = normalise_label(into)
    if not target:
        raise PhotoclipError("A tag needs at least one letter.")
    sources = [label for label in dict.fromkeys(normalise_label(x) for x in labels) if label and label != target]
    if not sources:
        raise PhotoclipError(f"Nothing to merge into '{target}': name at least one other tag.")
    for label in sources:
        _require_tag(catalog, label)
    with catalog.transaction() as conn:
        photo_ids = _merge_rows(conn, "tags", "photo_id", sources, target)
        _merge_rows(conn, "kept_tags", "fingerprint", sources, target)
        searches = _rename_in_saved_searches(conn, sources, target)
    return TagChange(tuple(sources), target, tuple(sorted(photo_ids)), tuple(searches))


def delete_tag(catalog: Catalog, label: str) -> TagChange:
    """Takes the tag ``label`` off every photo (a rejected suggestion stays remembered, so tagging
    never suggests it to that photo again)."""
    label = normalise_label(label)
    _require_tag(catalog, label)
    with catalog.transaction() as conn:
        where = "label = ? AND state != 'rejected'"
        photo_ids = [r[0] for r in conn.execute(f"SELECT photo_id FROM tags WHERE {where}", (label,))]
        conn.execute(f"DELETE FROM tags WHERE {where}", (label,))
        conn.execute(f"DELETE FROM kept_tags WHERE {where}", (label,))
    return TagChange((label,), None, tuple(sorted(photo_ids)))


def _require_tag(catalog: Catalog, label: str) -> None:
    if not label or not visible_count(catalog, label):
        known = [t.label for t in tag_summaries(catalog)[:8]]
        hint = f" Tags: {', '.join(known)}{' …' if len(known) == 8 else ''}." if known else " There are no tags yet."
        raise PhotoclipError(f"No photo has the tag '{label}'.{hint}")


def combine(rows: Sequence[sqlite3.Row | dict], label: str) -> dict:
    """One tag made of a photo's tags that are being merged (see the module's rules)."""
    state = max((r["state"] for r in rows), key=STATE_RANK.__getitem__)
    deciding = [r for r in rows if r["state"] == state]
    by_user = any(r["source"] == "user" for r in deciding)
    scores = [r["score"] for r in rows if r["score"] is not None]
    best = max(deciding, key=lambda r: r["score"] if r["score"] is not None else float("-inf"))
    merged = dict(best)
    merged.update(
        label=label,
        state=state,
        source="user" if by_user else "auto",
        score=None if by_user else (max(scores) if scores else None),
        added_at=min(r["added_at"] for r in rows),
    )
    if "removed_at" in merged:
        merged["removed_at"] = max(r["removed_at"] for r in rows)
    return merged


def _merge_rows(conn: sqlite3.Connection, table: str, key: str, sources: list[str], target: str) -> list:
    """Merges the rows of ``sources`` (and ``target``) in ``table``, one per ``key``; returns the
    keys that had a source row."""
    columns = [key, *_TAG_COLUMNS, *(["removed_at"] if table == "kept_tags" else [])]
    labels = [*sources, target]
    rows = conn.execute(
        f"SELECT {', '.join(columns)} FROM {table} WHERE label IN ({_marks(len(labels))})", labels
    ).fetchall()
    groups: dict[object, list[dict]] = {}
    for row in rows:
        groups.setdefault(row[0], []).append(dict(zip(columns, row, strict=True)))
    touched = {k: group for k, group in groups.items() if any(r["label"] != target for r in group)}
    conn.executemany(
        f"DELETE FROM {table} WHERE {key} = ? AND label IN ({_marks(len(labels))})",
        [(k, *labels) for k in touched],
    )
    conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({_marks(len(columns))})",
        [tuple(combine(group, target)[c] for c in columns) for group in touched.values()],
    )
    return list(touched)


def rename_in_query(query: str, old: str, new: str, known_tags: Sequence[str] = ()) -> str:
    """``query`` with ``tag:old`` and ``-tag:old`` (quoted or not) spelt with ``new``; unchanged when
    it does not name the tag ``old`` (``tag:green`` before "circle" names "green circle" when that tag exists)."""
    from photoclip.core.query import parse_query

    parsed = parse_query(query, known_tags=[*known_tags, old])
    if old not in parsed.tags and old not in parsed.without_tags:
        return query
    spelt = f'tag:"{new}"' if " " in new else f"tag:{new}"
    words = r"\s+".join(re.escape(word) for word in old.split())
    pattern = re.compile(rf'(?i)(?<!\S)(?P<minus>-?)tag:(?:"{re.escape(old)}"|{words})(?=\s|$)')
    return pattern.sub(lambda m: m.group("minus") + spelt, query)


def _rename_in_saved_searches(conn: sqlite3.Connection, sources: list[str], target: str) -> list[str]:
    known = [r[0] for r in conn.execute("SELECT DISTINCT label FROM tags")]
    renamed = []
    for cid, name, query in conn.execute("SELECT id, name, query FROM collections WHERE query LIKE '%tag:%'"):
        text = query
        for source in sources:
            text = rename_in_query(text, source, target, known)
        if text != query:
            conn.execute("UPDATE collections SET query = ? WHERE id = ?", (text, cid))
            renamed.append(name)
    return renamed


# -- collections -----------------------------------------------------------------------------
def _require_collection(catalog: Catalog, name: str) -> Collection:
    store = TagStore(catalog)
    found = store.collection(name)
    if found is None:
        known = ", ".join(c.name for c in store.collections()) or "none yet"
        raise PhotoclipError(f"No collection named '{name}' (collections: {known}).")
    return found


def rename_collection(catalog: Catalog, old: str, new: str) -> Collection:
    """Gives a collection another name (its photos or its search stay)."""
    name = new.strip()
    if not name:
        raise PhotoclipError("A collection needs a name.")
    current = _require_collection(catalog, old)
    if name == current.name:
        return current
    clash = catalog.query("SELECT 1 FROM collections WHERE name = ? AND id != ?", (name, current.id))
    if clash:
        raise PhotoclipError(f"There is already a collection called '{name}'; choose another name.")
    with catalog.transaction() as conn:
        conn.execute("UPDATE collections SET name = ? WHERE id = ?", (name, current.id))
    return Collection(current.id, name, current.query)


def delete_collection(catalog: Catalog, name: str) -> int:
    """Deletes a collection (never its photos); returns how many photos it held by hand."""
    collection = _require_collection(catalog, name)
    with catalog.transaction() as conn:
        held = conn.execute(
            "SELECT COUNT(*) FROM collection_photos WHERE collection_id = ?", (collection.id,)
        ).fetchone()[0]
        for table in ("collection_photos", "kept_collection_photos"):
            conn.execute(f"DELETE FROM {table} WHERE collection_id = ?", (collection.id,))
        conn.execute("DELETE FROM collections WHERE id = ?", (collection.id,))
    return int(held)


def remove_from_collection(catalog: Catalog, name: str, photo_ids: Sequence[int]) -> int:
    """Takes photos out of a hand-picked collection (the photos stay in the library); returns how
    many were in it."""
    collection = _require_collection(catalog, name)
    if collection.query:
        raise PhotoclipError(
            f"'{collection.name}' is a saved search: it holds whatever '{collection.query}' finds, so no photo "
            "can be taken out of it by hand. Change the search, or make a hand-picked collection."
        )
    removed = 0
    with catalog.transaction() as conn:
        for chunk in _chunks(photo_ids):
            removed += conn.execute(
                f"DELETE FROM collection_photos WHERE collection_id = ? AND photo_id IN ({_marks(len(chunk))})",
                [collection.id, *chunk],
            ).rowcount
    return removed
