"""Schemathesis glue: generated requests from specs/openapi.yaml, judged per Square-Version.

The OpenAPI document describes the newest behaviour (unknown properties refused, page limits
bounded). Under a version where the behaviour table says otherwise, `document_for` loosens
exactly those request schemas, so that generated "negative" data is only what the version
really refuses; a custom check (`unrecognized_field_conformance`) then asks the table whether an
unknown property must be ignored or rejected. Every request goes through the suites' `Client`:
the same token handling, evidence with a curl command, and ledger of created resources (so
fuzzing cleans up after itself like every other check), and the same refusal to modify a
resource the run did not create.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Flaky, Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi import checks as openapi_checks

from squarecheck.behaviours import load_table
from squarecheck.client import MUTATIONS, Client, Exchange
from squarecheck.fuzzdoc import loosen_for_version
from squarecheck.schemas import bundled_openapi

DEFAULT_EXAMPLES = 10  # per operation and generation mode: a default run stays fast
STEPS = 6  # calls per stateful sequence: enough for create -> add -> retrieve -> remove -> delete
# behaviour id -> how the OpenAPI document is loosened while the table says "ignored"
UNKNOWN_FIELD_BEHAVIOURS = ("unrecognized-field", "customers-unrecognized-field")
LIMIT_BEHAVIOUR = "limit-out-of-range"
# Header names the client sets itself (token, version) or that only describe the transport.
MANAGED_HEADERS = {
    "authorization", "square-version", "user-agent", "accept-encoding", "accept",
    "connection", "content-length", "x-schemathesis-testcaseid", "host",
}  # fmt: skip
NAME_FIELDS = {
    "CreateCustomerGroup": (("group", "name"),),
    "UpdateCustomerGroup": (("group", "name"),),
    "CreateCustomer": (("given_name",),),
    "UpdateCustomer": (("given_name",),),
}
KEYED = ("CreateCustomerGroup", "CreateCustomer")  # bodies with an idempotency_key
MEMBERSHIP = ("AddGroupToCustomer", "RemoveGroupFromCustomer")


def _components(doc: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = doc["components"]["schemas"]
    return schemas


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for item in doc["paths"].values():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                yield method, operation


def _lenient(doc: dict[str, Any], name: str, loosen: Callable[[dict[str, Any]], None]) -> str:
    """Add `Lenient<name>` (and lenient copies of what it refers to); returns its name."""
    schemas = _components(doc)
    lenient = f"Lenient{name}"
    if lenient in schemas:
        return lenient
    schemas[lenient] = {}
    body = copy.deepcopy(schemas[name])

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {k: walk(v) for k, v in node.items()}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            out["$ref"] = "#/components/schemas/" + _lenient(doc, ref.rsplit("/", 1)[1], loosen)
        loosen(out)
        return out

    schemas[lenient] = walk(body)
    return lenient


def _allow_unknown(node: dict[str, Any]) -> None:
    if node.get("additionalProperties") is False:
        del node["additionalProperties"]


def _unbounded_limit(node: dict[str, Any]) -> None:
    limit = node.get("properties", {}).get("limit")
    if isinstance(limit, dict):
        limit.pop("minimum", None)
        limit.pop("maximum", None)


def _loosen_body(
    doc: dict[str, Any], operation: dict[str, Any], loosen: Callable[..., None]
) -> None:
    content = operation.get("requestBody", {}).get("content", {})
    for media in content.values():
        ref = media.get("schema", {}).get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            media["schema"]["$ref"] = "#/components/schemas/" + _lenient(
                doc, ref.rsplit("/", 1)[1], loosen
            )


def _loosen_limit_parameter(doc: dict[str, Any], operation: dict[str, Any]) -> None:
    params = doc["components"].setdefault("parameters", {})
    for index, param in enumerate(operation.get("parameters", [])):
        ref = param.get("$ref", "")
        target = params.get(ref.rsplit("/", 1)[-1]) if ref else param
        if not isinstance(target, dict) or target.get("name") != "limit":
            continue
        inline = copy.deepcopy(target)
        inline["schema"].pop("minimum", None)
        inline["schema"].pop("maximum", None)
        operation["parameters"][index] = inline


@lru_cache(maxsize=16)
def _document(version: str) -> str:
    table = load_table()
    doc = bundled_openapi()
    loosen_for_version(doc, table, version)  # the profile and listing history
    # behaviours unrecognized-field, customers-unrecognized-field: "ignored" before the cutover
    lenient_ops: set[str] = set()
    for behaviour_id in UNKNOWN_FIELD_BEHAVIOURS:
        if table[behaviour_id].expect(version).get("outcome") == "ignored":
            lenient_ops.update(table[behaviour_id].operations)
    limit = table[LIMIT_BEHAVIOUR]
    unbounded = (
        set(limit.operations) if limit.expect(version).get("outcome") == "ignored" else set()
    )
    for _method, operation in _operations(doc):
        op_id = operation["operationId"]
        if op_id in lenient_ops:
            _loosen_body(doc, operation, _allow_unknown)
        if op_id in unbounded:
            _loosen_limit_parameter(doc, operation)
            _loosen_body(doc, operation, _unbounded_limit)
    return json.dumps(doc)


def document_for(version: str) -> dict[str, Any]:
    """The OpenAPI document as the behaviour table says it holds under `version` (a copy)."""
    loaded: dict[str, Any] = json.loads(_document(version))
    return loaded


def unknown_fields(doc: dict[str, Any], schema: Any, value: Any, path: str = "") -> list[str]:
    """Names of properties in `value` that `schema` (strict, newest) does not declare."""
    nodes = _resolved(doc, schema)
    if not isinstance(value, dict) or not nodes:
        return []
    declared: dict[str, list[Any]] = {}
    closed = False
    for node in nodes:
        closed = closed or node.get("additionalProperties") is False
        for key, sub in node.get("properties", {}).items():
            declared.setdefault(key, []).append(sub)
    found: list[str] = []
    for key, item in value.items():
        if key not in declared:
            if closed:
                found.append(f"{path}{key}")
            continue
        for sub in declared[key]:
            found += [f for f in unknown_fields(doc, sub, item, f"{path}{key}.") if f not in found]
    return found


def _resolved(doc: dict[str, Any], schema: Any) -> list[dict[str, Any]]:
    """`schema` and everything its $ref chain points at."""
    out: list[dict[str, Any]] = []
    while isinstance(schema, dict):
        out.append(schema)
        ref = schema.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#/components/schemas/"):
            break
        schema = _components(doc).get(ref.rsplit("/", 1)[1])
    return out


@lru_cache(maxsize=1)
def _strict_bodies() -> dict[str, tuple[dict[str, Any], Any]]:
    """operationId -> (the newest document, its request body schema)."""
    doc = bundled_openapi()
    out: dict[str, tuple[dict[str, Any], Any]] = {}
    for _method, operation in _operations(doc):
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            out[operation["operationId"]] = (doc, content["application/json"]["schema"])
    return out


UNKNOWN_PLACES = st.sampled_from(("top", "nested"))
UNKNOWN_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _add_unknown(case: Case[Any], place: str, value: Any) -> Case[Any]:
    """`case` with an undeclared property `sqc_unknown` at the top or in the first nested object."""
    if isinstance(case.body, dict):
        holder = case.body
        nested = [v for v in case.body.values() if isinstance(v, dict)]
        if place == "nested" and nested:
            holder = nested[0]
        holder["sqc_unknown"] = value
    return case


def _behaviour_for_unknown_fields(operation_id: str) -> str | None:
    table = load_table()
    for behaviour_id in UNKNOWN_FIELD_BEHAVIOURS:
        if operation_id in table[behaviour_id].operations:
            return behaviour_id
    return None


def _sent_version(response: schemathesis.Response) -> str | None:
    value = response.request.headers.get("Square-Version")
    return str(value) if value else None


@schemathesis.check
def unrecognized_field_conformance(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: Case[Any]
) -> bool | None:
    """An unknown property is ignored or rejected as the table says for the version sent.

    behaviour unrecognized-field; https://developer.squareup.com/docs/customer-groups-api/what-it-does#migration-notes
    behaviour customers-unrecognized-field; https://developer.squareup.com/docs/changelog/connect-logs/2022-03-16
    """
    operation_id = case.operation.definition.raw.get("operationId", "")
    behaviour_id = _behaviour_for_unknown_fields(operation_id)
    version = _sent_version(response)
    strict = _strict_bodies().get(operation_id)
    if behaviour_id is None or version is None or strict is None:
        return None
    unknown = unknown_fields(strict[0], strict[1], case.body)
    if not unknown:
        return None
    expect = load_table()[behaviour_id].expect(version)
    status = response.status_code
    names = ", ".join(unknown)
    if expect.get("outcome") == "ignored":
        if status != 400:
            return True
        body = response.json() if response.content else None
        errors = body.get("errors") if isinstance(body, dict) else None
        for error in errors if isinstance(errors, list) else []:
            if not isinstance(error, dict):
                continue
            named = str(error.get("field") or "")
            detail = str(error.get("detail") or "")
            leaves = {n: n.rsplit(".", 1)[-1] for n in unknown}
            hit = [
                n for n, leaf in leaves.items()
                if leaf and (named in (n, leaf) or f"'{leaf}'" in detail)
            ] or ([names] if "unrecogni" in detail.lower() else [])  # fmt: skip
            if hit:
                raise AssertionError(
                    f"under {version} unknown properties are ignored ({behaviour_id}), "
                    f"but {status} names {', '.join(hit)}"
                )
        return True
    allowed = {int(expect["status"])}
    if case.path_parameters:
        allowed.add(404)  # the addressed resource may not exist; either answer is a refusal
    if status not in allowed:
        raise AssertionError(
            f"under {version} an unknown property ({names}) is rejected with "
            f"{expect['status']} ({behaviour_id}); got {status}"
        )
    return True


CHECKS = (
    not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.negative_data_rejection,
    unrecognized_field_conformance,
)


def schema_for(version: str) -> schemathesis.BaseSchema:
    """The schemathesis schema of `document_for(version)` (positive and negative generation);
    versions whose documents are the same share one."""
    return _schema_of(_document(version))


@lru_cache(maxsize=16)
def _schema_of(document: str) -> schemathesis.BaseSchema:
    loaded: dict[str, Any] = json.loads(document)
    return schemathesis.openapi.from_dict(loaded, config=schemathesis.Config())


def behaviour_id() -> str:
    """The table row fuzz records belong to: `schema-conformance` once the table has it.

    Until then the nearest documented row, `error-shape` (every answer, errors included,
    matches the published shapes), so that records always name a behaviour of the table.
    """
    return (
        "schema-conformance" if "schema-conformance" in load_table().behaviours else "error-shape"
    )


def operation_ids() -> list[str]:
    """Every operationId of the document, in document order."""
    return [op["operationId"] for _m, op in _operations(bundled_openapi())]


def hypothesis_settings(examples: int, steps: int = STEPS) -> settings:
    """Reproducible, bounded generation: same cases every run, no example database."""
    return settings(
        max_examples=examples,
        stateful_step_count=steps,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
        report_multiple_bugs=False,
    )


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
    """What one fuzzing run sent and found."""

    cases: int = 0
    findings: list[Finding] = field(default_factory=list)
    by_check: dict[str, int] = field(default_factory=dict)


class Fuzzer:
    """Sends generated cases through a squarecheck `Client` and judges them with CHECKS."""

    def __init__(self, client: Client, examples: int = DEFAULT_EXAMPLES) -> None:
        if client.version is None:
            raise ValueError("fuzzing needs a Square-Version")
        self.client = client
        self.version: str = client.version
        self.examples = examples
        self.schema = schema_for(self.version)
        self.report = FuzzReport()
        self._counter = 0
        self._live: dict[str, list[str]] = {"group": [], "customer": []}

    # -- preparing a case ------------------------------------------------------------------
    def _unique(self) -> str:
        self._counter += 1
        return f"{self._counter:05d}"

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
        sent = requests.Request(
            method=str(prepared.method),
            url=resp.exchange.request["url"],
            headers={**headers, **self._auth_headers()},
            data=body,
        ).prepare()
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

    def judge(self, case: Case[Any], mode: str) -> None:
        """Send, check, and keep a finding (with its exchange) when a check fails."""
        self.prepare(case)
        resp, st_response = self.send(case)
        self.report.cases += 1
        try:
            case.validate_response(st_response, checks=list(CHECKS))
        except FailureGroup as group:
            self._found(case, mode, list(group.exceptions), resp.exchange)
        except Failure as failure:
            self._found(case, mode, [failure], resp.exchange)
        finally:
            del self.client.transcript[:]  # evidence is kept per finding, not per case

    def _found(
        self, case: Case[Any], mode: str, failures: list[Failure], exchange: Exchange
    ) -> None:
        names = sorted({str(getattr(f, "title", type(f).__name__)) for f in failures})
        for name in names:
            self.report.by_check[name] = self.report.by_check.get(name, 0) + 1
        message = "; ".join(" ".join(f"{f.title}: {f.message}".split())[:300] for f in failures)
        op_id = str(case.operation.definition.raw.get("operationId"))
        self.report.findings.append(Finding(op_id, mode, names, message, exchange))

    # -- the two ways of generating ----------------------------------------------------------
    def run_operation(self, operation_id: str) -> FuzzReport:
        """Positive then negative generated cases for one operation."""
        operation = self.schema.find_operation_by_id(operation_id)  # type: ignore[attr-defined]
        fixed = self._auth_headers()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode, headers=fixed)
            self._generate(strategy, mode.value)
        if _behaviour_for_unknown_fields(operation_id) is not None:
            # Negative generation never adds undeclared properties, so valid bodies get one
            # here; unrecognized_field_conformance then asks the table for the answer.
            positive = operation.as_strategy(generation_mode=GenerationMode.POSITIVE, headers=fixed)
            self._generate(st.tuples(positive, UNKNOWN_PLACES, UNKNOWN_VALUES), "unknown-property")
        return self.report

    def _generate(self, strategy: Any, mode: str) -> None:
        @hypothesis_settings(self.examples)
        @given(drawn=strategy)
        def run(drawn: Any) -> None:
            if isinstance(drawn, tuple):
                drawn = _add_unknown(*drawn)
            self.judge(drawn, mode)

        try:
            run()
        except Unsatisfiable:
            pass  # nothing to negate (e.g. only a path id, whose negation cannot be sent)

    def run_stateful(self, operations: tuple[str, ...]) -> FuzzReport:
        """Sequences through the OpenAPI links (and inferred ones) among `operations`."""
        fuzzer = self
        subset = self.schema.include(operation_id=list(operations))
        subset.config.generation.update(modes=[GenerationMode.POSITIVE])

        class Machine(subset.as_state_machine()):  # type: ignore[misc]
            def call(self, case: Case[Any], **kwargs: Any) -> schemathesis.Response:
                fuzzer.prepare(case)
                self._sent, st_response = fuzzer.send(case)
                return st_response

            def validate_response(
                self, response: schemathesis.Response, case: Case[Any], **kwargs: Any
            ) -> None:
                fuzzer.report.cases += 1
                try:
                    case.validate_response(response, checks=list(CHECKS))
                except FailureGroup as group:
                    fuzzer._found(case, "stateful", list(group.exceptions), self._sent.exchange)
                except Failure as failure:
                    fuzzer._found(case, "stateful", [failure], self._sent.exchange)
                finally:
                    del fuzzer.client.transcript[:]

        try:
            Machine.run(settings=hypothesis_settings(self.examples))
        except Flaky:
            # A sequence replayed against a live server can take another path (a bundle that
            # filled the first time stays empty); the cases already judged stand.
            pass
        return self.report
