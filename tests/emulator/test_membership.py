"""Group membership on customer profiles: add, remove, group_ids and version bumps."""

from __future__ import annotations

from tests.support.emulator import Api, error_of


def _path(customer: dict[str, str], group: dict[str, str]) -> str:
    return f"/v2/customers/{customer['id']}/groups/{group['id']}"


def _profile(api: Api, customer: dict[str, str]) -> dict[str, object]:
    profile: dict[str, object] = api.ok("GET", f"/v2/customers/{customer['id']}")["customer"]
    return profile


def test_add_lists_groups_in_insertion_order(api: Api) -> None:
    """AddGroupToCustomer returns {} and group_ids lists groups in the order they were added."""
    customer = api.customer()
    first, second = api.group("a"), api.group("b")
    assert api.ok("PUT", _path(customer, second)) == {}
    assert api.ok("PUT", _path(customer, first)) == {}
    assert _profile(api, customer)["group_ids"] == [second["id"], first["id"]]


def test_add_twice_lists_once_and_bumps_version_once(api: Api) -> None:
    """Adding an existing member is 200 and changes nothing."""
    customer, group = api.customer(), api.group()
    api.ok("PUT", _path(customer, group))
    api.ok("PUT", _path(customer, group))
    profile = _profile(api, customer)
    assert profile["group_ids"] == [group["id"]]
    assert profile["version"] == 1


def test_remove_drops_the_field_when_empty(api: Api) -> None:
    """RemoveGroupFromCustomer returns {}; group_ids disappears with the last group."""
    customer, group = api.customer(), api.group()
    api.ok("PUT", _path(customer, group))
    assert api.ok("DELETE", _path(customer, group)) == {}
    profile = _profile(api, customer)
    assert "group_ids" not in profile
    assert profile["version"] == 2


def test_remove_non_member_is_a_no_op(api: Api) -> None:
    """Removing a customer from a group it is not in is 200 and leaves the version alone."""
    customer, group = api.customer(), api.group()
    assert api.ok("DELETE", _path(customer, group)) == {}
    assert _profile(api, customer)["version"] == 0


def test_unknown_ids_are_not_found(api: Api) -> None:
    """Add and remove with an unknown customer or group are 404 NOT_FOUND."""
    customer, group = api.customer(), api.group()
    ghost = {"id": "NOPE"}
    for method in ("PUT", "DELETE"):
        for path in (_path(ghost, group), _path(customer, ghost)):
            response = api.request(method, path)
            assert response.status_code == 404
            assert error_of(response)["code"] == "NOT_FOUND"


def test_deleting_a_group_removes_it_from_profiles(api: Api) -> None:
    """DeleteCustomerGroup removes the group from every customer's group_ids."""
    one, two = api.customer(given_name="a"), api.customer(given_name="b")
    kept, doomed = api.group("kept"), api.group("doomed")
    api.ok("PUT", _path(one, kept))
    api.ok("PUT", _path(one, doomed))
    api.ok("PUT", _path(two, doomed))
    api.ok("DELETE", f"/v2/customers/groups/{doomed['id']}")
    assert _profile(api, one)["group_ids"] == [kept["id"]]
    assert "group_ids" not in _profile(api, two)
