"""A small stand-in for the Hugging Face Hub's file endpoints, served on 127.0.0.1 for tests.

It answers HEAD and GET on ``/{repo}/resolve/{revision}/{filename}`` the way the Hub does: for an
LFS file the ETag (and X-Linked-Etag) is the file's SHA-256 and X-Linked-Size its size; for a small
file kept in git itself (``lfs=False``: config and tokenizer JSON) the ETag is the git blob SHA-1,
``sha1(b"blob <size>\0" + content)``, and only Content-Length gives the size. It honours ``Range``
requests, answers 404 with ``X-Error-Code: EntryNotFound`` for a file it does not have, and can
misbehave on purpose:
cut the connection part-way through a response, send bytes that do not match the ETag, answer every
GET with 200 and half the file whatever range was asked for, or stream far more bytes than the file
has. ``refuse_after`` answers 503 once that many GETs were served: a client that would retry forever
then ends, so a test of it fails instead of hanging.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def git_blob_sha1(data: bytes) -> str:
    """The id git gives a file's content, which the Hub sends as the ETag of a non-LFS file."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class HubFile:
    """A file served by the stand-in hub and how to misbehave with it."""

    data: bytes
    lfs: bool = True  # False: a small file in git, whose ETag is its git blob SHA-1
    cut_first_response_at: int | None = None  # close the connection after this many body bytes, once
    corrupt: bool = False  # serve altered bytes under the true ETag
    half_and_ignore_range: bool = False  # every GET: 200 with the first half of the file, ranges ignored
    extra_bytes: int = 0  # stream this many bytes more than the file has after it
    send_length: bool = True  # False: no Content-Length on GET, the body ends when the connection closes
    refuse_after: int | None = None  # answer 503 to GETs after this many
    gets: int = 0  # GET requests answered so far
    served: int = 0  # body bytes sent so far


@dataclass
class FakeHub:
    """The server and a log of the requests it saw."""

    files: dict[str, HubFile] = field(default_factory=dict)
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def endpoint(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeHub:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _file(self):
                match = re.match(r"^/(.+?)/resolve/[^/]+/(.+)$", self.path.split("?")[0])
                return hub.files.get(f"{match.group(1)}/{match.group(2)}") if match else None

            def _headers(self, item, status, length, extra=()):
                self.send_response(status)
                self.send_header("X-Repo-Commit", "0123456789abcdef0123456789abcdef01234567")
                if item.lfs:
                    digest = hashlib.sha256(item.data).hexdigest()
                    self.send_header("ETag", f'"{digest}"')
                    self.send_header("X-Linked-Etag", f'"{digest}"')
                    self.send_header("X-Linked-Size", str(len(item.data)))
                else:
                    self.send_header("ETag", f'"{git_blob_sha1(item.data)}"')
                self.send_header("Accept-Ranges", "bytes")
                if length is not None:
                    self.send_header("Content-Length", str(length))
                else:
                    self.send_header("Connection", "close")
                for name, value in extra:
                    self.send_header(name, value)
                self.end_headers()

            def do_HEAD(self):
                hub.requests.append(("HEAD", self.path, None))
                item = self._file()
                if item is None:
                    self.send_response(404)
                    self.send_header("X-Error-Code", "EntryNotFound")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self._headers(item, 200, len(item.data))

            def do_GET(self):
                wanted = self.headers.get("Range")
                hub.requests.append(("GET", self.path, wanted))
                item = self._file()
                if item is None:
                    self.send_response(404)
                    self.send_header("X-Error-Code", "EntryNotFound")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                item.gets += 1
                if item.refuse_after is not None and item.gets > item.refuse_after:
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if item.half_and_ignore_range:
                    body = item.data[: len(item.data) // 2]
                    self._headers(item, 200, len(body))
                    self.wfile.write(body)
                    item.served += len(body)
                    return
                if item.extra_bytes:
                    self._send_too_much(item)
                    return
                data = bytearray(item.data)
                if item.corrupt:
                    data[len(data) // 2] ^= 0xFF
                start = 0
                if wanted:
                    start = int(re.match(r"bytes=(\d+)-", wanted).group(1))
                    self._headers(
                        item, 206, len(data) - start, [("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")]
                    )
                else:
                    self._headers(item, 200, len(data))
                body = bytes(data[start:])
                if item.cut_first_response_at is not None:
                    body = body[: item.cut_first_response_at]
                    item.cut_first_response_at = None
                    self.wfile.write(body)
                    self.wfile.flush()
                    item.served += len(body)
                    self.close_connection = True
                    return
                self.wfile.write(body)
                item.served += len(body)

            def _send_too_much(self, item):
                total = len(item.data) + item.extra_bytes
                self._headers(item, 200, total if item.send_length else None)
                self.close_connection = not item.send_length
                try:
                    self.wfile.write(item.data)
                    item.served += len(item.data)
                    block = b"\0" * (1 << 20)
                    sent = 0
                    while sent < item.extra_bytes:
                        piece = block[: item.extra_bytes - sent]
                        self.wfile.write(piece)
                        sent += len(piece)
                        item.served += len(piece)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client hung up: what a careful one does

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
