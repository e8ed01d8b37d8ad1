"""What a search says about names it was given that the library does not have: a tag no photo has,
a folder or camera no photo's name holds, "similar to IMG_0001" without an image's name."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from photoclip.core.named_photo import SIMILAR_TO

if TYPE_CHECKING:
    from photoclip.core.metadata_match import MetadataMatcher
    from photoclip.core.query import Query


#: Said when the library is too small to tell what is ordinary in it (see small_library.SMALL_LIBRARY).
SMALL_LIBRARY_NOTE = (
    "With {photos} in the library there are too few to tell which stand out from the rest "
    "for this search, so they are listed best first."
)
#: Said when no photo clears the cut-off and the closest few are shown instead.
CLOSEST_NOTE = "No photo stands out clearly for this search; these come closest."
#: Said when the dates a search leaves out ("- 2019") hold every photo it could list.
ALL_DATES_LEFT_OUT_NOTE = "Every photo that could be listed was taken in the dates this search leaves out."
#: Said when a search of left-out words only is given a minimum score.
UNSCORED_NOTE = (
    "A search of left-out words only scores no photo, so a minimum score does not apply: every other photo is listed."
)


def names_not_found(query: Query, known_tags: list[str], words: MetadataMatcher) -> list[str]:
    """Notes on the names ``query`` gives that nothing in the library has (an empty page alone
    does not say whether the name or the rest of the search found nothing)."""
    known = {label.casefold() for label in known_tags}
    notes = [f"No photo is tagged “{tag}”." for tag in query.tags if tag.casefold() not in known]
    notes += [f"No folder's name holds “{name}”." for name in query.folders if not len(words.folder_ids(name))]
    notes += [
        f"No photo was taken with a camera whose name holds “{name}”."
        for name in query.cameras
        if not len(words.camera_ids(name))
    ]
    named = SIMILAR_TO.match(query.raw)
    word = named.group("name") if named else ""
    # a file name's look (IMG_0001, picture-00002), not a word like "dogs"
    if word and not any(term.image for term in query.terms) and re.fullmatch(r"\S*[\d_]\S*", word):
        notes.append(
            f"No photo is called “{word}”, so it was searched as words; "
            "a photo is named with its extension (IMG_0001.jpg)."
        )
    return notes
