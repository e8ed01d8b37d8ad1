"""Tags, label sets and collections in the catalog.

A tag is (photo, label) with its source ("auto" from zero-shot tagging, with a score, or "user")
and a state: "suggested" (auto, not reviewed), "accepted", or "rejected". A rejected auto tag stays
in the table so that tagging never proposes it for that photo again; it is hidden everywhere else.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence

import numpy as np

from photoclip.core.catalog import Catalog
from photoclip.core.errors import PhotoclipError
from photoclip.core.records import Collection, Tag, TagSource, TagState


def normalise_label(label: str) -> str:
    """Labels are compared lower-case with single spaces."""
    return " ".join(label.strip().lower().split())


class TagStore:
    """Reads and writes tags, label sets and collections through a :class:`Catalog`."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    # -- tags --------------------------------------------------------------------------------
    def tags(self, photo_id: int, *, include_rejected: bool = False) -> list[Tag]:
        """A photo's tags, best first."""
        rows = self.catalog.query(
            "SELECT label, source, score, state FROM tags WHERE photo_id = ? ORDER BY (source = 'user') DESC, "
            "score DESC, label",
            (photo_id,),
        )
        return [
            Tag(r["label"], TagSource(r["source"]), r["score"], TagState(r["state"]))
            for r in rows
            if include_rejected or r["state"] != TagState.REJECTED
        ]

    def labels(self, photo_id: int) -> list[str]:
        """A photo's visible tag labels."""
        return [t.label for t in self.tags(photo_id)]

    def counts(self) -> list[tuple[str, int]]:
        """Every visible label with the number of photos that carry it, most common first."""
        return [
            (r[0], r[1])
            for r in self.catalog.query(
                "SELECT label, COUNT(*) FROM tags WHERE state != 'rejected' "
                "GROUP BY label ORDER BY COUNT(*) DESC, label"
            )
        ]

    def suggest(self, photo_id: int, suggestions: Sequence[tuple[str, float]], *, model: str, label_set: str) -> int:
        """Stores auto tags for a photo; never overrides a user's tag or brings back a rejected one."""
        added = 0
        now = time.time()
        with self.catalog.transaction() as conn:
            for label, score in suggestions:
                cursor = conn.execute(
                    "INSERT INTO tags (photo_id, label, source, score, state, model, label_set, added_at) "
                    "VALUES (?, ?, 'auto', ?, 'suggested', ?, ?, ?) ON CONFLICT (photo_id, label) DO UPDATE SET "
                    "score = excluded.score, model = excluded.model, label_set = excluded.label_set "
                    "WHERE tags.source = 'auto' AND tags.state = 'suggested'",
                    (photo_id, normalise_label(label), float(score), model, label_set, now),
                )
                added += cursor.rowcount
        return added

    def clear_suggestions(self, photo_ids: Iterable[int], label_set: str) -> None:
        """Drops unreviewed auto tags of a label set (before tagging again with --redo)."""
        with self.catalog.transaction() as conn:
            conn.executemany(
                "DELETE FROM tags WHERE photo_id = ? AND label_set = ? AND state = 'suggested'",
                [(pid, label_set) for pid in photo_ids],
            )
            conn.executemany(
                "DELETE FROM tagging_runs WHERE photo_id = ? AND label_set = ?", [(pid, label_set) for pid in photo_ids]
            )

    def accept(self, photo_id: int, label: str) -> None:
        """The user confirms a tag (an auto one becomes accepted; an unknown one is added)."""
        self._set_state(photo_id, label, "accepted")

    def reject(self, photo_id: int, label: str) -> None:
        """The user removes a tag. An auto tag is remembered as rejected so it never comes back."""
        label = normalise_label(label)
        with self.catalog.transaction() as conn:
            conn.execute("DELETE FROM tags WHERE photo_id = ? AND label = ? AND source = 'user'", (photo_id, label))
            conn.execute("UPDATE tags SET state = 'rejected' WHERE photo_id = ? AND label = ?", (photo_id, label))

    def add(self, photo_id: int, label: str) -> None:
        """The user adds a tag of their own."""
        label = normalise_label(label)
        if not label:
            raise PhotoclipError("A tag needs at least one letter.")
        with self.catalog.transaction() as conn:
            conn.execute(
                "INSERT INTO tags (photo_id, label, source, score, state, added_at) VALUES (?, ?, 'user', NULL, "
                "'accepted', ?) ON CONFLICT (photo_id, label) DO UPDATE SET state = 'accepted'",
                (photo_id, label, time.time()),
            )

    def _set_state(self, photo_id: int, label: str, state: str) -> None:
        label = normalise_label(label)
        with self.catalog.transaction() as conn:
            updated = conn.execute(
                "UPDATE tags SET state = ? WHERE photo_id = ? AND label = ?", (state, photo_id, label)
            ).rowcount
        if not updated:
            self.add(photo_id, label)

    # -- tagging runs ------------------------------------------------------------------------
    def untagged(self, photo_ids: Sequence[int], label_set: str, model: str) -> list[int]:
        """The photos of ``photo_ids`` that this label set and model have not been run over."""
        done = {
            r[0]
            for r in self.catalog.query(
                "SELECT photo_id FROM tagging_runs WHERE label_set = ? AND model = ?", (label_set, model)
            )
        }
        return [pid for pid in photo_ids if pid not in done]

    def mark_tagged(self, photo_ids: Sequence[int], label_set: str, model: str) -> None:
        """Records that these photos were run over (tagged or found to need no tag)."""
        now = time.time()
        with self.catalog.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO tagging_runs (photo_id, label_set, model, at) VALUES (?, ?, ?, ?)",
                [(pid, label_set, model, now) for pid in photo_ids],
            )

    # -- label sets --------------------------------------------------------------------------
    def save_label_set(self, name: str, labels: Sequence[str]) -> None:
        """Saves a user's label set under ``name`` (replacing one of that name)."""
        with self.catalog.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO label_sets (name, labels) VALUES (?, ?)",
                (name, json.dumps([normalise_label(x) for x in labels])),
            )

    def label_sets(self) -> dict[str, tuple[str, ...]]:
        """The user's saved label sets."""
        return {r[0]: tuple(json.loads(r[1])) for r in self.catalog.query("SELECT name, labels FROM label_sets")}

    # -- label text vectors ------------------------------------------------------------------
    def cached_label_vectors(self, model: str, templates: str, labels: Sequence[str]) -> dict[str, np.ndarray]:
        """Label vectors already computed for this model and these templates."""
        found = {}
        for start in range(0, len(labels), 500):
            chunk = list(labels[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for label, blob in self.catalog.query(
                f"SELECT label, vector FROM label_vectors WHERE model = ? AND templates = ? AND label IN ({marks})",
                [model, templates, *chunk],
            ):
                found[label] = np.frombuffer(blob, dtype=np.float32).copy()
        return found

    def store_label_vectors(self, model: str, templates: str, vectors: dict[str, np.ndarray]) -> None:
        """Caches label vectors."""
        with self.catalog.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO label_vectors (model, templates, label, vector) VALUES (?, ?, ?, ?)",
                [(model, templates, label, np.asarray(v, np.float32).tobytes()) for label, v in vectors.items()],
            )

    def forget_model_work(self, model: str) -> None:
        """Drops a model's cached label vectors and which photos its label sets were run over (its
        weights changed, see vector_provenance); the tags themselves stay."""
        with self.catalog.transaction() as conn:
            conn.execute("DELETE FROM label_vectors WHERE model = ?", (model,))
            conn.execute("DELETE FROM tagging_runs WHERE model = ?", (model,))

    # -- collections -------------------------------------------------------------------------
    def create_collection(self, name: str, query: str | None = None) -> Collection:
        """A new album: a saved search (``query``) or, without one, a hand-picked set. Saving an
        existing name again with a query changes its search; without one it leaves it as it is
        (a saved search never turns into an empty hand-picked set)."""
        name = name.strip()
        if not name:
            raise PhotoclipError("A collection needs a name.")
        with self.catalog.transaction() as conn:
            conn.execute(
                "INSERT INTO collections (name, query, created) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE "
                "SET query = COALESCE(excluded.query, collections.query)",
                (name, query, time.time()),
            )
        found = self.collection(name)
        assert found is not None
        return found

    def collection(self, name: str) -> Collection | None:
        """A collection by name."""
        rows = self.catalog.query("SELECT id, name, query FROM collections WHERE name = ?", (name.strip(),))
        return Collection(rows[0]["id"], rows[0]["name"], rows[0]["query"]) if rows else None

    def collections(self) -> list[Collection]:
        """Every collection."""
        rows = self.catalog.query("SELECT id, name, query FROM collections ORDER BY name")
        return [Collection(r["id"], r["name"], r["query"]) for r in rows]

    def add_to_collection(self, collection: Collection, photo_ids: Iterable[int]) -> None:
        """Hand-picks photos into a collection."""
        with self.catalog.transaction() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO collection_photos (collection_id, photo_id) VALUES (?, ?)",
                [(collection.id, pid) for pid in photo_ids],
            )

    def collection_photo_ids(self, collection: Collection) -> list[int]:
        """The hand-picked photos of a collection."""
        return [
            r[0]
            for r in self.catalog.query(
                "SELECT photo_id FROM collection_photos WHERE collection_id = ? ORDER BY photo_id", (collection.id,)
            )
        ]
