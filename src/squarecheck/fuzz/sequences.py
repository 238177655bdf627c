"""Stateful sequences recorded once and replayed while the target answers as recorded.

Drawing a sequence is most of a stateful check's time: hypothesis builds every step's case
from schemathesis' strategies, and a step may depend on an earlier answer (an OpenAPI link
passes the created group's id on). Generation is derandomized, so the steps hypothesis takes
are decided by the definitions and by the answers alone: given the same answers it takes the
same steps again. So a sequence is recorded as it is drawn: each step's case as drawn (before
the fuzzer gives it the run's names and keys), the status it was answered with, and its
links, found by value: a string of the case that equals an id in an earlier answer
(`id` or `*_id`) is taken from that answer, at that place, when replayed.

A replay sends each step's case with its links filled from this run's answers and judges it
like a drawn one. It holds only while the target answers as recorded: at the first step
answered with another status, or whose link finds no id, hypothesis would have gone another
way from there, so the replay stops (what it judged stands) and the sequences are drawn again,
and recorded anew. Records are kept per process (the versions of a run whose definitions are
the same share them) and, with `--fuzz-cache`, on disk next to the drawn cases (`casefile`),
with the same rules: fixed headers (the token) never reach the file, and a file that does not
read back whole under exactly the key asked for is not used.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any

from schemathesis import Case

from squarecheck.fuzz import casefile
from squarecheck.fuzz.drawn import DISK, STEPS

#: The fuzz suite's sequences: the operations each stateful check draws its steps from.
GROUP_SEQUENCE = (
    "CreateCustomerGroup",
    "RetrieveCustomerGroup",
    "UpdateCustomerGroup",
    "DeleteCustomerGroup",
)
MEMBERSHIP_SEQUENCE = (
    "CreateCustomer",
    "CreateCustomerGroup",
    "AddGroupToCustomer",
    "RetrieveCustomer",
    "RemoveGroupFromCustomer",
)
CATALOG_SEQUENCE = ("UpsertCatalogObject", "RetrieveCatalogObject", "DeleteCatalogObject")

FORMAT = 1
KEPT = 64  # sequence records kept per process
#: Where a value sits in a case: ("path_parameters" | "query" | "headers", name) or
#: ("body", *json path).
Place = tuple[str | int, ...]


@dataclass(frozen=True)
class Link:
    """A case value taken from an earlier step's answer: at `place` in the case, the string at
    `path` in the answer of step `step` (of the same sequence)."""

    place: Place
    step: int
    path: tuple[str | int, ...]


@dataclass
class Step:
    operation: str
    case: dict[str, Any]  # casefile.encode_case of the case as drawn
    status: int
    links: list[Link] = field(default_factory=list)


Sequence = list[Step]
_KEPT: dict[str, list[Sequence]] = {}


def key_document(fingerprints: dict[str, str], examples: int) -> dict[str, Any]:
    """Everything that decides which sequences are drawn, as written inside the file."""
    return {
        "format": FORMAT,
        "kind": "sequences",
        "operations": fingerprints,
        "examples": examples,
        "steps": STEPS,
        "schemathesis": version("schemathesis"),
        "hypothesis": version("hypothesis"),
    }


def _name(key: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:40]


def recorded(key: dict[str, Any]) -> list[Sequence] | None:
    """The sequences recorded under `key` in this process or in the cache folder, or None."""
    name = _name(key)
    if name in _KEPT:
        return _KEPT[name]
    if DISK.directory is None:
        return None
    doc = casefile.read_document(DISK.directory / f"seq-{name}.json")
    try:
        if not isinstance(doc, dict) or doc.get("key") != key:
            return None
        sequences = [[_step(raw) for raw in seq] for seq in doc["sequences"]]
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    _keep(name, sequences)
    return sequences


def keep(key: dict[str, Any], sequences: list[Sequence]) -> None:
    """Keep `sequences` for `key` in this process and, with a cache folder, on disk."""
    name = _name(key)
    _keep(name, sequences)
    if DISK.directory is not None:
        doc = {"key": key, "sequences": [[_raw(step) for step in seq] for seq in sequences]}
        casefile.write_document(DISK.directory / f"seq-{name}.json", doc)


def _keep(name: str, sequences: list[Sequence]) -> None:
    _KEPT[name] = sequences
    while len(_KEPT) > KEPT:
        _KEPT.pop(next(iter(_KEPT)))


def _raw(step: Step) -> dict[str, Any]:
    links = [{"place": list(x.place), "step": x.step, "path": list(x.path)} for x in step.links]
    return {"operation": step.operation, "case": step.case, "status": step.status, "links": links}


def _step(raw: dict[str, Any]) -> Step:
    status = raw["status"]
    if not isinstance(status, int) or not isinstance(raw["case"], dict):
        raise TypeError("not a step")
    links = [Link(tuple(x["place"]), int(x["step"]), tuple(x["path"])) for x in raw["links"]]
    return Step(str(raw["operation"]), raw["case"], status, links)


# -- recording ---------------------------------------------------------------------------------
class Recorder:
    """Records the sequences a state machine runs (`begin`, then `drawn` and `answered` per
    step); `sequences` is None once a case could not be stored."""

    def __init__(self, fixed_headers: dict[str, str]) -> None:
        self.fixed = fixed_headers
        self.sequences: list[Sequence] | None = []
        self._ids: list[tuple[str, int, tuple[str | int, ...]]] = []
        self._pending: Step | None = None

    def begin(self) -> None:
        if self.sequences is not None:
            self.sequences.append([])
        self._ids = []

    def drawn(self, operation: str, case: Case[Any]) -> None:
        """A step's case as drawn, before the fuzzer prepares it."""
        if self.sequences is None:
            return
        try:
            encoded = casefile.encode_case(case, self.fixed)
        except casefile.Unstorable:
            self.sequences = None
            return
        links = []
        for place, value in _strings(encoded):
            source = next((x for x in reversed(self._ids) if x[0] == value), None)
            if source is not None:
                links.append(Link(place, source[1], source[2]))
        self._pending = Step(operation, encoded, 0, links)

    def answered(self, status: int, body: Any) -> None:
        step, self._pending = self._pending, None
        if self.sequences is None or step is None or not self.sequences:
            return
        step.status = status
        index = len(self.sequences[-1])
        self.sequences[-1].append(step)
        self._ids += [(value, index, path) for path, value in _ids(body, ())]


