"""The real download code against a stand-in hub on 127.0.0.1: resume, verification, no network."""

import dataclasses
import hashlib
import itertools
import os
import time

import pytest
from hub_server import FakeHub, HubFile

from photoclip.core.errors import ModelError
from photoclip.core.models import download
from photoclip.core.models.registry import get_model

PAYLOAD = os.urandom(3 * 1024 * 1024 + 12345)


@pytest.fixture
def hub():
    server = FakeHub().start()
    yield server
    server.stop()


@pytest.fixture
def spec(tmp_path):
    return dataclasses.replace(
        get_model("ViT-B-32-256/datacomp_s34b_b86k"),
        hf_repo="test-org/clip-model",
        filenames=("open_clip_model.safetensors", "open_clip_pytorch_model.bin"),
    )


def test_downloads_and_verifies_with_progress(hub, spec, tmp_path):
    hub.files["test-org/clip-model/open_clip_model.safetensors"] = HubFile(PAYLOAD)
    seen = []
    path = download.download_weights(
        spec,
        endpoint=hub.endpoint,
        target_dir=tmp_path / "models",
        progress=lambda done, total: seen.append((done, total)),
    )
    assert path.read_bytes() == PAYLOAD
    assert download.verified_marker(path).read_text().strip() == hashlib.sha256(PAYLOAD).hexdigest()
    assert seen and seen[-1] == (len(PAYLOAD), len(PAYLOAD))
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(seen))


def test_falls_back_to_the_next_file_name(hub, spec, tmp_path):
    hub.files["test-org/clip-model/open_clip_pytorch_model.bin"] = HubFile(PAYLOAD)
    path = download.download_weights(spec, endpoint=hub.endpoint, target_dir=tmp_path / "models")
    assert path.name == "open_clip_pytorch_model.bin" and path.read_bytes() == PAYLOAD


def test_resumes_after_the_connection_is_cut(hub, spec, tmp_path):
    cut = 1024 * 1024 + 7
    item = HubFile(PAYLOAD, cut_first_response_at=cut)
    hub.files["test-org/clip-model/open_clip_model.safetensors"] = item
    path = download.download_weights(spec, endpoint=hub.endpoint, target_dir=tmp_path / "models")
    assert path.read_bytes() == PAYLOAD
    gets = [r for r in hub.requests if r[0] == "GET"]
    assert len(gets) == 2 and gets[0][2] is None
    resumed_at = int(gets[1][2].removeprefix("bytes=").rstrip("-"))
    assert 0 < cut - download._CHUNK <= resumed_at <= cut  # from the last whole chunk written
    assert item.served <= len(PAYLOAD) + download._CHUNK  # not downloaded again from the start


def test_a_stopped_download_resumes_in_the_next_run(hub, spec, tmp_path):
    import threading

    item = HubFile(PAYLOAD)
    hub.files["test-org/clip-model/open_clip_model.safetensors"] = item
    cancel = threading.Event()

    def stop_at_a_third(done, total):
        if done > len(PAYLOAD) // 3:
            cancel.set()

    with pytest.raises(download.DownloadCancelled):
        download.download_weights(
            spec, endpoint=hub.endpoint, target_dir=tmp_path / "models", progress=stop_at_a_third, cancel=cancel
        )
    path = download.download_weights(spec, endpoint=hub.endpoint, target_dir=tmp_path / "models")
    assert path.read_bytes() == PAYLOAD
    last_get = [r for r in hub.requests if r[0] == "GET"][-1]
    assert last_get[2] is not None and int(last_get[2][6:-1]) >= len(PAYLOAD) // 3


