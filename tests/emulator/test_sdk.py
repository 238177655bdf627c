"""The official Python SDK (`squareup`, module `square`) drives every emulated endpoint."""

from __future__ import annotations

import pytest
import square
from square.core.api_error import ApiError

from squarecheck.emulator.server import EmulatorServer
from tests.support.emulator import OLD, VERSIONS


@pytest.mark.parametrize("version", VERSIONS)
def test_sdk_drives_all_thirteen_endpoints(server: EmulatorServer, version: str) -> None:
    """Every SDK method used with customer groups works against the emulator."""
    client = square.Square(base_url=server.url, token=f"sdk-{version}", version=version)
    groups = client.customers.groups
    created = groups.create(group={"name": "VIP"}, idempotency_key="sdk-1").group
    assert created is not None and created.name == "VIP"
    assert [g.id for g in groups.list(limit=10)] == [created.id]
    assert groups.get(group_id=created.id).group.name == "VIP"
    assert groups.update(group_id=created.id, group={"name": "VVIP"}).group.name == "VVIP"

    customer = client.customers.create(given_name="Ann", email_address="ann@example.com").customer
    assert customer is not None and customer.creation_source == "THIRD_PARTY"
    groups.add(customer_id=customer.id, group_id=created.id)
    fetched = client.customers.get(customer_id=customer.id).customer
    assert fetched is not None and fetched.group_ids == [created.id] and fetched.version == 1
    found = client.customers.search(
        limit=10, query={"filter": {"group_ids": {"all": [created.id]}}}, count=True
    )
    assert [c.id for c in found.customers or []] == [customer.id] and found.count == 1
    assert [c.id for c in client.customers.list(limit=10)] == [customer.id]
    updated = client.customers.update(customer_id=customer.id, family_name="Lee", version=1)
    assert updated.customer is not None and updated.customer.family_name == "Lee"
    groups.remove(customer_id=customer.id, group_id=created.id)
    assert client.customers.get(customer_id=customer.id).customer.group_ids is None
    groups.delete(group_id=created.id)
    client.customers.delete(customer_id=customer.id)
    with pytest.raises(ApiError) as missing:
        groups.get(group_id=created.id)
    assert missing.value.status_code == 404


@pytest.mark.parametrize("version", VERSIONS)
def test_sdk_sees_the_version_gated_behaviours(server: EmulatorServer, version: str) -> None:
    """Unknown fields and reused keys behave per version when sent through the SDK."""
    client = square.Square(base_url=server.url, token=f"sdk-gated-{version}", version=version)
    groups = client.customers.groups
    extra = {"additional_body_parameters": {"bogus": 1}}
    first = groups.create(group={"name": "A"}, idempotency_key="k").group
    assert first is not None
    if version == OLD:
        assert groups.create(group={"name": "B"}, request_options=extra).group is not None
        with pytest.raises(ApiError) as reused:
            groups.create(group={"name": "C"}, idempotency_key="k")
        assert reused.value.status_code == 400
        assert reused.value.errors[0].code == "INVALID_VALUE"
    else:
        with pytest.raises(ApiError) as rejected:
            groups.create(group={"name": "B"}, request_options=extra)
        assert rejected.value.status_code == 400
        assert rejected.value.errors[0].field == "bogus"
        assert groups.create(group={"name": "C"}, idempotency_key="k").group == first
    no_header = groups.list(request_options={"additional_headers": {"Square-Version": None}})
    assert [g.id for g in no_header][0] == first.id
