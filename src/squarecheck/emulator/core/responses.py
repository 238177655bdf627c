"""The emulator's JSON response: encoded once per request with as little work as possible.

Every response is a JSON object, so the body is encoded by one reusable encoder and the header
list is built directly; Starlette's general `Response.__init__` (header normalising, media type
and charset rules) would cost about as much again as the encoding, on every request.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from json import encoder as json_encoder
from typing import Any

from starlette.responses import Response

_ASCII = json.JSONEncoder().encode


def _readable_encoder() -> Callable[[Any], str]:
    """`json.dumps(body, ensure_ascii=False)`, without building a new C encoder per call.

    `JSONEncoder.encode` makes a fresh `c_make_encoder` each time (about a third of its cost
    for a small body); this one is made once. It skips the circular-reference check, which
    bodies built by the emulator never need. Without the C accelerator: the plain encoder.
    """
    make = getattr(json_encoder, "c_make_encoder", None)
    if make is None:
        return json.JSONEncoder(ensure_ascii=False).encode
    default = json.JSONEncoder().default
    chunks = make(
        None, default, json_encoder.encode_basestring, None, ": ", ", ", False, False, True
    )
    return lambda body: "".join(chunks(body, 0))


_READABLE = _readable_encoder()


def json_bytes(body: dict[str, Any]) -> bytes:
    """UTF-8 JSON; non-ASCII stays readable unless the text cannot be encoded."""
    try:
        return _READABLE(body).encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from \ud800-style escapes in the request
        return _ASCII(body).encode("ascii")


class JsonResponse(Response):
    """A JSON body with its status and headers (same bytes on the wire as `Response`)."""

    media_type = "application/json"

    def __init__(self, body: bytes, status: int, headers: Mapping[str, str] | None) -> None:
        self.status_code = status
        self.background = None
        self.body = body
        raw = [
            (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()
        ]
        raw.append((b"content-length", str(len(body)).encode("latin-1")))
        raw.append((b"content-type", b"application/json"))
        self.raw_headers = raw
