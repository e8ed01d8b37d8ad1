"""Which weights made a library's vectors, so that other weights under the same model name remake them.

A model's vectors are stored under its name. A downloaded model's files are checked against the
registry's digests, so one name means one set of weights. Two can change under a name: the small
model shipped inside photoclip (a new version of the app may ship it retrained) and model files
the user points at (``--weights``). Searching vectors made by other weights with this text tower
ranks photos by noise, so the catalog records a fingerprint of the weights each model's vectors
were made with, and a run over the whole library drops that model's vectors (and what was worked
out from them: label vectors, which photos a label set has been run over) and makes them again
when the fingerprint differs, once the new weights have loaded.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from photoclip.core.models.registry import TINY_MODEL_ID

if TYPE_CHECKING:
    from photoclip.core.catalog import Root
    from photoclip.core.library import Library
    from photoclip.core.models.registry import ModelSpec

log = logging.getLogger(__name__)


def meta_key(model_id: str) -> str:
    """The catalog meta key that holds the fingerprint of ``model_id``'s weights."""
    return f"vectors_made_with:{model_id}"


def _stale(library: Library, spec: ModelSpec) -> tuple[bool, str | None, str | None]:
    """Whether ``spec``'s stored vectors were made by other weights than those in use, with the
    fingerprint in use and the one recorded."""
    current = library.models.fingerprint(spec)
    recorded = library.catalog.get_meta(meta_key(spec.id))
    if current is None or recorded == current:
        return False, current, recorded
    # an unrecorded library's vectors are suspect only for the model photoclip itself ships
    suspect = recorded is not None or spec.id == TINY_MODEL_ID
    return suspect and library.catalog.embedding_count(spec.id) > 0, current, recorded


def stale_vectors_notes(library: Library) -> list[str]:
    """A note for search results when the vectors searched were made by other weights (until the
    next index run over the whole library makes them again): their order means little."""
    spec = library.search_spec
    if not _stale(library, spec)[0]:
        return []
    return [
        f"These photos were indexed with other weights for {spec.id} than the ones in use, so this "
        "order means little until every folder of the library is indexed again."
    ]


def forget_vectors_of_other_weights(library: Library, roots: list[Root] | None, under: object) -> set[int]:
    """Before an index run: records the weights in use when the stored vectors are theirs (or there
    are none yet); when other weights made them and the run covers every folder (no ``under``),
    drops them and returns the photos whose vectors were dropped (the run embeds them again). A run
    over some folders drops nothing: the rest of the library would drop out of search.

    Vectors with no record are taken as the bundled model's from an earlier version of photoclip
    (so made again) only for that model; for any other model they are taken as made by the weights
    in use, which are recorded from now on. The new weights are loaded before anything is dropped,
    so a mistyped ``--weights`` path loses nothing."""
    spec, catalog = library.spec, library.catalog
    stale, current, recorded = _stale(library, spec)
    if current is None or recorded == current:
        return set()
    dropped: set[int] = set()
    if stale:
        every_folder = roots is None or {r.id for r in roots} >= {r.id for r in library.roots()}
        if not every_folder or under is not None:
            return dropped
        library.model(spec.id)  # raises, saying why, before anything is lost
        ids = catalog.embedding_ids(spec.id)
        catalog.delete_model_vectors(spec.id)
        library.index(spec.id).remove(ids, generation=catalog.generation)
        library.tags.forget_model_work(spec.id)
        log.info("%s: %d vectors were made by other weights; making them again", spec.id, len(ids))
        dropped = {int(i) for i in ids}
    catalog.set_meta(meta_key(spec.id), current)
    return dropped
