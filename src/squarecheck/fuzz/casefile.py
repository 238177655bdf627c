"""Drawn cases kept on disk between runs (`--fuzz-cache`), so a warm run draws nothing again.

One JSON file per drawn list, named by a digest of its key: the operation's fingerprint
(`squarecheck.fuzz.document.operation_fingerprint`), the mode, the example count, the
schemathesis and hypothesis versions, this file's format, and a digest of how the strategy was
built (its description with the fixed header values left out), so a change to how the fuzzer
asks for cases is a new key too. Generation is derandomized, so
equal keys draw equal cases; a file stands in for drawing only when it reads back whole and the
key written inside it is exactly the one asked for. Anything else (unreadable, cut short,
another key or format, a case that does not rebuild) is drawn again and rewritten: the cache is
never trusted, only used.

A case is stored as its values and schemathesis' own plain form of its metadata
(`CaseMetadata.to_dict`), never pickled. The headers a run fixes (its token and Square-Version)
are left out and taken again from the strategy that reads the file, so no secret reaches disk.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import math
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from requests.structures import CaseInsensitiveDict
from schemathesis import Case
from schemathesis.core import NOT_SET, NotSet
from schemathesis.generation.meta import CaseMetadata

FORMAT = 1
#: A file larger than this is not read (a drawn list is a few dozen kilobytes).
MAX_FILE = 8 * 1024 * 1024
_CASE = "case"


@dataclass(frozen=True)
class Source:
    """What rebuilding a case needs from the strategy that would draw it: the operation the
    cases belong to, and the headers the run fixes on every case (left out of the file)."""

    operation: Any
    fixed_headers: Mapping[str, str]
    #: a digest of the strategy's description, fixed header values left out
    recipe: str = ""


def key_document(key: tuple[str, str, int], recipe: str) -> dict[str, Any]:
    """Everything that decides which cases a key draws, as written inside the file."""
    fingerprint, mode, examples = key
    return {
        "format": FORMAT,
        "fingerprint": fingerprint,
        "mode": mode,
        "examples": examples,
        "strategy": recipe,
        "schemathesis": version("schemathesis"),
        "hypothesis": version("hypothesis"),
    }


def path_for(directory: Path, key: tuple[str, str, int], recipe: str) -> Path:
    text = json.dumps(key_document(key, recipe), sort_keys=True)
    return directory / f"{hashlib.sha256(text.encode()).hexdigest()[:40]}.json"


def _recipe(strategy: Any, fixed: Mapping[str, str]) -> str:
    """A digest of how `strategy` was built; the values of fixed headers (a token) left out,
    and the line breaks its description wraps at (they depend on those values' length)."""
    text = repr(strategy)
    for value in fixed.values():
        if value:
            text = text.replace(repr(str(value)), "<fixed>")
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def source_of(strategy: Any) -> Source | None:
    """The operation and fixed headers behind a schemathesis strategy (also inside a tuple
    strategy), or None when they cannot be found, in which case nothing is cached."""
    pending, seen = [strategy], 0
    while pending and seen < 64:
        item, seen = pending.pop(), seen + 1
        kwargs = getattr(item, "_LazyStrategy__kwargs", None)
        args = getattr(item, "_LazyStrategy__args", None)
        if isinstance(kwargs, Mapping):
            operation = kwargs.get("operation")
            if operation is not None and hasattr(operation, "definition"):
                headers = kwargs.get("headers") or {}
                if not isinstance(headers, Mapping):
                    return None
                return Source(operation, dict(headers), _recipe(strategy, headers))
            pending += list(kwargs.values())
        if isinstance(args, tuple):
            pending += list(args)
    return None


class Unstorable(ValueError):
    """A drawn item that would not read back equal (not plain JSON); such a list is not kept."""


def _plain(value: Any) -> Any:
    """`value` if it survives a JSON round trip unchanged, else Unstorable."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Unstorable("non-finite number")
        return value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _plain(v) for k, v in value.items()}
    raise Unstorable(type(value).__name__)


def encode_case(case: Case[Any], fixed: Mapping[str, str]) -> dict[str, Any]:
    if case._auth is not None or case._has_explicit_auth:
        raise Unstorable("explicit auth")
    left_out = {name.lower() for name in fixed}
    headers = {k: v for k, v in case.headers.items() if k.lower() not in left_out}
    return {
        _CASE: True,
        "method": case.method,
        "path": case.path,
        "id": case.id,
        "path_parameters": _plain(case.path_parameters),
        "headers": _plain(headers),
        "cookies": _plain(case.cookies),
        "query": _plain(case.query),
        "body": _encode_body(case.body),
        "media_type": case.media_type,
        "multipart_content_types": _plain(case.multipart_content_types),
        "meta": None if case.meta is None else _plain(case.meta.to_dict()),
    }


def _encode_body(body: Any) -> dict[str, Any] | None:
    """No body, raw bytes (syntax fuzzing sends random bytes) or a JSON value."""
    if isinstance(body, NotSet):
        return None
    if isinstance(body, bytes):
        return {"bytes": base64.b64encode(body).decode("ascii")}
    return {"value": _plain(body)}


def _decode_body(raw: dict[str, Any] | None) -> Any:
    if raw is None:
        return NOT_SET
    if "bytes" in raw:
        return base64.b64decode(raw["bytes"], validate=True)
    return raw["value"]


def _encode(item: Any, fixed: Mapping[str, str]) -> Any:
    if isinstance(item, Case):
        return encode_case(item, fixed)
    if isinstance(item, tuple):
        return {"tuple": [_encode(part, fixed) for part in item]}
    return {"value": _plain(item)}


def decode_case(raw: dict[str, Any], source: Source) -> Case[Any]:
    headers: CaseInsensitiveDict[str] = CaseInsensitiveDict(raw["headers"])
    headers.update(source.fixed_headers)
    return Case(
        source.operation,
        raw["method"],
        raw["path"],
        id=raw["id"],
        path_parameters=raw["path_parameters"],
        headers=headers,
        cookies=raw["cookies"],
        query=raw["query"],
        body=_decode_body(raw["body"]),
        media_type=raw["media_type"],
        multipart_content_types=raw["multipart_content_types"],
        meta=None if raw["meta"] is None else CaseMetadata.from_dict(raw["meta"]),
    )


def _decode(raw: Any, source: Source) -> Any:
    if not isinstance(raw, dict):
        raise Unstorable("not an item")
    if raw.get(_CASE) is True:
        return decode_case(raw, source)
    if isinstance(raw.get("tuple"), list):
        return tuple(_decode(part, source) for part in raw["tuple"])
    return raw["value"]


def read(directory: Path, key: tuple[str, str, int], source: Source) -> list[Any] | None:
    """The cases kept for `key`, rebuilt for `source`; None when there is no usable file."""
    doc = read_document(path_for(directory, key, source.recipe))
    try:
        if not isinstance(doc, dict) or doc.get("key") != key_document(key, source.recipe):
            return None
        items = doc["items"]
        if not isinstance(items, list) or len(items) > key[2]:
            return None
        return [_decode(item, source) for item in items]
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None


def read_document(path: Path) -> Any:
    """The JSON document at `path`, or None when it is missing, too large or not JSON."""
    try:
        if path.stat().st_size > MAX_FILE:
            return None
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write(directory: Path, key: tuple[str, str, int], items: list[Any], source: Source) -> bool:
    """Keep `items` for `key`, whole or not at all (written aside, then renamed into place).
    False when they cannot be stored or the folder cannot be written; the run goes on."""
    try:
        doc = {
            "key": key_document(key, source.recipe),
            "items": [_encode(i, source.fixed_headers) for i in items],
        }
    except (Unstorable, ValueError, TypeError):
        return False
    return write_document(path_for(directory, key, source.recipe), doc)


def write_document(path: Path, doc: Any) -> bool:
    """Write `doc` as JSON at `path`, whole or not at all (written aside, then renamed into
    place); False when it is not plain JSON or the folder cannot be written."""
    try:
        text = json.dumps(doc, ensure_ascii=True, allow_nan=False)
    except (ValueError, TypeError):
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".draw-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        return False
    return True
