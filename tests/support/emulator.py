"""Helpers for the emulator's tests: a per-seller HTTP client and error unpacking."""

from __future__ import annotations

import secrets
from typing import Any

import httpx

OLD = "2022-02-16"
NEW = "2022-03-16"
VERSIONS = (OLD, NEW)


class Api:
    """A seller's view of one emulator: httpx with a bearer token and a Square-Version."""

    def __init__(self, base_url: str, version: str | None) -> None:
        self.token = "T" + secrets.token_hex(12)
        self.version = version
        self.http = httpx.Client(base_url=base_url, timeout=10)

    def headers(
        self, version: str | None = "", extra: dict[str, str] | None = None
    ) -> dict[str, str]:
        chosen = self.version if version == "" else version
        headers = {"Authorization": f"Bearer {self.token}"}
        if chosen is not None:
            headers["Square-Version"] = chosen
        headers.update(extra or {})
        return headers

    def request(
        self,
        method: str,
        path: str,
        *,
        version: str | None = "",
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        return self.http.request(method, path, headers=self.headers(version, headers), **kwargs)

    def ok(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self.request(method, path, **kwargs)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def group(self, name: str = "g", **kwargs: Any) -> dict[str, Any]:
        body = self.ok("POST", "/v2/customers/groups", json={"group": {"name": name}}, **kwargs)
        group: dict[str, Any] = body["group"]
        return group

    def customer(self, **fields: Any) -> dict[str, Any]:
        customer: dict[str, Any] = self.ok(
            "POST", "/v2/customers", json=fields or {"given_name": "Ann"}
        )["customer"]
        return customer

    def close(self) -> None:
        self.http.close()


def error_of(response: httpx.Response) -> dict[str, Any]:
    """The single error of a Square error envelope."""
    errors = response.json()["errors"]
    assert len(errors) == 1, errors
    error: dict[str, Any] = errors[0]
    return error
