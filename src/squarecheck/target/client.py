"""The HTTP client the suites talk to the target with.

It sends `Authorization: Bearer <token>` and `Square-Version`, retries 429 with backoff
(honouring `Retry-After`; a 429 is never a verdict), records every exchange as evidence with the
token redacted and a curl command that reproduces it, validates every response body against
specs/ schemas, keeps the run's ledger of created resources up to date, and refuses to modify
any resource the run did not create. A target is untrusted: each request has one deadline for
everything (connect, send, every read, 429 waits), a body is read up to `--max-body` bytes, and
every target text kept as evidence is cut to `--max-text` characters; beyond a bound is a
`ToolError`, never a verdict.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from squarecheck.errors import ConformanceFailure, ToolError
from squarecheck.spec.schemas import operations, validate_response
from squarecheck.target import transport
from squarecheck.target.bounds import Limits, clip, printable
from squarecheck.target.commerce import (
    CATALOG_MUTATIONS,
    CommerceOperations,
    changed_ids,
    refuse_foreign,
    track_catalog,
)
from squarecheck.target.connection import Connection
from squarecheck.target.evidence import Exchange, Parts, curl_command
from squarecheck.target.retry import RetryPolicy
from squarecheck.target.transport import Raw

__all__ = ["OMIT", "Client", "Connection", "Response", "RetryPolicy"]

OMIT: Any = object()  # "do not send this header / body"

# Operations that change an existing resource: their path ids must be ones the run created.
MUTATIONS = {
    "UpdateCustomerGroup",
    "DeleteCustomerGroup",
    "AddGroupToCustomer",
    "RemoveGroupFromCustomer",
    "UpdateCustomer",
    "DeleteCustomer",
    *CATALOG_MUTATIONS,
}


@dataclass
class Response:
    """A target's answer, parsed."""

    operation: str
    status: int
    headers: dict[str, str]
    body: Any
    text: str
    version: str | None
    exchange: Exchange
    limits: Limits = field(default_factory=Limits)
    url: str = ""  # as sent, not redacted (the exchange's is)

    def shown(self, value: Any, *, quoted: bool = True) -> str:
        """A target value for a message: (repr'd,) control characters escaped, cut to size."""
        return self.limits.clip(printable(repr(value) if quoted else str(value)))

    def first_error(self) -> dict[str, Any]:
        if isinstance(self.body, dict):
            errors = self.body.get("errors")
            if isinstance(errors, list) and errors and isinstance(errors[0], dict):
                return errors[0]
        return {}

    @property
    def error_code(self) -> str | None:
        code = self.first_error().get("code")
        return code if isinstance(code, str) else None

    def get(self, key: str) -> Any:
        return self.body.get(key) if isinstance(self.body, dict) else None


