"""Generated cases, drawn once per operation definition and handed out as fresh copies.

Generation is derandomized and never sees an answer, so the cases drawn for an operation are
the same in every version whose document defines it the same way
(`squarecheck.fuzz.document.operation_fingerprint`). Drawing is most of a fuzz check's time:
schemathesis builds deep Catalog and Orders bodies, and hypothesis would try a thousand times
before it calls an operation with nothing to negate unsatisfiable (`give_up` below). So a
matrix of many versions draws each definition once per process and sends the same cases under
every version. With a cache folder (`use_disk`, from `--fuzz-cache`) the drawn lists are kept
between runs too (`squarecheck.fuzz.casefile`), so a warm run draws nothing.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import FailedHealthCheck, Unsatisfiable
from schemathesis import Case
from schemathesis.core import NotSet

from squarecheck.fuzz import casefile

STEPS = 6  # calls per stateful sequence: enough for create -> add -> retrieve -> remove -> delete
KEPT = 512  # drawn lists kept: every operation, mode and definition of the cutover matrix

_DRAWN: OrderedDict[tuple[str, str, int], list[Any]] = OrderedDict()


@dataclass
class DiskUse:
    """Where drawn lists are kept between runs (None: nowhere), and what this process did."""

    directory: Path | None = None
    read: int = 0
    drawn: int = 0
    written: int = 0


DISK = DiskUse()


def use_disk(directory: Path | None) -> None:
    """Keep drawn lists in `directory` between runs (None: draw in every process)."""
    DISK.directory = directory


def hypothesis_settings(examples: int, steps: int = STEPS, *, give_up: bool = False) -> settings:
    """Reproducible, bounded generation: same cases every run, no example database.

    `give_up`: keep hypothesis' filter_too_much health check, which stops within about fifty
    draws when nearly every one is rejected, where an unsatisfiable strategy otherwise tries a
    thousand times. For this document that happens exactly where there is nothing to negate
    (tests/fuzz/test_drawn.py holds that for every operation and version).
    """
    kept = {HealthCheck.filter_too_much} if give_up else set()
    return settings(
        max_examples=examples,
        stateful_step_count=steps,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[h for h in HealthCheck if h not in kept],
        phases=[Phase.explicit, Phase.generate],
        report_multiple_bugs=False,
    )


def drawn(
    key: tuple[str, str, int],
    strategy: Callable[[], Any],
    examples: int,
    checkpoint: Callable[[], None] = lambda: None,
) -> list[Any]:
    """Fresh copies of the `examples` (the third part of `key`) cases `strategy()` draws; the
    strategy is built only when the key has not been drawn yet.

    `key` is (operation fingerprint, mode, examples): equal keys draw equal cases. An
    unsatisfiable strategy (nothing to negate) yields no case, and that is kept too. With a
    cache folder a key drawn by an earlier process is read from disk instead. `checkpoint`
    runs before each case is kept: an interrupted run stops drawing there (and writes nothing).
    """
    if key not in _DRAWN:
        _DRAWN[key] = _read_or_draw(key, strategy(), examples, checkpoint)
        while len(_DRAWN) > KEPT:
            _DRAWN.popitem(last=False)
    _DRAWN.move_to_end(key)
    return [_fresh(item) for item in _DRAWN[key]]


def _read_or_draw(
    key: tuple[str, str, int], built: Any, examples: int, checkpoint: Callable[[], None]
) -> list[Any]:
    """The key's cases from the cache folder when a usable file is there, else drawn (and
    written there when the strategy's operation can be told, which rebuilding needs)."""
    directory = DISK.directory
    source = casefile.source_of(built) if directory is not None else None
    if directory is None or source is None:
        DISK.drawn += 1
        return _draw(built, examples, checkpoint)
    found = casefile.read(directory, key, source)
    if found is not None:
        DISK.read += 1
        return found
    DISK.drawn += 1
    found = _draw(built, examples, checkpoint)
    DISK.written += casefile.write(directory, key, found, source)
    return found


def _draw(strategy: Any, examples: int, checkpoint: Callable[[], None]) -> list[Any]:
    found: list[Any] = []

    @hypothesis_settings(examples, give_up=True)
    @given(drawn=strategy)
    def collect(drawn: Any) -> None:
        checkpoint()
        found.append(drawn)

    try:
        collect()
    except (Unsatisfiable, FailedHealthCheck):
        found.clear()  # nothing to draw: e.g. no way to negate a bare path id
    return found


def _fresh(item: Any) -> Any:
    """A copy the fuzzer may change (names, keys, path ids) without changing the kept one."""
    if isinstance(item, tuple):
        return tuple(_fresh(part) for part in item)
    if not isinstance(item, Case):
        return copy.deepcopy(item)
    # Built anew rather than deep-copied: a case shares its operation (and through it the whole
    # schema), and its attribute hook expects its metadata to be set first.
    return Case(
        item.operation,
        item.method,
        item.path,
        id=item.id,
        path_parameters=copy.deepcopy(item.path_parameters),
        headers=copy.deepcopy(item.headers),
        cookies=copy.deepcopy(item.cookies),
        query=copy.deepcopy(item.query),
        body=item.body if isinstance(item.body, NotSet) else copy.deepcopy(item.body),
        media_type=item.media_type,
        multipart_content_types=copy.deepcopy(item.multipart_content_types),
        meta=copy.deepcopy(item.meta),
        _auth=item._auth,
        _has_explicit_auth=item._has_explicit_auth,
    )