def _strings(encoded: dict[str, Any]) -> Iterator[tuple[Place, str]]:
    """Every string value of an encoded case, with its place."""
    for part in ("path_parameters", "query", "headers"):
        values = encoded.get(part)
        for name, value in (values or {}).items() if isinstance(values, dict) else ():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str):
                    yield (part, name), item
    body = encoded.get("body")
    if isinstance(body, dict) and "value" in body:
        yield from (((("body", *path)), value) for path, value in _leaves(body["value"], ()))


def _leaves(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))


def _ids(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every id an answer holds: a non-empty string under a key `id` or `*_id`."""
    for leaf_path, leaf in _leaves(value, path):
        last = leaf_path[-1] if leaf_path else None
        if leaf and isinstance(last, str) and (last == "id" or last.endswith("_id")):
            yield leaf_path, leaf


# -- replaying ---------------------------------------------------------------------------------
def replay(
    sequences: list[Sequence],
    rebuild: Callable[[str, dict[str, Any]], Case[Any]],
    judge: Callable[[Case[Any]], tuple[int, Any]],
) -> bool:
    """Judge every recorded step again, links filled from this run's answers; False at the
    first step the target answers otherwise than recorded (the rest would be drawn otherwise),
    or whose recorded case does not rebuild (a damaged file: drawn again, never trusted)."""
    for sequence in sequences:
        answers: list[Any] = []
        for step in sequence:
            try:
                case = rebuild(step.operation, step.case)
            except (KeyError, TypeError, ValueError, AttributeError, IndexError):
                return False
            for link in step.links:
                value = _at(answers[link.step] if link.step < len(answers) else None, link.path)
                if not isinstance(value, str) or not _put(case, link.place, value):
                    return False
            status, body = judge(case)
            if status != step.status:
                return False
            answers.append(body)
    return True


def _at(value: Any, path: tuple[str | int, ...]) -> Any:
    for key in path:
        if isinstance(value, dict) and isinstance(key, str):
            value = value.get(key)
        elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
            value = value[key]
        else:
            return None
    return value


def _put(case: Case[Any], place: Place, value: str) -> bool:
    """Set the value at `place` in `case`; False when the case has no such place."""
    part, *rest = place
    if part == "body" and not rest:
        case.body = value
        return True
    holder: Any = case.body if part == "body" else getattr(case, str(part), None)
    if part != "body" and isinstance(holder, MutableMapping) and len(rest) == 1:
        current = holder.get(rest[0])
        holder[rest[0]] = [value] if isinstance(current, list) else value
        return True
    for key in rest[:-1]:
        holder = _at(holder, (key,))
    if isinstance(holder, dict) and isinstance(rest[-1], str) and rest[-1] in holder:
        holder[rest[-1]] = value
        return True
    if isinstance(holder, list) and isinstance(rest[-1], int) and 0 <= rest[-1] < len(holder):
        holder[rest[-1]] = value
        return True
    return False
