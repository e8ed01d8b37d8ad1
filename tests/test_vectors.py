"""The vector index against the catalog: exact and HNSW modes, syncing, and damaged files."""

import json

import numpy as np
import pytest

from photoclip.core.catalog import Catalog, PhotoMetadata
from photoclip.core.vectors import VectorIndex

DIM = 16


def unit(rows, seed):
    vectors = np.random.default_rng(seed).normal(size=(rows, DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture
def catalog(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    root = catalog.add_root(tmp_path)
    catalog.add_pending(root.id, [(f"p{i}.jpg", 1, 1) for i in range(300)])
    ids = [p.id for p in catalog.photos_needing_embedding("m")]
    vectors = unit(len(ids), 1)
    catalog.store_indexed(
        [(pid, PhotoMetadata(f"f{pid}", 1, 1, 0.0, "file"), v) for pid, v in zip(ids, vectors, strict=True)], "m"
    )
    return catalog


def exact_top(catalog, query, k):
    ids, vectors = catalog.vectors("m")
    order = np.argsort(-(vectors @ query))[:k]
    return ids[order].tolist()


@pytest.mark.parametrize("exact_limit", [10_000, 0])
def test_search_matches_exact_search(tmp_path, catalog, exact_limit):
    index = VectorIndex(tmp_path / "index", "m", DIM, exact_limit=exact_limit)
    assert "rebuilt" in index.open(catalog)
    assert index.mode == ("exact" if exact_limit else "hnsw")
    for seed in range(5):
        query = unit(1, 100 + seed)[0]
        ids, scores = index.search(query, 10)
        assert ids.tolist() == exact_top(catalog, query, 10)
        assert np.all(np.diff(scores) <= 1e-6)


@pytest.mark.parametrize("exact_limit", [10_000, 0])
def test_reopening_catches_up_with_what_the_catalog_gained_and_lost(tmp_path, catalog, exact_limit):
    index = VectorIndex(tmp_path / "index", "m", DIM, exact_limit=exact_limit)
    index.open(catalog)
    all_ids = catalog.embedding_ids("m")
    catalog.delete_photos(all_ids[:20].tolist())
    root = catalog.roots()[0]
    catalog.add_pending(root.id, [("new.jpg", 1, 1)])
    new_id = catalog.photos_needing_embedding("m")[0].id
    special = unit(1, 99)[0]
    catalog.store_indexed([(new_id, PhotoMetadata("new", 1, 1, 0.0, "file"), special)], "m")
    reopened = VectorIndex(tmp_path / "index", "m", DIM, exact_limit=exact_limit)
    assert reopened.open(catalog).startswith("loaded")
    assert len(reopened) == 300 - 20 + 1
    assert reopened.search(special, 1)[0].tolist() == [new_id]
    assert not set(reopened.ids().tolist()) & set(all_ids[:20].tolist())


@pytest.mark.parametrize("damage", ["corrupt", "truncate", "delete", "other model", "bad sidecar"])
@pytest.mark.parametrize("exact_limit", [10_000, 0])
def test_damaged_index_files_are_rebuilt_with_the_same_results(tmp_path, catalog, damage, exact_limit):
    index = VectorIndex(tmp_path / "index", "m", DIM, exact_limit=exact_limit)
    index.open(catalog)
    query = unit(1, 7)[0]
    before = index.search(query, 10)[0].tolist()
    data = index.data_path()
    if damage == "corrupt":
        raw = bytearray(data.read_bytes())
        for offset in range(100, len(raw), 997):
            raw[offset] ^= 0xFF
        data.write_bytes(bytes(raw))
    elif damage == "truncate":
        data.write_bytes(data.read_bytes()[: data.stat().st_size // 2])
    elif damage == "delete":
        data.unlink()
    elif damage == "other model":
        other = VectorIndex(tmp_path / "other", "m", DIM, exact_limit=exact_limit)
        other.open(catalog)
        state = json.loads(other.state_path.read_text())
        state["model"] = "some-other-model"
        index.state_path.write_text(json.dumps(state))
    else:
        index.state_path.write_text("{not json")
    reopened = VectorIndex(tmp_path / "index", "m", DIM, exact_limit=exact_limit)
    assert reopened.open(catalog).startswith("rebuilt")
    assert reopened.search(query, 10)[0].tolist() == before
    assert VectorIndex(tmp_path / "index", "m", DIM, exact_limit=exact_limit).open(catalog).startswith("loaded")


def test_crossing_the_exact_limit_switches_to_hnsw_and_back(tmp_path, catalog):
    index = VectorIndex(tmp_path / "index", "m", DIM, exact_limit=250)
    index.open(catalog)
    assert index.mode == "hnsw"
    query = unit(1, 3)[0]
    expected = exact_top(catalog, query, 5)
    assert index.search(query, 5)[0].tolist() == expected
    ids = catalog.embedding_ids("m")
    index.remove(ids[:200])
    assert index.mode == "exact" and len(index) == 100
    index.save()
    assert not index.data_path("hnsw").exists()


def test_filtered_search_only_returns_allowed_ids(tmp_path, catalog):
    for limit in (10_000, 0):
        index = VectorIndex(tmp_path / f"index{limit}", "m", DIM, exact_limit=limit)
        index.open(catalog)
        allowed = catalog.embedding_ids("m")[::7]
        ids, _ = index.search(unit(1, 5)[0], 10, allowed=allowed)
        assert len(ids) == 10 and set(ids.tolist()) <= set(allowed.tolist())


def test_a_failed_save_leaves_the_previous_files_valid(tmp_path, catalog, monkeypatch):
    index = VectorIndex(tmp_path / "index", "m", DIM, exact_limit=0)
    index.open(catalog)
    saved = index.data_path().read_bytes()
    index.add(np.array([10_000]), unit(1, 42))

    def disk_full(path):
        with open(path, "wb") as handle:
            handle.write(b"partial")
        raise OSError(28, "No space left on device")

    import photoclip.core.vectors as vectors_module

    real_atomic_write = vectors_module.atomic_write

    def failing_atomic_write(target, write):
        return real_atomic_write(target, disk_full)

    monkeypatch.setattr(vectors_module, "atomic_write", failing_atomic_write)
    with pytest.raises(OSError):
        index.save()
    assert index.data_path().read_bytes() == saved
    assert not [p for p in index.directory.iterdir() if p.name.startswith(".")]
    monkeypatch.undo()
    assert VectorIndex(tmp_path / "index", "m", DIM, exact_limit=0).open(catalog).startswith("loaded")
