"""Square error envelopes, one class per error code the emulator returns.

Hierarchy: `SquareError` (an Exception carrying `status`, `code`, `category`, `detail`, `field`)
is the only thing handlers raise for a client-visible failure; the app turns it into
`{"errors": [...]}` with the class's HTTP status. Codes and categories come from the ErrorCode
enum of https://developer.squareup.com/reference/square/enums/ErrorCode (spec-head); statuses are
inferred from the code names ("Not Found - ..."), as Square documents no code-to-status table.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

INVALID_REQUEST = "INVALID_REQUEST_ERROR"


class SquareError(Exception):
    """A Square-shaped error: `status` and `category` are fixed per code (class attributes)."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "BAD_REQUEST"
    category: ClassVar[str] = INVALID_REQUEST

    def __init__(self, detail: str | None = None, field: str | None = None) -> None:
        super().__init__(detail or self.code)
        self.detail = detail
        self.field = field

    def to_error(self) -> dict[str, Any]:
        """One entry of the `errors` array (keys in the order Square's examples use)."""
        entry: dict[str, Any] = {"code": self.code}
        if self.detail is not None:
            entry["detail"] = self.detail
        if self.field is not None:
            entry["field"] = self.field
        entry["category"] = self.category
        return entry

    def to_body(self) -> dict[str, Any]:
        """The whole response body."""
        return {"errors": [self.to_error()]}


class BadRequest(SquareError):
    code = "BAD_REQUEST"


class MissingRequiredParameter(SquareError):
    code = "MISSING_REQUIRED_PARAMETER"


class InvalidValue(SquareError):
    code = "INVALID_VALUE"


class InvalidCursor(SquareError):
    code = "INVALID_CURSOR"


class InvalidEnumValue(SquareError):
    code = "INVALID_ENUM_VALUE"


class InvalidSortOrder(SquareError):
    code = "INVALID_SORT_ORDER"


class InvalidTime(SquareError):
    code = "INVALID_TIME"


class ValueTooLow(SquareError):
    code = "VALUE_TOO_LOW"


class ValueTooHigh(SquareError):
    code = "VALUE_TOO_HIGH"


class ValueTooLong(SquareError):
    code = "VALUE_TOO_LONG"


class InvalidEmailAddress(SquareError):
    code = "INVALID_EMAIL_ADDRESS"


class InvalidPhoneNumber(SquareError):
    code = "INVALID_PHONE_NUMBER"


class ValueEmpty(SquareError):
    code = "VALUE_EMPTY"


class ExpectedJsonBody(SquareError):
    code = "EXPECTED_JSON_BODY"


class ExpectedObject(SquareError):
    code = "EXPECTED_OBJECT"


class ExpectedString(SquareError):
    code = "EXPECTED_STRING"


class ExpectedInteger(SquareError):
    code = "EXPECTED_INTEGER"


class ExpectedBoolean(SquareError):
    code = "EXPECTED_BOOLEAN"


class ExpectedArray(SquareError):
    code = "EXPECTED_ARRAY"


class InvalidSquareVersionFormat(SquareError):
    code = "INVALID_SQUARE_VERSION_FORMAT"


class ApiVersionIncompatible(SquareError):
    code = "API_VERSION_INCOMPATIBLE"


class ValueTooShort(SquareError):
    code = "VALUE_TOO_SHORT"


class ArrayEmpty(SquareError):
    code = "ARRAY_EMPTY"


class ArrayLengthTooLong(SquareError):
    code = "ARRAY_LENGTH_TOO_LONG"


class IdempotencyKeyReused(SquareError):
    code = "IDEMPOTENCY_KEY_REUSED"


class VersionMismatch(SquareError):
    """Not in Square's ErrorCode enum, yet answered by the Catalog API in practice."""

    code = "VERSION_MISMATCH"


class CurrencyMismatch(SquareError):
    code = "CURRENCY_MISMATCH"


class Unauthorized(SquareError):
    status = 401
    code = "UNAUTHORIZED"
    category = "AUTHENTICATION_ERROR"


class NotFound(SquareError):
    status = 404
    code = "NOT_FOUND"


class Conflict(SquareError):
    status = 409
    code = "CONFLICT"


class RequestEntityTooLarge(SquareError):
    status = 413
    code = "REQUEST_ENTITY_TOO_LARGE"


class InternalServerError(SquareError):
    status = 500
    code = "INTERNAL_SERVER_ERROR"
    category = "API_ERROR"


#: JSON type name -> the EXPECTED_<TYPE> error for a value of the wrong type.
EXPECTED_TYPE: Mapping[str, type[SquareError]] = MappingProxyType(
    {
        "object": ExpectedObject,
        "string": ExpectedString,
        "integer": ExpectedInteger,
        "boolean": ExpectedBoolean,
        "array": ExpectedArray,
    }
)


def by_code(code: str) -> type[SquareError]:
    """The error class for a code named in the behaviour table (e.g. `expect["code_low"]`)."""
    pending: list[type[SquareError]] = [SquareError]
    while pending:
        cls = pending.pop()
        if cls.code == code:
            return cls
        pending.extend(cls.__subclasses__())
    raise KeyError(code)
