"""Where photoclip keeps things on disk: the library, the thumbnail cache, the model cache."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from photoclip import APP_NAME

LIBRARY_ENV = "PHOTOCLIP_LIBRARY"
CACHE_ENV = "PHOTOCLIP_CACHE"


def home_prefix(text: str) -> str | None:
    """The ``~`` or ``~user`` a path is written from ("~", "~/Pictures/cat.jpg", "~anna/cat.jpg"),
    else None. A name that only starts with "~" ("~$tmp.jpg", an editor's lock file) is a file
    name: Path.expanduser would read it as the home of a user "$tmp.jpg"."""
    separators = ("/", "\\") if os.sep == "\\" else ("/",)
    cut = min((i for i in (text.find(sep) for sep in separators) if i >= 0), default=len(text))
    head = text[:cut]
    if head == "~" or (head.startswith("~") and cut < len(text)):
        return head
    return None


def expand_home(path: str | Path) -> Path:
    """``path`` with a leading ``~`` or ``~user`` folder (:func:`home_prefix`) made that home
    folder; any other path as it is. A home that cannot be found (no user of that name) leaves the
    path as written, a path that is not there, where Path.expanduser raises RuntimeError."""
    text = str(path)
    if home_prefix(text) is None:
        return Path(path)
    try:
        return Path(text).expanduser()
    except RuntimeError:  # "Could not determine home directory."
        return Path(path)


def default_library_dir() -> Path:
    """The library folder: ``$PHOTOCLIP_LIBRARY`` or the platform's user data dir."""
    override = os.environ.get(LIBRARY_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "library"


def default_cache_dir() -> Path:
    """The cache folder: ``$PHOTOCLIP_CACHE`` or the platform's user cache dir."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def default_pictures_dir() -> Path:
    """The platform's Pictures folder, offered on first run."""
    return Path(platformdirs.user_pictures_dir())


def folder_dialog_start() -> Path:
    """Where a dialog asking for a folder of photos opens: the Pictures folder, or the home folder
    where there is none (a dialog opened on a missing folder starts somewhere arbitrary)."""
    pictures = default_pictures_dir()
    return pictures if pictures.is_dir() else Path.home()


def resources_dir() -> Path:
    """photoclip's ``resources/`` folder: label sets, the bundled small model, the tokenizer vocabulary, icons.

    The first that exists of: ``photoclip/resources`` beside the package (an installed wheel carries
    it there, and a frozen bundle mirrors that layout), the top-level ``resources/`` of a checkout
    (also what an editable install reads), and ``resources/`` at the root of a frozen bundle.
    """
    import sys

    package = Path(__file__).resolve().parents[1]
    candidates = [package / "resources", package.parent / "resources"]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle) / "resources")
    for folder in candidates:
        if folder.is_dir():
            return folder
    # None is there: name where an installed photoclip keeps it, so errors point at the right place.
    return candidates[0]


@dataclass(frozen=True)
class LibraryPaths:
    """The files of one library. Derived data (index, thumbnails) can always be rebuilt."""

    root: Path
    cache: Path

    @classmethod
    def resolve(cls, library: Path | str | None = None, cache: Path | str | None = None) -> LibraryPaths:
        """Paths for ``library`` (default: the user's library) and the cache that goes with it."""
        root = Path(library).expanduser() if library else default_library_dir()
        if cache:
            cache_dir = Path(cache).expanduser()
        elif library or os.environ.get(LIBRARY_ENV):
            # A library given by path keeps its thumbnails apart from the default library's.
            cache_dir = default_cache_dir() / "libraries" / _slug(root.resolve())
        else:
            cache_dir = default_cache_dir() / "libraries" / "default"
        return cls(root=root, cache=cache_dir)

    @property
    def catalog(self) -> Path:
        """The SQLite catalog: the source of truth."""
        return self.root / "catalog.sqlite3"

    @property
    def index_dir(self) -> Path:
        """Folder of the HNSW index files, one per model."""
        return self.root / "index"

    @property
    def backups_dir(self) -> Path:
        """Catalog copies made before schema migrations."""
        return self.root / "backups"

    @property
    def thumbnails(self) -> Path:
        """The thumbnail cache, keyed by content fingerprint."""
        return self.cache / "thumbnails"


def models_cache_dir() -> Path:
    """Downloaded model weights live here, shared by all libraries."""
    return default_cache_dir() / "models"


def _slug(path: Path) -> str:
    import hashlib

    digest = hashlib.blake2b(str(path).encode("utf-8"), digest_size=6).hexdigest()
    name = "".join(ch if ch.isalnum() else "-" for ch in path.name)[:32] or "library"
    return f"{name}-{digest}"