class Client(CommerceOperations):
    """One seller's view of the target under one Square-Version, recording a transcript."""

    def __init__(
        self,
        conn: Connection,
        token: str | None,
        version: str | None,
        transcript: list[Exchange] | None = None,
        *,
        guard: bool = True,
        validate: bool = True,
    ) -> None:
        self.conn = conn
        self.token = token
        self.version = version
        self.transcript: list[Exchange] = [] if transcript is None else transcript
        self.guard = guard
        self.validate = validate
        conn.redactor.add(token)

    def with_token(self, token: str | None) -> Client:
        """The same client acting for another seller (or for nobody, with None)."""
        return Client(self.conn, token, self.version, self.transcript, guard=self.guard)

    # -- the one request method ---------------------------------------------------------------
    def request(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        json_body: Any = OMIT,
        content: str | bytes | None = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        version: Any = None,
        validate: bool | None = None,
        path_ids: tuple[str, ...] = (),
    ) -> Response:
        """Send one request (429 retried) and return the parsed, validated response."""
        if self.guard:
            ids = path_ids + changed_ids(operation, json_body) if operation in MUTATIONS else ()
            refuse_foreign(operation, ids, self.conn.ledger, self.conn.create_orders)
        sent_version = self.version if version is None else version
        req_headers: dict[str, str] = {"Accept": "application/json"}
        if self.token is not None:
            req_headers["Authorization"] = f"Bearer {self.token}"
        if sent_version is not OMIT and sent_version is not None:
            req_headers["Square-Version"] = str(sent_version)
        body_text: str | None = None
        if json_body is not OMIT:
            body_text = json.dumps(json_body, indent=4)
            req_headers["Content-Type"] = "application/json"
        elif content is not None:
            body_text = (
                content.decode("utf-8", "replace") if isinstance(content, bytes) else content
            )
            req_headers.setdefault("Content-Type", "application/json")
        if headers:
            req_headers.update(headers)
        raw = content if content is not None else body_text
        query = {k: v for k, v in (params or {}).items() if v is not None}
        answer = self._send(method, path, req_headers, raw, query)
        resp = self._parse(operation, method, answer, req_headers, body_text, sent_version)
        self._track(operation, resp, path_ids)
        should_validate = self.validate if validate is None else validate
        if should_validate:
            self._validate(resp)
        return resp

    def _send(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        content: str | bytes | None,
        params: dict[str, Any],
    ) -> Raw:
        """One request within one deadline: connect, send, every read and every 429 wait."""
        conn = self.conn
        conn.may_send()
        policy, limit, waited = conn.retry, conn.limits.deadline, 0.0
        started = time.monotonic()
        for attempt in range(1, policy.tries + 1):
            with transport.deadline(limit - (time.monotonic() - started)):
                raw = transport.exchange(conn, method, path, headers, content, params)
            if raw.status != 429:
                conn.answers += 1
                return raw
            delay = policy.delay(attempt, raw.headers.get("Retry-After"))
            left = limit - (time.monotonic() - started)
            if attempt == policy.tries or waited + delay > policy.max_total_wait or delay >= left:
                break
            conn.sleep(delay)
            waited += delay
        raise ToolError(
            f"rate limited: {method} {path} still answered 429 after {attempt} tries "
            f"and {waited:.1f}s of waiting (request deadline {limit:g}s)"
        )

    def _parse(
        self,
        operation: str,
        method: str,
        raw: Raw,
        req_headers: dict[str, str],
        body_text: str | None,
        sent_version: Any,
    ) -> Response:
        red, limits = self.conn.redactor, self.conn.limits
        text = raw.content.decode("utf-8", "replace")
        try:
            body: Any = json.loads(text) if text else None
        except (ValueError, RecursionError):  # not JSON, too deep, or an over-long integer
            body = None

        def parts() -> Parts:
            """The exchange as shown: every text redacted and cut to size (built when read)."""
            kept = ("square-version", "content-type", "retry-after")
            shown_body = limits.clip(red.text(body_text)) if body_text is not None else None
            request = {
                "method": method,
                "url": limits.clip(red.text(raw.url)),
                "headers": red.headers(req_headers),
                "body": shown_body,
            }
            response = {
                "status": raw.status,
                "headers": {
                    k: limits.clip(red.text(v)) for k, v in raw.headers.items() if k.lower() in kept
                },
                "body": limits.clip(red.text(text)),
            }
            curl = curl_command(method, raw.url, req_headers, body_text)
            return request, response, clip(red.text(curl), limits.max_message)

        exchange = Exchange.later(parts)
        self.transcript.append(exchange)
        return Response(
            operation=operation,
            status=raw.status,
            headers=dict(raw.headers),
            body=body,
            text=text,
            version=None if sent_version is OMIT else sent_version,
            exchange=exchange,
            limits=limits,
            url=raw.url,
        )

    def _track(self, operation: str, resp: Response, path_ids: tuple[str, ...]) -> None:
        ledger = self.conn.ledger
        if resp.status == 200 and operation == "CreateCustomerGroup":
            group = resp.get("group") or {}
            if isinstance(group, dict) and group.get("id"):
                ledger.add("group", str(group["id"]), str(group.get("name", "")), self.token)
        elif resp.status == 200 and operation == "CreateCustomer":
            customer = resp.get("customer") or {}
            if isinstance(customer, dict) and customer.get("id"):
                name = str(customer.get("given_name") or customer.get("company_name") or "")
                ledger.add("customer", str(customer["id"]), name, self.token)
        elif operation in ("DeleteCustomerGroup", "DeleteCustomer") and resp.status in (200, 404):
            if path_ids:
                ledger.mark_deleted(path_ids[0])
        track_catalog(ledger, self.token, operation, resp, path_ids)

    def _validate(self, resp: Response) -> None:
        if resp.operation not in operations():
            return  # an operation the schemas do not describe (e.g. an unknown route)
        try:
            problems = validate_response(resp.operation, resp.status, resp.body)
        except RecursionError:
            problems = ["$: nested too deeply to validate"]
        if problems:
            shown = "; ".join(resp.limits.clip(printable(p)) for p in problems[:5])
            raise ConformanceFailure(
                f"{resp.operation} {resp.status} body does not validate against specs/: {shown}",
                operation=resp.operation,
                version=resp.version or "",
                behaviour="error-shape" if resp.status >= 400 else None,
            )

    # -- the covered operations ------------------------------------------------------------------
    def list_groups(self, limit: int | None = None, cursor: str | None = None) -> Response:
        params = {"limit": limit, "cursor": cursor}
        return self.request("ListCustomerGroups", "GET", "/v2/customers/groups", params=params)

    def create_group(
        self,
        name: str | None,
        *,
        key: str | None = None,
        extra: dict[str, Any] | None = None,
        group_extra: dict[str, Any] | None = None,
        body: Any = OMIT,
    ) -> Response:
        if body is OMIT:
            body = {"group": _group(name, group_extra)}
            if key is not None:
                body["idempotency_key"] = key
            body.update(extra or {})
        return self.request("CreateCustomerGroup", "POST", "/v2/customers/groups", json_body=body)

    def retrieve_group(self, group_id: str) -> Response:
        return self.request("RetrieveCustomerGroup", "GET", f"/v2/customers/groups/{group_id}")

    def update_group(
        self,
        group_id: str,
        name: str | None,
        *,
        extra: dict[str, Any] | None = None,
        group_extra: dict[str, Any] | None = None,
        body: Any = OMIT,
    ) -> Response:
        if body is OMIT:
            body = {"group": _group(name, group_extra), **(extra or {})}
        return self.request(
            "UpdateCustomerGroup",
            "PUT",
            f"/v2/customers/groups/{group_id}",
            json_body=body,
            path_ids=(group_id,),
        )

    def delete_group(self, group_id: str) -> Response:
        return self.request(
            "DeleteCustomerGroup",
            "DELETE",
            f"/v2/customers/groups/{group_id}",
            path_ids=(group_id,),
        )

    def create_customer(self, given_name: str, extra: dict[str, Any] | None = None) -> Response:
        body: dict[str, Any] = {"given_name": given_name}
        body.update(extra or {})
        return self.request("CreateCustomer", "POST", "/v2/customers", json_body=body)

    def retrieve_customer(self, customer_id: str) -> Response:
        return self.request("RetrieveCustomer", "GET", f"/v2/customers/{customer_id}")

    def list_customers(self, limit: int | None = None, cursor: str | None = None) -> Response:
        params = {"limit": limit, "cursor": cursor}
        return self.request("ListCustomers", "GET", "/v2/customers", params=params)

    def update_customer(self, customer_id: str, body: Any) -> Response:
        return self.request(
            "UpdateCustomer",
            "PUT",
            f"/v2/customers/{customer_id}",
            json_body=body,
            path_ids=(customer_id,),
        )

    def delete_customer(self, customer_id: str, version: int | None = None) -> Response:
        return self.request(
            "DeleteCustomer",
            "DELETE",
            f"/v2/customers/{customer_id}",
            params={"version": version},
            path_ids=(customer_id,),
        )

    def add_group(self, customer_id: str, group_id: str) -> Response:
        return self.request(
            "AddGroupToCustomer",
            "PUT",
            f"/v2/customers/{customer_id}/groups/{group_id}",
            path_ids=(customer_id, group_id),
        )

    def remove_group(self, customer_id: str, group_id: str) -> Response:
        return self.request(
            "RemoveGroupFromCustomer",
            "DELETE",
            f"/v2/customers/{customer_id}/groups/{group_id}",
            path_ids=(customer_id, group_id),
        )

    def search_customers(self, body: dict[str, Any]) -> Response:
        return self.request("SearchCustomers", "POST", "/v2/customers/search", json_body=body)


def _group(name: str | None, extra: dict[str, Any] | None) -> dict[str, Any]:
    """A request's `group` object: the name (unless left out) and any extra members."""
    group: dict[str, Any] = {} if name is None else {"name": name}
    group.update(extra or {})
    return group
