"""Handlers of the Catalog operations: check the request, call `catalog`, shape the answer.

Request bodies are checked against their schemas (`schemacheck`) and pruned to the fields the
emulator models; unrecognized fields are ignored or refused as the table says (behaviour
catalog-orders-unrecognized-field); an integer written 1e3 or 1000.0 is taken as 1000 or
refused as the table says (behaviour integral-numbers). Upserts are idempotent per seller,
operation and key: the same body replays the first answer (behaviour
catalog-upsert-idempotency), another body is the table's error (catalog-idempotency-key-reused).
A batch upsert one of whose batches failed answers 400 with that batch's own error or, as the
table may say, a BAD_REQUEST naming the batch (catalog-batch-failure-status).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from squarecheck.emulator.call import Call
from squarecheck.emulator.commerce import catalog, catalog_query
from squarecheck.emulator.commerce.catalog_ids import assign
from squarecheck.emulator.commerce.catalog_validate import refuse_unmodelled
from squarecheck.emulator.commerce.fields import refuse_unknown
from squarecheck.emulator.commerce.gates import Gates, gates_for
from squarecheck.emulator.commerce.store import CatalogSession, Remembered
from squarecheck.emulator.core import schemacheck
from squarecheck.emulator.core import validate as v
from squarecheck.emulator.core.cursors import cursor_errors
from squarecheck.emulator.core.errors import (
    ArrayLengthTooLong,
    BadRequest,
    InvalidValue,
    NotFound,
    SquareError,
    by_code,
)

Body = dict[str, Any]
PER_BATCH, PER_REQUEST = 1_000, 10_000  # spec-head BatchUpsertCatalogObjects
#: CatalogQuery kinds of Square's spec that the emulator does not model
QUERIES_UNMODELLED = (
    "sorted_attribute_query", "set_query", "range_query", "text_query", "items_for_tax_query",
    "items_for_modifier_list_query", "items_for_item_options_query",
    "item_variations_for_item_option_values_query",
)  # fmt: skip


def gates(call: Call) -> Gates:
    """The version's and the faults' say on one request (codes where Square is silent)."""
    return gates_for(call.version, call.config)


def query_flag(query: Mapping[str, str], name: str) -> bool:
    raw = query.get(name)
    if raw is None:
        return False
    if raw.lower() not in ("true", "false"):
        raise InvalidValue(f"Expected {name} to be true or false.", field=name)
    return raw.lower() == "true"


def refuse_catalog_version(query: Mapping[str, str]) -> None:
    if "catalog_version" in query:
        raise BadRequest(
            "squarecheck's emulator does not model `catalog_version`; leave it out.",
            field="catalog_version",
        )


def _replayed(
    session: CatalogSession, operation: str, key: str, body: Body, call: Call
) -> Body | None:
    """The first answer for a reused key with the same body; another body is an error.

    With the injected fault catalog-replay-creates a same-body replay is processed again.
    """
    seen = session.remembered(operation, key)
    if seen is None:
        return None
    if seen.fingerprint != _fingerprint(body):
        raise by_code(call.expect("catalog-idempotency-key-reused")["code"])(
            "Duplicate idempotency key used with a different request body.",
            field="idempotency_key",
        )
    if gates(call).replay_creates:
        return None
    if seen.status != 200:
        first = seen.body["errors"][0]
        raise by_code(first["code"])(first.get("detail"), field=first.get("field"))
    return seen.body


def _groups(call: Call) -> Callable[[str], bool]:
    """Whether the seller has a customer group (a pricing rule may name only those)."""

    def exists(group_id: str) -> bool:
        try:
            call.customers.retrieve_group(call.token, group_id)
        except NotFound:
            return False
        return True

    return exists


def _fingerprint(body: Body) -> str:
    return json.dumps({k: v for k, v in body.items() if k != "idempotency_key"}, sort_keys=True)


def _upsert(
    call: Call, operation: str, batches: list[list[Body]], problems: dict[int, SquareError]
) -> Body:
    """Shared by both upserts: idempotency, ids, writing, the remembered answer.

    A failed batch's error is raised after the transaction that wrote the other batches has
    committed (an error inside it would roll them back)."""
    assert call.body is not None
    body = call.body.value
    key = str(body["idempotency_key"])
    single = operation == "UpsertCatalogObject"
    with call.commerce.session(call.token) as session:
        replay = _replayed(session, operation, key, body, call)
        if replay is not None:
            return replay
        mapping = assign([obj for batch in batches for obj in batch])
        written = catalog.write(
            session, batches, mapping, problems, gates(call), single, _groups(call)
        )
        failure = None
        if written.errors:
            failure = written.errors[0]
            if not single and call.expect("catalog-batch-failure-status")["error"] == "generic":
                where = f"batches[{written.failed[0]}]"
                detail = f"`{where}` failed: {failure.detail or failure.code}"
                failure = BadRequest(detail, field=where)
            if not written.ids:
                raise failure  # nothing written: the transaction may roll back
            error_body = failure.to_body()
            session.remember(operation, key, Remembered(_fingerprint(body), 400, error_body))
        else:
            answer = _answer(session, written, single, gates(call).groups_field)
            session.remember(operation, key, Remembered(_fingerprint(body), 200, answer))
    if failure is not None:
        raise failure
    return answer


def _answer(session: CatalogSession, written: catalog.Written, single: bool, groups: bool) -> Body:
    objects = [catalog.render(session, session.get(i) or {}, groups) for i in written.ids]
    answer: Body = {"catalog_object": objects[0]} if single else {"objects": objects}
    if not single:
        answer["updated_at"] = written.stamp
    if written.mappings:
        answer["id_mappings"] = written.mappings
    return answer


def upsert_catalog_object(call: Call) -> Body:
    body = v.body_object(call.body, call.version)
    schemacheck.check("UpsertCatalogObjectRequest", body, integral=v.integral(call.version))
    refuse_unknown("UpsertCatalogObjectRequest", call.body, call.version)
    refuse_unmodelled(body["object"], "object")
    request = schemacheck.prune("UpsertCatalogObjectRequest", body)
    return _upsert(call, "UpsertCatalogObject", [[request["object"]]], {})


def batch_upsert_catalog_objects(call: Call) -> Body:
    body = v.body_object(call.body, call.version)
    integral = v.integral(call.version)
    problems = schemacheck.check_each("BatchUpsertCatalogObjectsRequest", body, "batches", integral)
    if not problems:
        refuse_unknown("BatchUpsertCatalogObjectsRequest", call.body, call.version)
    _check_sizes(body["batches"])
    request = schemacheck.prune("BatchUpsertCatalogObjectsRequest", body)
    batches: list[list[Body]] = []
    for index, batch in enumerate(body["batches"]):
        objects = batch.get("objects") if isinstance(batch, dict) else None
        if index in problems or not isinstance(objects, list):
            batches.append([])
            continue
        try:
            for position, raw in enumerate(objects):
                refuse_unmodelled(raw, f"batches[{index}].objects[{position}]")
        except SquareError as error:
            problems[index] = error
        batches.append(request["batches"][index]["objects"])
    return _upsert(call, "BatchUpsertCatalogObjects", batches, problems)


def _check_sizes(batches: list[Any]) -> None:
    """At most 1,000 objects per batch and 10,000 per request."""
    sizes = [
        len(b["objects"]) if isinstance(b, dict) and isinstance(b.get("objects"), list) else 0
        for b in batches
    ]
    for index, size in enumerate(sizes):
        if size > PER_BATCH:
            field = f"batches[{index}].objects"
            raise ArrayLengthTooLong(f"`{field}` must have at most {PER_BATCH} items.", field=field)
    if sum(sizes) > PER_REQUEST:
        raise ArrayLengthTooLong(
            f"A request may hold at most {PER_REQUEST} objects.", field="batches"
        )


def retrieve_catalog_object(call: Call) -> Body:
    refuse_catalog_version(call.query)
    related = query_flag(call.query, "include_related_objects")
    shown_groups = gates(call).groups_field
    with call.commerce.session(call.token) as session:
        found = catalog.live(session, call.path["object_id"], gates(call).gone_code)
        obj = catalog.render(session, found, shown_groups)
        answer: Body = {"object": obj}
        extra = catalog_query.related(session, [obj], shown_groups) if related else []
        if extra:
            answer["related_objects"] = extra
        return answer


def batch_retrieve_catalog_objects(call: Call) -> Body:
    body = v.body_object(call.body, call.version)
    schemacheck.check("BatchRetrieveCatalogObjectsRequest", body, integral=v.integral(call.version))
    refuse_unknown("BatchRetrieveCatalogObjectsRequest", call.body, call.version)
    request = schemacheck.prune("BatchRetrieveCatalogObjectsRequest", body)
    shown_groups = gates(call).groups_field
    with call.commerce.session(call.token) as session:
        found = [session.get(str(i)) for i in dict.fromkeys(request["object_ids"])]
        deleted_too = bool(request.get("include_deleted_objects"))
        shown = [
            catalog.render(session, o, shown_groups)
            for o in found
            if o is not None and (deleted_too or not o.get("is_deleted"))
        ]
        answer: Body = {"objects": shown} if shown else {}
        if request.get("include_related_objects") and shown:
            extra = catalog_query.related(session, shown, shown_groups)
            if extra:
                answer["related_objects"] = extra
        return answer


def delete_catalog_object(call: Call) -> Body:
    object_id = call.path["object_id"]
    chosen = gates(call)
    with call.commerce.session(call.token) as session:
        catalog.live(session, object_id, chosen.gone_code)
        catalog.refuse_if_referenced(session, object_id, chosen)
        deleted, stamp = catalog.delete(session, [object_id], chosen)
        return {"deleted_object_ids": deleted, "deleted_at": stamp}


def batch_delete_catalog_objects(call: Call) -> Body:
    body = v.body_object(call.body, call.version)
    schemacheck.check("BatchDeleteCatalogObjectsRequest", body, integral=v.integral(call.version))
    refuse_unknown("BatchDeleteCatalogObjectsRequest", call.body, call.version)
    with call.commerce.session(call.token) as session:
        deleted, stamp = catalog.delete(session, [str(i) for i in body["object_ids"]], gates(call))
        return {"deleted_object_ids": deleted, "deleted_at": stamp} if deleted else {}


def list_catalog(call: Call) -> Body:
    refuse_catalog_version(call.query)
    types = catalog_query.parse_types(call.query.get("types"))
    with call.commerce.session(call.token) as session:
        cursor = call.query.get("cursor") or None
        with cursor_errors(call.version):
            return catalog_query.list_page(session, types, cursor, gates(call).groups_field)


def search_catalog_objects(call: Call) -> Body:
    body = v.body_object(call.body, call.version)
    schemacheck.check("SearchCatalogObjectsRequest", body, integral=v.integral(call.version))
    refuse_unknown("SearchCatalogObjectsRequest", call.body, call.version)
    raw_query = body.get("query") or {}
    other = [k for k in QUERIES_UNMODELLED if isinstance(raw_query, dict) and k in raw_query]
    if other:
        raise BadRequest(
            f"squarecheck's emulator does not model `query.{other[0]}`; use exact_query or "
            "prefix_query.",
            field=f"query.{other[0]}",
        )
    request = schemacheck.prune("SearchCatalogObjectsRequest", body)
    with call.commerce.session(call.token) as session, cursor_errors(call.version):
        return catalog_query.search(session, request, gates(call).groups_field)
