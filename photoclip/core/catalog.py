"""The SQLite catalog: roots, photos, their embeddings, tags and errors, in one file per library.

:class:`Catalog` is assembled from parts, each in its own module: connections, transactions and
the schema (:mod:`catalog_base`), watched folders (:mod:`catalog_roots`), photos
(:mod:`catalog_photos`), vectors (:mod:`catalog_vectors`) and dates by month
(:mod:`catalog_dates`). Tags, label sets and collections live in the same file and are read
through :class:`~photoclip.core.tag_store.TagStore`.
"""

from __future__ import annotations

from photoclip.core.catalog_dates import DatesMixin
from photoclip.core.catalog_photos import PhotosMixin
from photoclip.core.catalog_roots import RootsMixin
from photoclip.core.catalog_text import db_text, from_db, glob_escape
from photoclip.core.catalog_vectors import VectorsMixin
from photoclip.core.records import PhotoMetadata, PhotoRow, Root

__all__ = ["Catalog", "PhotoMetadata", "PhotoRow", "Root", "db_text", "from_db", "glob_escape"]


class Catalog(RootsMixin, PhotosMixin, VectorsMixin, DatesMixin):
    """The library's catalog file. Safe to share between threads."""
