"""Schemathesis glue: generated requests sent through the suites' client, judged per version.

Every request goes through the suites' `Client`: the same token handling, evidence with a curl
command, and ledger of created resources (so fuzzing cleans up after itself like every other
check), and the same refusal to modify a resource the run did not create. What is valid under a
version comes from `squarecheck.fuzz.document`; `squarecheck.fuzz.conformance` adds the table's
own check.
"""

from __future__ import annotations

import copy
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import requests
import schemathesis
from hypothesis import strategies as st
from hypothesis.errors import Flaky
from requests.structures import CaseInsensitiveDict
from schemathesis import Case, GenerationMode
from schemathesis.core.failures import Failure, FailureGroup

from squarecheck.fuzz import casefile, commerce, sequences
from squarecheck.fuzz.conformance import (
    CHECKS,
    VERSIONED,
    VERSIONLESS,
    behaviour_for_unknown_fields,
)
from squarecheck.fuzz.consistent import keep_rules
from squarecheck.fuzz.document import document_for, operation_fingerprint
from squarecheck.fuzz.drawn import drawn, hypothesis_settings
from squarecheck.target.client import MUTATIONS, Client
from squarecheck.target.evidence import Exchange

# Header names the client sets itself (token, version) or that only describe the transport.
MANAGED_HEADERS = {
    "authorization",
    "square-version",
    "user-agent",
    "accept-encoding",
    "accept",
    "connection",
    "content-length",
    "x-schemathesis-testcaseid",
    "host",
}
NAME_FIELDS = {
    "CreateCustomerGroup": (("group", "name"),),
    "UpdateCustomerGroup": (("group", "name"),),
    "CreateCustomer": (("given_name",),),
    "UpdateCustomer": (("given_name",),),
}
KEYED = ("CreateCustomerGroup", "CreateCustomer")  # bodies with an idempotency_key
MEMBERSHIP = ("AddGroupToCustomer", "RemoveGroupFromCustomer")


UNKNOWN_PLACES = st.sampled_from(("top", "nested"))
UNKNOWN_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _title(failure: Failure) -> str:
    return str(getattr(failure, "title", type(failure).__name__))


def _add_unknown(case: Case[Any], place: str, value: Any) -> Case[Any]:
    """`case` with an undeclared property `sqc_unknown` at the top or in the first nested object."""
    if isinstance(case.body, dict):
        holder = case.body
        nested = [v for v in case.body.values() if isinstance(v, dict)]
        if place == "nested" and nested:
            holder = nested[0]
        holder["sqc_unknown"] = value
    return case


@lru_cache(maxsize=256)
def schema_for(version: str, declared: bool = False) -> schemathesis.BaseSchema:
    """The schemathesis schema of `document_for(version, declared)`; the declared variant
    generates positive cases and stateful sequences, the other negative cases. Versions whose
    documents are the same share one."""
    return _schema_of(json.dumps(document_for(version, declared), sort_keys=True))


@lru_cache(maxsize=32)
def _schema_of(document: str) -> schemathesis.BaseSchema:
    loaded: dict[str, Any] = json.loads(document)
    return schemathesis.openapi.from_dict(loaded, config=schemathesis.Config())


@dataclass
class Finding:
    """One generated request whose answer broke a check."""

    operation: str
    mode: str
    checks: list[str]
    message: str
    exchange: Exchange

    def summary(self) -> str:
        return f"{self.operation} ({self.mode}): {self.message}"


@dataclass
class FuzzReport:
    """What one fuzzing run sent and found.

    `versionless` names the failing checks whose verdict does not depend on the version: the
    only ones a version matrix may compare, since which requests count as invalid (and so
    which cases are generated at all) differs between versions.
    """

    cases: int = 0
    findings: list[Finding] = field(default_factory=list)
    by_check: dict[str, int] = field(default_factory=dict)
    versionless: set[str] = field(default_factory=set)


