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


def test_a_filter_larger_than_one_read_of_the_graph_finds_the_exact_best(tmp_path, monkeypatch):
    from photoclip.core import hnsw_index

    monkeypatch.setattr(hnsw_index, "SCAN_CHUNK", 64)  # a folder of many reads, without 100,000 photos
    vectors = unit(1000, 3)
    ids = np.arange(1, 1001)
    index = VectorIndex.from_vectors(tmp_path / "index", "m", ids, vectors, exact_limit=0)
    allowed = ids[ids % 3 != 0]
    query = unit(1, 4)[0]
    found, scores = index.search(query, 50, allowed=allowed)
    best = allowed[np.argsort(-(vectors[allowed - 1] @ query))[:50]]
    assert found.tolist() == best.tolist() and np.all(np.diff(scores) <= 1e-6)


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


def test_photos_removed_and_added_again_keep_their_labels_in_hnsw_mode(tmp_path):
    # The smallest form of a bug found by attack: re-indexing a photo (removed, then added again)
    # made hnswlib reuse another deleted label's slot, and the label vanished from the graph.
    vectors = unit(100, 3)
    ids = np.arange(1, 101)
    index = VectorIndex.from_vectors(tmp_path / "index", "m", ids, vectors, exact_limit=10)
    assert index.mode == "hnsw"
    for pair in ([5, 6], [6, 5], [40, 7], [7, 40, 90]):
        index.remove([5, 6])
        index.add([5, 6], vectors[[4, 5]])
        found, got = index.get_vectors([5])  # raised "Label not found" before the fix
        np.testing.assert_allclose(got, vectors[[4]], atol=1e-6)
        index.remove(pair)
        index.add(pair, vectors[[p - 1 for p in pair]])
        found, got = index.get_vectors(pair)
        assert found.tolist() == pair
        np.testing.assert_allclose(got, vectors[[p - 1 for p in pair]], atol=1e-6)
    index.remove([5, 6])
    assert 5 not in index.ids() and len(index) == 98


@pytest.mark.parametrize("seed", [1, 2])
def test_random_adds_removes_and_replacements_agree_with_a_plain_dict(tmp_path, seed):
    """Thousands of operations on an HNSW index, checked against a dict of vectors after each step."""
    rng = np.random.default_rng(seed)
    truth: dict[int, np.ndarray] = {}
    index = VectorIndex(tmp_path / "index", "m", DIM, exact_limit=8)
    operations = 0
    for step in range(400):
        kind = rng.choice(["add new", "re-add removed", "replace live", "remove"])
        count = int(rng.integers(1, 12))
        if kind == "add new" or not truth:
            labels = rng.choice(np.arange(1, 600), size=count, replace=False)
        elif kind == "re-add removed":
            removed = [i for i in range(1, 600) if i not in truth]
            labels = rng.choice(removed, size=min(count, len(removed)), replace=False)
        elif kind in ("replace live", "remove"):
            live = np.array(sorted(truth))
            labels = rng.choice(live, size=min(count, len(live)), replace=False)
        labels = np.asarray(labels, dtype=np.int64)
        if kind == "remove":
            index.remove(labels)
            for label in labels.tolist():
                truth.pop(label, None)
        else:
            fresh = unit(len(labels), int(rng.integers(1 << 30)))
            index.add(labels, fresh)
            truth.update(zip(labels.tolist(), fresh, strict=True))
        operations += len(labels)
        assert sorted(index.ids().tolist()) == sorted(truth)
        assert len(index) == len(truth)
        if truth:
            live = np.array(sorted(truth))
            found, got = index.get_vectors(live)
            assert found.tolist() == live.tolist()
            np.testing.assert_allclose(got, np.stack([truth[i] for i in live.tolist()]), atol=1e-6)
            query = unit(1, step)[0]
            k = min(5, len(truth))
            ids, scores = index.search(query, k)
            assert len(set(ids.tolist())) == len(ids) and set(ids.tolist()) <= set(truth)
            np.testing.assert_allclose(scores, [float(truth[i] @ query) for i in ids.tolist()], atol=1e-5)
            exact = sorted(truth, key=lambda i: -float(truth[i] @ query))[:k]
            assert len(set(ids.tolist()) & set(exact)) >= k - 1  # approximate, but never far off
    assert operations > 1000


def test_temporaries_of_a_writer_killed_mid_save_are_removed_on_open(tmp_path, catalog):
    import signal
    import subprocess
    import sys
    import textwrap

    index_dir = tmp_path / "index"
    index = VectorIndex(index_dir, "m", DIM, exact_limit=0)
    index.open(catalog)
    # A real process starts saving the graph, then is killed while the temporary is half written.
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from photoclip.core.atomic import atomic_write
        def write(path):
            path.write_bytes(b"half a graph" * 1000)
            print("writing", flush=True)
            time.sleep(60)
        atomic_write(Path({str(index.data_path())!r}), write)
        """
    )
    writer = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "writing"
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    leftovers = [p for p in index_dir.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) == 1
    # A save of a live process (this one) in progress is not touched.
    from photoclip.core.atomic import temporary_path

    ours = temporary_path(index.data_path())
    ours.write_bytes(b"in progress")
    reopened = VectorIndex(index_dir, "m", DIM, exact_limit=0)
    assert reopened.open(catalog).startswith("loaded")
    assert [p.name for p in index_dir.iterdir() if p.name.endswith(".tmp")] == [ours.name]


def test_a_catalog_that_lost_committed_vectors_is_detected(tmp_path, catalog):
    """A damaged or deleted -wal file silently drops committed writes (SQLite cannot tell); the
    index file, which saw them, can."""
    import shutil

    index = VectorIndex(tmp_path / "index", "m", DIM)
    index.open(catalog)
    snapshot = tmp_path / "before.sqlite3"
    catalog._connect().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(catalog.path, snapshot)
    root = catalog.roots()[0]
    catalog.add_pending(root.id, [(f"late{i}.jpg", 1, 1) for i in range(5)])
    late = [p.id for p in catalog.photos_needing_embedding("m")]
    vectors = unit(5, 77)
    catalog.store_indexed(
        [(pid, PhotoMetadata(f"l{pid}", 1, 1, 0.0, "file"), v) for pid, v in zip(late, vectors, strict=True)], "m"
    )
    index.add(late, vectors, seq_high=catalog.max_seq("m"))
    index.save()
    catalog.close()
    # The writes after the snapshot are lost, as when the -wal holding them is gone.
    shutil.copy(snapshot, catalog.path)
    for suffix in ("-wal", "-shm"):
        catalog.path.with_name(catalog.path.name + suffix).unlink(missing_ok=True)
    reopened_catalog = Catalog(catalog.path)
    reopened = VectorIndex(tmp_path / "index", "m", DIM)
    account = reopened.open(reopened_catalog)
    assert reopened.lost_from_catalog == 5
    assert "lost 5 vectors" in account
    assert len(reopened) == 300  # the index follows the catalog, the source of truth
    reopened_catalog.close()
