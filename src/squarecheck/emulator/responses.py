"""The emulator's JSON response: encoded once per request with as little work as possible.

Every response is a JSON object, so the body is encoded by one reusable encoder and the header
list is built directly; Starlette's general `Response.__init__` (header normalising, media type
and charset rules) would cost about as much again as the encoding, on every request.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

_READABLE = json.JSONEncoder(ensure_ascii=False).encode
_ASCII = json.JSONEncoder().encode


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