def failures_of(case: Case[Any], response: schemathesis.Response) -> list[tuple[Failure, bool]]:
    """Each failing check's failure, with whether its verdict is the same in every version.

    Every check runs in one pass first: nearly every answer passes them all, and each pass
    costs schemathesis its set-up again. Only an answer that fails is judged again by the
    versionless checks and the versioned ones apart, to tell its failures apart."""
    try:
        case.validate_response(response, checks=list(CHECKS))
    except (FailureGroup, Failure):
        pass
    else:
        return []
    found: list[tuple[Failure, bool]] = []
    for checks, versionless in ((VERSIONLESS, True), (VERSIONED, False)):
        try:
            case.validate_response(response, checks=list(checks))
        except FailureGroup as group:
            found += [(f, versionless) for f in group.exceptions]
        except Failure as failure:
            found.append((failure, versionless))
    return found


class Fuzzer:
    """Sends generated cases through a squarecheck `Client` and judges them with CHECKS."""

    def __init__(self, client: Client, examples: int) -> None:
        if client.version is None:
            raise ValueError("fuzzing needs a Square-Version")
        self.client = client
        self.version: str = client.version
        self.examples = examples
        self.schema = schema_for(self.version)
        self.positive_schema = schema_for(self.version, declared=True)
        self.report = FuzzReport()
        self._counter = 0
        self._tag = secrets.token_hex(2)  # keeps this fuzzer's marks apart from other checks'
        self._marked: str | None = None
        self._live: dict[str, list[str]] = {"group": [], "customer": []}

    # -- preparing a case ------------------------------------------------------------------
    def _unique(self) -> str:
        self._counter += 1
        return f"{self._tag}{self._counter:05d}"

    def prepare(self, case: Case[Any]) -> None:
        """Names carry the run prefix, keys are fresh, path ids never name others' resources."""
        op_id = str(case.operation.definition.raw.get("operationId"))
        prefix = self.client.conn.ledger.prefix
        body = case.body if isinstance(case.body, dict) else None
        for path in NAME_FIELDS.get(op_id, ()) if body is not None else ():
            holder: Any = body
            for key in path[:-1]:
                holder = holder.get(key) if isinstance(holder, dict) else None
            name = holder.get(path[-1]) if isinstance(holder, dict) else None
            if isinstance(name, str) and name:
                # Same length when possible, so a too-long (negative) name stays too long.
                holder[path[-1]] = (
                    prefix + name[len(prefix) :] if len(name) >= len(prefix) else prefix + name
                )
        self._marked = commerce.prepare(op_id, body, self.client.conn.ledger, self._unique)
        keep_rules(op_id, body)  # client ids unique, a rule's dates in order
        if body is not None and op_id in KEYED and isinstance(body.get("idempotency_key"), str):
            # Distinct keys: a repeated generated key would test key reuse, which has its own
            # version-gated check (behaviour idempotency-key-reuse).
            body["idempotency_key"] = f"{prefix}{self._unique()}-{body['idempotency_key']}"
        if op_id in MEMBERSHIP and case.path_parameters is not None:
            # Membership calls in a sequence address the sequence's own customer and group.
            for key, kind in (("customer_id", "customer"), ("group_id", "group")):
                live = self._live[kind]
                if live and not self.client.conn.ledger.owns(str(case.path_parameters.get(key))):
                    case.path_parameters[key] = live[-1]
        if op_id in MUTATIONS:
            ledger = self.client.conn.ledger
            for key, value in list((case.path_parameters or {}).items()):
                valid = isinstance(value, str) and 0 < len(unquote(value)) <= 255
                if valid and not ledger.owns(str(value)):
                    case.path_parameters[key] = ledger.unknown_id()

    # -- sending and judging ---------------------------------------------------------------
    def send(self, case: Case[Any]) -> tuple[Any, schemathesis.Response]:
        """Send `case` through the client; (squarecheck response, schemathesis response)."""
        op_id = str(case.operation.definition.raw.get("operationId"))
        kwargs = case.as_transport_kwargs(base_url=self.client.conn.base_url)
        kwargs.pop("cookies", None)
        prepared = requests.Request(**kwargs).prepare()
        url = urlsplit(str(prepared.url))
        params: dict[str, Any] = {}
        for key, value in parse_qsl(url.query, keep_blank_values=True):
            params.setdefault(key, []).append(value)
        headers = {
            k: v if isinstance(v, str) else v.decode("latin-1")
            for k, v in prepared.headers.items()
            if k.lower() not in MANAGED_HEADERS
        }
        raw = prepared.body
        body = (
            raw.encode("utf-8") if isinstance(raw, str) else raw if isinstance(raw, bytes) else None
        )
        ledger = self.client.conn.ledger
        # prepare() left only ids this run owns, or ids no resource can have (schema-invalid)
        path_ids = tuple(
            str(v) for v in (case.path_parameters or {}).values() if ledger.owns(str(v))
        )
        resp = self.client.request(
            op_id,
            str(prepared.method),
            url.path,
            content=body,
            params=params,
            headers=headers,
            validate=False,
            path_ids=path_ids,
        )
        self._track(op_id, resp, case)
        if op_id == "BatchUpsertCatalogObjects" and self._marked and resp.status != 200:
            commerce.adopt(self.client, self._marked)  # what its other batches wrote
        # The request as sent, for the checks; set rather than prepared again (the URL is
        # already encoded). Not redacted: a finding's message is, where it becomes a verdict
        # or a record.
        sent = requests.PreparedRequest()
        sent.method, sent.url, sent.body = str(prepared.method), resp.url, body
        sent.headers = CaseInsensitiveDict({**headers, **self._auth_headers()})
        st_response = schemathesis.Response(
            status_code=resp.status,
            headers={k.lower(): [v] for k, v in resp.headers.items()},
            content=resp.text.encode("utf-8"),
            request=sent,
            elapsed=0.0,
            verify=True,
        )
        return resp, st_response

    def _auth_headers(self) -> dict[str, str]:
        out = {"Square-Version": self.version}
        if self.client.token:
            out["Authorization"] = f"Bearer {self.client.token}"
        return out

    def _track(self, op_id: str, resp: Any, case: Case[Any]) -> None:
        """Keep the groups and customers this fuzzer created and has not deleted."""
        kind = "group" if "Group" in op_id else "customer"
        if op_id in ("CreateCustomerGroup", "CreateCustomer") and resp.status == 200:
            rid = (resp.get(kind) or {}).get("id")
            if rid:
                self._live[kind].append(str(rid))
        elif op_id in ("DeleteCustomerGroup", "DeleteCustomer"):
            rid = str((case.path_parameters or {}).get(f"{kind}_id"))
            if rid in self._live[kind]:
                self._live[kind].remove(rid)

    def judge(self, case: Case[Any], mode: str) -> Any:
        """Send, check, and keep a finding (with its exchange) when a check fails; the answer."""
        self.prepare(case)
        resp, st_response = self.send(case)
        self.report.cases += 1
        try:
            self._found(case, mode, failures_of(case, st_response), resp.exchange)
        finally:
            del self.client.transcript[:]  # evidence is kept per finding, not per case
        return resp

    def _found(
        self,
        case: Case[Any],
        mode: str,
        found: list[tuple[Failure, bool]],
        exchange: Exchange,
    ) -> None:
        if not found:
            return
        failures = [f for f, _ in found]
        names = sorted({_title(f) for f in failures})
        for name in names:
            self.report.by_check[name] = self.report.by_check.get(name, 0) + 1
        self.report.versionless.update(_title(f) for f, versionless in found if versionless)
        message = "; ".join(" ".join(f"{f.title}: {f.message}".split())[:300] for f in failures)
        op_id = str(case.operation.definition.raw.get("operationId"))
        self.report.findings.append(Finding(op_id, mode, names, message, exchange))

    # -- the two ways of generating ----------------------------------------------------------
    def run_operation(self, operation_id: str) -> FuzzReport:
        """Positive then negative generated cases for one operation."""
        operation = self.schema.find_operation_by_id(operation_id)  # type: ignore[attr-defined]
        declared = self.positive_schema.find_operation_by_id(operation_id)  # type: ignore[attr-defined]
        fixed = self._auth_headers()

        def cases(source: Any, mode: GenerationMode) -> Callable[[], Any]:
            return lambda: source.as_strategy(generation_mode=mode, headers=fixed)

        positive, negative = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
        self._judge_drawn(operation_id, True, cases(declared, positive), positive.value)
        self._judge_drawn(operation_id, False, cases(operation, negative), negative.value)
        if behaviour_for_unknown_fields(operation_id) is not None:
            # Negative generation never adds undeclared properties, so valid bodies get one
            # here; unrecognized_field_conformance then asks the table for the answer.
            valid = cases(operation, positive)
            with_unknown = lambda: st.tuples(valid(), UNKNOWN_PLACES, UNKNOWN_VALUES)  # noqa: E731
            self._judge_drawn(operation_id, False, with_unknown, "unknown-property")
        return self.report

    def _judge_drawn(
        self, operation_id: str, declared: bool, strategy: Callable[[], Any], mode: str
    ) -> None:
        """Judge the cases `strategy()` draws, drawn once per operation definition (fuzz.drawn)."""
        key = (operation_fingerprint(self.version, declared, operation_id), mode, self.examples)
        for item in drawn(key, strategy, self.examples, self.client.conn.checkpoint):
            self.judge(_add_unknown(*item) if isinstance(item, tuple) else item, mode)

    def run_stateful(self, operations: tuple[str, ...]) -> FuzzReport:
        """Sequences through the OpenAPI links (and inferred ones) among `operations`: replayed
        when recorded (`fuzz.sequences`) and the target answers as recorded, else drawn."""
        fingerprints = {op: operation_fingerprint(self.version, True, op) for op in operations}
        key = sequences.key_document(fingerprints, self.examples)
        kept = sequences.recorded(key)
        if kept is not None and sequences.replay(kept, self._rebuild, self._judge_step):
            return self.report
        recorder = sequences.Recorder(self._auth_headers())
        self._draw_sequences(operations, recorder)
        if recorder.sequences is not None:
            sequences.keep(key, recorder.sequences)
        return self.report

    def _rebuild(self, operation_id: str, raw: dict[str, Any]) -> Case[Any]:
        operation = self.positive_schema.find_operation_by_id(operation_id)  # type: ignore[attr-defined]
        fixed = self._auth_headers()
        return casefile.decode_case(copy.deepcopy(raw), casefile.Source(operation, fixed))

    def _judge_step(self, case: Case[Any]) -> tuple[int, Any]:
        """Send and judge one step of a replayed sequence; its status and body."""
        resp = self.judge(case, "stateful")
        return resp.status, resp.body

    def _draw_sequences(self, operations: tuple[str, ...], recorder: sequences.Recorder) -> None:
        fuzzer = self
        subset = self.positive_schema.include(operation_id=list(operations))
        subset.config.generation.update(modes=[GenerationMode.POSITIVE])

        class Machine(subset.as_state_machine()):  # type: ignore[misc]
            def setup(self) -> None:
                recorder.begin()

            def call(self, case: Case[Any], **kwargs: Any) -> schemathesis.Response:
                recorder.drawn(str(case.operation.definition.raw.get("operationId")), case)
                fuzzer.prepare(case)
                self._sent, st_response = fuzzer.send(case)
                recorder.answered(self._sent.status, self._sent.body)
                return st_response

            def validate_response(
                self, response: schemathesis.Response, case: Case[Any], **kwargs: Any
            ) -> None:
                fuzzer.report.cases += 1
                try:
                    found = failures_of(case, response)
                    fuzzer._found(case, "stateful", found, self._sent.exchange)
                finally:
                    del fuzzer.client.transcript[:]

        try:
            Machine.run(settings=hypothesis_settings(self.examples))
        except Flaky:
            # A sequence replayed against a live server can take another path (a bundle that
            # filled the first time stays empty); the cases already judged stand, and what
            # was recorded is not kept.
            recorder.sequences = None