def test_a_corrupted_download_is_rejected_and_deleted(hub, spec, tmp_path):
    hub.files["test-org/clip-model/open_clip_model.safetensors"] = HubFile(PAYLOAD, corrupt=True)
    with pytest.raises(ModelError, match="corrupt"):
        download.download_weights(spec, endpoint=hub.endpoint, target_dir=tmp_path / "models")
    assert not list((tmp_path / "models").glob("open_clip_model.safetensors*"))
    # A later, good download then succeeds.
    hub.files["test-org/clip-model/open_clip_model.safetensors"] = HubFile(PAYLOAD)
    path = download.download_weights(spec, endpoint=hub.endpoint, target_dir=tmp_path / "models")
    assert path.read_bytes() == PAYLOAD


def test_a_digest_pinned_in_the_registry_must_match_even_when_the_server_vouches_for_the_file(hub, spec, tmp_path):
    hub.files["test-org/clip-model/open_clip_model.safetensors"] = HubFile(PAYLOAD)  # its ETag is its SHA-256
    pinned = dataclasses.replace(
        spec, sha256={"open_clip_model.safetensors": hashlib.sha256(b"the file photoclip was tested with").hexdigest()}
    )
    with pytest.raises(ModelError, match="corrupt"):
        download.download_weights(pinned, endpoint=hub.endpoint, target_dir=tmp_path / "models")
    assert not list((tmp_path / "models").glob("open_clip_model.safetensors*"))


def test_no_network_gives_a_message_that_says_what_to_do(spec, tmp_path):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(ModelError) as raised:
        download.download_weights(spec, endpoint=f"http://127.0.0.1:{port}", target_dir=tmp_path / "models")
    message = str(raised.value)
    assert "Could not download" in message and "--weights" in message and "photoclip-tiny" in message
    assert time.monotonic() - started < 60


def test_a_mirror_that_never_sends_the_rest_is_given_up_on(hub, spec, tmp_path, monkeypatch):
    # Every GET gets 200 and the first half of the file, whatever range was asked for. The download
    # must give up after a few attempts that bring nothing new, with the network message, instead
    # of asking again forever (the stand-in answers 503 after 100 GETs so that a loop ends).
    item = HubFile(PAYLOAD, half_and_ignore_range=True, refuse_after=100)
    hub.files["test-org/clip-model/open_clip_model.safetensors"] = item
    pauses = []
    monkeypatch.setattr(download.time, "sleep", pauses.append)  # record the back-off instead of waiting it
    with pytest.raises(ModelError) as raised:
        download.download_weights(spec, endpoint=hub.endpoint, target_dir=tmp_path / "models")
    message = str(raised.value)
    assert "Could not download" in message and "--weights" in message and "photoclip-tiny" in message
    assert "503" not in message  # it gave up by itself, not because the stand-in stopped answering
    assert item.gets <= download._RETRIES + 2
    assert len(pauses) == download._RETRIES and pauses == sorted(pauses) and pauses[-1] > pauses[0] > 0


@pytest.mark.parametrize("send_length", [True, False], ids=["content-length", "until-close"])
def test_a_server_sending_more_than_it_announced_is_stopped_at_the_size(hub, spec, tmp_path, send_length):
    # The hub announces a 1 MB file and then streams 40 MB more: nothing past 1 MB may reach the disk.
    small = PAYLOAD[: 1 << 20]
    item = HubFile(small, extra_bytes=40 << 20, send_length=send_length)
    hub.files["test-org/clip-model/open_clip_model.safetensors"] = item
    seen = []
    with pytest.raises(ModelError, match="more than the 1,048,576 bytes") as raised:
        download.download_weights(
            spec,
            endpoint=hub.endpoint,
            target_dir=tmp_path / "models",
            progress=lambda done, total: seen.append((done, total)),
        )
    assert "run the command again" in str(raised.value).lower() or "--weights" in str(raised.value)
    assert seen and max(done for done, _ in seen) <= len(small)
    assert not list((tmp_path / "models").glob("open_clip_model.safetensors*"))  # the part file is gone
    # Once the server behaves, the same download succeeds.
    hub.files["test-org/clip-model/open_clip_model.safetensors"] = HubFile(small)
    path = download.download_weights(spec, endpoint=hub.endpoint, target_dir=tmp_path / "models")
    assert path.read_bytes() == small
