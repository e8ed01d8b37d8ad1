"""Downloading ONNX CLIP models in rclip's and Immich's layouts from a stand-in hub on 127.0.0.1,
and recognising such folders when the user already has them."""

import hashlib
import threading

import pytest
from hub_models import (
    IMMICH_REPO,
    RCLIP_FOLDER,
    RCLIP_REPO,
    SIGLIP_CONFIG,
    TOKENIZER_CONFIG,
    as_json,
    graph,
    immich_repo,
    serve_immich,
    serve_rclip,
)
from hub_server import FakeHub

from photoclip.core.errors import ModelError
from photoclip.core.models import download
from photoclip.core.models.onnx_fetch import (
    download_repo_files,
    fetch_immich_model,
    fetch_rclip_model,
    read_model_folder,
)
from photoclip.core.models.onnx_files import MANIFEST, OnnxModelFiles, TokenizerSpec
from photoclip.core.models.preprocess import PreprocessConfig

VISUAL = graph(2 * 1024 * 1024 + 4321)
TEXTUAL = graph(3 * 1024 * 1024 // 2 + 999)
RCLIP_ID = "ViT-B-32-256/datacomp_s34b_b86k"
RCLIP_PREPROCESS = PreprocessConfig(size=256)  # photoclip's registry says this; rclip's repository does not
IMMICH_ID = "ViT-B-32/laion2b_s34b_b79k"


@pytest.fixture
def hub():
    server = FakeHub().start()
    yield server
    server.stop()


def recorder(hub, seen):
    """A progress callback noting (done, total, GET requests the hub had answered by then)."""
    return lambda done, total: seen.append((done, total, sum(r[0] == "GET" for r in hub.requests)))


def assert_one_stream(seen, total):
    assert seen[0][2] == 0 and seen[0][1] == total  # the total was known before any file was asked for
    assert all(reported_total == total for _, reported_total, _ in seen)
    done = [d for d, _, _ in seen]
    assert done == sorted(done) and done[-1] == total


def rclip(hub, tmp_path, **options):
    options.setdefault("dim", 512)
    return fetch_rclip_model(
        target_dir=tmp_path / "models", model_id=RCLIP_ID, preprocess=RCLIP_PREPROCESS, endpoint=hub.endpoint, **options
    )


def immich(hub, tmp_path, **options):
    return fetch_immich_model(target_dir=tmp_path / "models", model_id=IMMICH_ID, endpoint=hub.endpoint, **options)


def gets(hub, ending=""):
    return [r for r in hub.requests if r[0] == "GET" and r[1].endswith(ending)]


def test_rclip_model_lands_in_its_sub_folder_under_one_progress_stream(hub, tmp_path):
    serve_rclip(hub, VISUAL, TEXTUAL)
    seen = []
    files = rclip(hub, tmp_path, progress=recorder(hub, seen))
    folder = tmp_path / "models" / RCLIP_FOLDER
    assert files.visual_path == folder / "visual.onnx" and files.visual_path.read_bytes() == VISUAL
    assert files.textual_path == folder / "textual.onnx" and files.textual_path.read_bytes() == TEXTUAL
    assert files.tokenizer == TokenizerSpec(kind="clip-bpe", path="", context_length=77)
    assert files.tokenizer_path() is None  # photoclip's bundled vocabulary, the one rclip ships
    assert (files.preprocess, files.dim, files.source) == (RCLIP_PREPROCESS, 512, "rclip")
    assert OnnxModelFiles.load(tmp_path / "models") == files  # the manifest says the same
    assert_one_stream(seen, len(VISUAL) + len(TEXTUAL))
    assert any(len(VISUAL) < done < len(VISUAL) + len(TEXTUAL) for done, _, _ in seen)  # it moves in the second file
    assert not list((tmp_path / "models").rglob("*.part"))


def test_immich_model_lands_in_its_layout_with_the_settings_its_json_files_give(hub, tmp_path):
    repo = immich_repo(VISUAL, TEXTUAL)
    serve_immich(hub, repo)
    seen = []
    files = immich(hub, tmp_path, progress=recorder(hub, seen))
    for path, data in repo.items():
        assert (tmp_path / "models" / path).read_bytes() == data
    assert files.visual_path == tmp_path / "models" / "visual" / "model.onnx"
    assert files.textual_path == tmp_path / "models" / "textual" / "model.onnx"
    assert files.tokenizer == TokenizerSpec(
        kind="hf-json", path="textual/tokenizer.json", context_length=77, pad_id=49407, clean="lower"
    )
    assert files.preprocess == PreprocessConfig(size=224, interpolation="bicubic", resize_mode="shortest")
    assert (files.dim, files.source) == (512, "immich")
    assert OnnxModelFiles.load(tmp_path / "models") == files
    assert_one_stream(seen, sum(len(data) for data in repo.values()))


def test_a_connection_cut_in_the_second_file_resumes_where_it_stopped(hub, tmp_path):
    serve_rclip(hub, VISUAL, TEXTUAL)
    item = hub.files[f"{RCLIP_REPO}/{RCLIP_FOLDER}/textual.onnx"]
    cut = len(TEXTUAL) // 2
    item.cut_first_response_at = cut
    seen = []
    files = rclip(hub, tmp_path, progress=recorder(hub, seen))
    assert files.textual_path.read_bytes() == TEXTUAL and files.visual_path.read_bytes() == VISUAL
    textual_gets = gets(hub, "textual.onnx")
    assert len(textual_gets) == 2 and textual_gets[0][2] is None
    assert cut - download._CHUNK < int(textual_gets[1][2].removeprefix("bytes=").rstrip("-")) <= cut
    assert item.served <= len(TEXTUAL) + download._CHUNK  # not fetched again from the start
    assert len(gets(hub, "visual.onnx")) == 1
    assert_one_stream(seen, len(VISUAL) + len(TEXTUAL))


@pytest.mark.parametrize(
    ("path", "digest"),
    [("visual/model.onnx", "SHA-256"), ("textual/tokenizer_config.json", "git blob SHA-1")],
    ids=["lfs-graph", "small-json"],
)
def test_a_corrupted_file_is_refused_and_deleted(hub, tmp_path, path, digest):
    # The graph comes through LFS (its ETag is its SHA-256); the JSON file from git itself, whose
    # ETag is its git blob SHA-1: both are checked.
    repo = immich_repo(VISUAL, TEXTUAL)
    serve_immich(hub, repo)
    hub.files[f"{IMMICH_REPO}/{path}"].corrupt = True
    with pytest.raises(ModelError, match="corrupt") as raised:
        immich(hub, tmp_path)
    assert digest in str(raised.value)
    target = tmp_path / "models" / path
    assert not list(target.parent.glob(target.name + "*"))  # neither the file nor its .part
    assert not (tmp_path / "models" / MANIFEST).exists()
    hub.files[f"{IMMICH_REPO}/{path}"].corrupt = False
    immich(hub, tmp_path)
    assert target.read_bytes() == repo[path]


def test_a_graph_that_misses_its_pinned_digest_is_refused(hub, tmp_path):
    # The hub vouches for its file, but photoclip's registry pinned another one: that wins.
    serve_rclip(hub, VISUAL, TEXTUAL)
    path = f"{RCLIP_FOLDER}/visual.onnx"
    with pytest.raises(ModelError, match="corrupt"):
        rclip(hub, tmp_path, pinned={path: hashlib.sha256(b"the graph photoclip was tested with").hexdigest()})
    target = tmp_path / "models" / path
    assert not list(target.parent.glob("visual.onnx*"))
    files = rclip(hub, tmp_path, pinned={path: hashlib.sha256(VISUAL).hexdigest().upper()})
    assert files.visual_path.read_bytes() == VISUAL


def test_a_cancelled_download_keeps_its_part_file_for_the_next_call(hub, tmp_path):
    serve_rclip(hub, VISUAL, TEXTUAL)
    cancel = threading.Event()

    def stop_in_the_second_file(done, total):
        if done > len(VISUAL) + len(TEXTUAL) // 3:
            cancel.set()

    with pytest.raises(download.DownloadCancelled):
        rclip(hub, tmp_path, progress=stop_in_the_second_file, cancel=cancel)
    folder = tmp_path / "models" / RCLIP_FOLDER
    (part,) = folder.glob("textual.onnx.*.part")
    kept = part.stat().st_size
    assert len(TEXTUAL) // 3 < kept < len(TEXTUAL)
    assert not (folder / "textual.onnx").exists() and not (tmp_path / "models" / MANIFEST).exists()
    before = len(hub.requests)
    files = rclip(hub, tmp_path)
    again = [r for r in hub.requests[before:] if r[0] == "GET"]
    assert [r[1].rsplit("/", 1)[-1] for r in again] == ["textual.onnx"]  # the finished graph is not fetched again
    assert again[0][2] == f"bytes={kept}-"
    assert files.textual_path.read_bytes() == TEXTUAL


def test_a_model_already_downloaded_costs_no_request(hub, tmp_path):
    repo = immich_repo(VISUAL, TEXTUAL)
    serve_immich(hub, repo)
    first = immich(hub, tmp_path)
    asked = len(hub.requests)
    seen = []
    again = immich(hub, tmp_path, progress=recorder(hub, seen))
    assert len(hub.requests) == asked
    assert again == first
    total = sum(len(data) for data in repo.values())
    assert [(done, reported) for done, reported, _ in seen] == [(total, total)]


def test_a_file_missing_from_the_repository_is_named_before_anything_is_fetched(hub, tmp_path):
    repo = immich_repo(VISUAL, TEXTUAL)
    del repo["textual/tokenizer.json"]
    serve_immich(hub, repo)
    with pytest.raises(ModelError) as raised:
        immich(hub, tmp_path)
    message = str(raised.value)
    assert "textual/tokenizer.json" in message and IMMICH_REPO in message and "visual" not in message
    assert gets(hub) == []


def test_files_keep_their_paths_and_a_path_out_of_the_folder_is_refused(hub, tmp_path):
    repo = immich_repo(VISUAL, TEXTUAL)
    serve_immich(hub, repo)
    paths = ["config.json", "textual/tokenizer.json"]
    local = download_repo_files(IMMICH_REPO, paths, tmp_path / "models", endpoint=hub.endpoint)
    assert local == {path: tmp_path / "models" / path for path in paths}
    assert all(local[path].read_bytes() == repo[path] for path in paths)
    with pytest.raises(ValueError, match="inside a repository"):
        download_repo_files(IMMICH_REPO, ["../config.json"], tmp_path / "models", endpoint=hub.endpoint)


def test_the_int8_choice_survives_a_call_that_fetches_nothing_but_not_a_new_graph(hub, tmp_path):
    serve_rclip(hub, VISUAL, TEXTUAL)
    files = rclip(hub, tmp_path)
    (files.folder / "visual.int8.onnx").write_bytes(b"an int8 graph")
    files.with_changes(visual_int8="visual.int8.onnx", int8_check={"chosen": "int8", "mean_cosine": 0.997}).save()
    assert rclip(hub, tmp_path).precision == "int8"
    assert OnnxModelFiles.load(files.folder).int8_check["chosen"] == "int8"
    files.visual_path.unlink()  # the next call downloads the image graph again: the choice was about the old one
    assert rclip(hub, tmp_path).precision == "fp32"
    assert OnnxModelFiles.load(files.folder).visual_int8 == ""


# -- Immich's JSON files -----------------------------------------------------------------------


def write_tree(root, files):
    for path, data in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    return root


@pytest.mark.parametrize(
    ("pad_token", "pad_id"),
    [
        ("<|endoftext|>", 49407),  # openai/clip-vit-base-patch32: an added (special) token
        ({"__type": "AddedToken", "content": "<|endoftext|>", "lstrip": False, "normalized": True}, 49407),
        ("!", 0),  # LAION's CLIP tokenizers pad with "!", an ordinary vocabulary entry
    ],
    ids=["string", "added-token-object", "vocabulary-entry"],
)
def test_the_pad_token_is_mapped_to_its_id(tmp_path, pad_token, pad_id):
    repo = immich_repo(VISUAL[:10], TEXTUAL[:10], tokenizer_config={**TOKENIZER_CONFIG, "pad_token": pad_token})
    files = read_model_folder(write_tree(tmp_path / "immich", repo), model_id=IMMICH_ID)
    assert files.tokenizer.pad_id == pad_id


def test_the_ids_agree_with_the_tokenizers_library(tmp_path):
    tokenizers = pytest.importorskip("tokenizers")
    repo = immich_repo(VISUAL[:10], TEXTUAL[:10], tokenizer_config={**TOKENIZER_CONFIG, "pad_token": "!"})
    files = read_model_folder(write_tree(tmp_path / "immich", repo), model_id=IMMICH_ID)
    tokenizer = tokenizers.Tokenizer.from_file(str(files.tokenizer_path()))
    assert tokenizer.token_to_id("!") == files.tokenizer.pad_id
    assert tokenizer.encode("a cat").ids == [49406, 320, 513, 49407]  # CLIP's ids for <sot>, "a", and <eot>


def test_an_unknown_pad_token_is_refused_with_the_file_named(tmp_path):
    repo = immich_repo(VISUAL[:10], TEXTUAL[:10], tokenizer_config={**TOKENIZER_CONFIG, "pad_token": "<pad>"})
    with pytest.raises(ModelError, match=r"tokenizer\.json has no id for the pad token '<pad>'"):
        read_model_folder(write_tree(tmp_path / "immich", repo), model_id=IMMICH_ID)


def test_context_length_cleaning_and_size_come_from_config_json(tmp_path):
    repo = immich_repo(VISUAL[:10], TEXTUAL[:10], config=SIGLIP_CONFIG)
    files = read_model_folder(write_tree(tmp_path / "immich", repo), model_id="ViT-B-16-SigLIP/webli")
    assert (files.tokenizer.context_length, files.tokenizer.clean, files.dim) == (64, "canonicalize", 768)


def test_a_damaged_config_json_is_named(tmp_path):
    repo = immich_repo(VISUAL[:10], TEXTUAL[:10])
    repo["config.json"] = repo["config.json"][:40]
    with pytest.raises(ModelError, match=r"config\.json cannot be read"):
        read_model_folder(write_tree(tmp_path / "immich", repo), model_id=IMMICH_ID)


# -- folders the user already has ----------------------------------------------------------------


def test_rclips_data_folder_is_recognised(tmp_path):
    datadir = write_tree(
        tmp_path / "rclip",
        {
            "db.sqlite3": b"SQLite format 3\0",
            "tokenizer/bpe_simple_vocab_16e6.txt.gz": b"\x1f\x8b",
            f"{RCLIP_FOLDER}/visual.onnx": VISUAL[:100],
            f"{RCLIP_FOLDER}/textual.onnx": TEXTUAL[:100],
        },
    )
    files = read_model_folder(datadir, model_id=RCLIP_ID, preprocess=RCLIP_PREPROCESS, dim=512)
    assert files.visual_path == datadir / RCLIP_FOLDER / "visual.onnx"
    assert files.textual_path == datadir / RCLIP_FOLDER / "textual.onnx"
    assert (files.source, files.preprocess, files.dim) == ("rclip", RCLIP_PREPROCESS, 512)
    assert files.tokenizer == TokenizerSpec(kind="clip-bpe", path="", context_length=77)
    with pytest.raises(ModelError, match="--model"):  # rclip's files do not say how pictures are prepared
        read_model_folder(datadir, model_id=RCLIP_ID)


def test_immichs_cache_folder_is_recognised_and_the_model_named_is_chosen(tmp_path):
    clip = tmp_path / "immich_ml" / "clip"
    write_tree(clip / "ViT-B-32__laion2b-s34b-b79k", immich_repo(VISUAL[:100], TEXTUAL[:100]))
    write_tree(clip / "ViT-B-16-SigLIP__webli", immich_repo(VISUAL[:50], TEXTUAL[:50], config=SIGLIP_CONFIG))
    files = read_model_folder(clip, model_id=IMMICH_ID)
    assert files.visual_path == clip / "ViT-B-32__laion2b-s34b-b79k" / "visual" / "model.onnx"
    assert (files.source, files.dim, files.tokenizer.kind) == ("immich", 512, "hf-json")
    with pytest.raises(ModelError, match="several models"):
        read_model_folder(clip, model_id="ViT-L-14/openai")
    direct = read_model_folder(clip / "ViT-B-16-SigLIP__webli", model_id="ViT-B-16-SigLIP/webli")
    assert direct.dim == 768


def test_an_immich_folder_without_its_tokenizer_names_what_is_missing(tmp_path):
    repo = immich_repo(VISUAL[:100], TEXTUAL[:100])
    del repo["textual/tokenizer_config.json"]
    with pytest.raises(ModelError, match=r"lacks textual/tokenizer_config\.json"):
        read_model_folder(write_tree(tmp_path / "immich", repo), model_id=IMMICH_ID)


def test_a_photoclip_manifest_is_read_and_another_models_refused(hub, tmp_path):
    serve_rclip(hub, VISUAL, TEXTUAL)
    fetched = rclip(hub, tmp_path)
    assert read_model_folder(tmp_path / "models") == fetched
    assert read_model_folder(tmp_path / "models", model_id=RCLIP_ID) == fetched
    with pytest.raises(ModelError, match=f"holds the {RCLIP_ID} model, not {IMMICH_ID}"):
        read_model_folder(tmp_path / "models", model_id=IMMICH_ID)
    fetched.textual_path.unlink()
    with pytest.raises(ModelError, match="lacks"):
        read_model_folder(tmp_path / "models")


def test_an_unrelated_folder_is_refused_with_what_was_looked_for(tmp_path):
    photos = write_tree(tmp_path / "Pictures", {"holiday/beach.jpg": b"\xff\xd8\xff", "notes.json": as_json({})})
    listing = sorted(photos.rglob("*"))
    with pytest.raises(ModelError) as raised:
        read_model_folder(photos, model_id=IMMICH_ID)
    message = str(raised.value)
    assert str(photos) in message and MANIFEST in message
    assert "visual.onnx and textual.onnx" in message and "visual/model.onnx and textual/model.onnx" in message
    with pytest.raises(ModelError, match="is not a folder"):
        read_model_folder(photos / "notes.json")
    assert sorted(photos.rglob("*")) == listing  # nothing was written into the user's folder
