"""TIME_PERIOD events: is a pricing rule's time period in effect at a local moment?

"An iCalendar (RFC 5545) event, which specifies the name, timing, duration and recurrence of
this time period ... Only SUMMARY, DTSTART, DURATION and RRULE fields are supported. DTSTART must
be in local (unzoned) time format. ... BEGIN:VEVENT and END:VEVENT is not required in the
request. The response will always include them." (spec-head CatalogTimePeriod.event; Square's
own example writes the duration `P2H`, which is read as two hours.) Recurrence is python-dateutil's
RFC 5545 `rrule`. A period is in effect from each occurrence's start for its duration.

Cost stays bounded whatever a seller stores: a recurrence without COUNT whose BY parts repeat
within a day or a week repeats with a whole period (its interval, a day or a week), so its start
is moved forward to the period before the moment asked about and at most two periods are walked;
one walking more than 10,000 occurrences per period (every second on Mondays) is refused at
upsert, as is a COUNT on a recurrence finer than a day; DTSTART must lie in 1970-9999.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from dateutil.rrule import DAILY, HOURLY, MINUTELY, SECONDLY, WEEKLY, rrule, rrulestr

_DURATION = re.compile(
    r"\AP(?:(?P<w>\d{1,6})W)?(?:(?P<d>\d{1,6})D)?T?(?:(?P<h>\d{1,6})H)?(?:(?P<m>\d{1,6})M)?"
    r"(?:(?P<s>\d{1,6})S)?\Z"
)
_STAMP = re.compile(r"\A(\d{8})(?:T(\d{6}))?\Z")
_UNIT = {SECONDLY: 1, MINUTELY: 60, HOURLY: 3600, DAILY: 86400, WEEKLY: 7 * 86400}
_FINER_THAN_A_DAY = (SECONDLY, MINUTELY, HOURLY)
_WEEK, _DAY = 7 * 86400, 86400
#: rrule parts that keep a recurrence periodic in its interval, a day or a week
_PERIODIC_PARTS = frozenset(
    {"FREQ", "INTERVAL", "UNTIL", "WKST", "BYDAY", "BYHOUR", "BYMINUTE", "BYSECOND"}
)
MAX_PER_PERIOD = 10_000


class EventError(ValueError):
    """An event the emulator cannot read (its message says what)."""


@dataclass(frozen=True)
class Event:
    """A parsed TIME_PERIOD event: its first start, its duration, its recurrence."""

    start: datetime
    duration: timedelta
    rule: str | None  # the RRULE value, e.g. "FREQ=WEEKLY;BYDAY=MO,WE,FR"


def _fields(text: str) -> dict[str, str]:
    """`NAME:value` lines (folded lines unfolded; parameters after `;` dropped)."""
    unfolded = re.sub(r"\r?\n[ \t]", "", text)
    found: dict[str, str] = {}
    for raw in unfolded.splitlines():
        name, sep, value = raw.strip().partition(":")
        if sep:
            found[name.split(";", 1)[0].upper()] = value.strip()
    return found


def _duration(text: str) -> timedelta:
    match = _DURATION.match(text)
    if not match or not any(match.groupdict().values()):
        raise EventError(f"DURATION {text!r} is not an iCalendar duration such as PT2H.")
    parts = {k: int(v or 0) for k, v in match.groupdict().items()}
    return timedelta(
        weeks=parts["w"], days=parts["d"], hours=parts["h"], minutes=parts["m"], seconds=parts["s"]
    )


def _start(text: str) -> datetime:
    match = _STAMP.match(text)
    if not match:
        raise EventError(f"DTSTART {text!r} is not a local date-time such as 20190707T180000.")
    try:
        start = datetime.strptime(match.group(1) + (match.group(2) or "000000"), "%Y%m%d%H%M%S")
    except ValueError:
        raise EventError(f"DTSTART {text!r} is not a calendar date-time.") from None
    if start.year < 1970:
        raise EventError("DTSTART must not be before 1970.")
    return start


def _rule_parts(value: str) -> set[str]:
    return {part.split("=", 1)[0].upper() for part in value.split(";") if part}


def _frequency(recurrence: rrule) -> tuple[int, int]:
    """FREQ and INTERVAL of a parsed recurrence (dateutil keeps them in private attributes)."""
    kept = vars(recurrence)
    return int(kept["_freq"]), int(kept["_interval"])


def _period(parts: set[str], freq: int, interval: int) -> int | None:
    """Seconds after which the recurrence repeats itself, or None when it does not simply."""
    if "COUNT" in parts or not parts <= _PERIODIC_PARTS or freq not in _UNIT:
        return None
    step = interval * _UNIT[freq]
    if "BYDAY" in parts:
        cycle = _WEEK
    elif parts & {"BYHOUR", "BYMINUTE", "BYSECOND"}:
        cycle = _DAY
    else:
        cycle = step
    return step * cycle // math.gcd(step, cycle)


@lru_cache(maxsize=4096)
def parse(text: str) -> Event:
    """The event of a TIME_PERIOD, or EventError."""
    fields = _fields(text)
    if "DTSTART" not in fields:
        raise EventError("The event has no DTSTART.")
    start = _start(fields["DTSTART"])
    duration = _duration(fields["DURATION"]) if "DURATION" in fields else timedelta(days=1)
    rule = fields.get("RRULE")
    if rule is not None:
        try:
            parsed = rrulestr(rule, dtstart=start)
        except (ValueError, TypeError) as exc:
            raise EventError(f"RRULE {rule!r} is not an iCalendar recurrence: {exc}") from None
        if not isinstance(parsed, rrule):
            raise EventError(f"RRULE {rule!r} is not one recurrence.")
        freq, interval = _frequency(parsed)
        if freq in _FINER_THAN_A_DAY:
            period = _period(_rule_parts(rule), freq, interval)
            if period is None or period // (interval * _UNIT[freq]) > MAX_PER_PERIOD:
                raise EventError(
                    "squarecheck's emulator does not model this recurrence finer than a day "
                    f"({rule})."
                )
    return Event(start, duration, rule)


def vevent(text: str) -> str:
    """The event as Square answers it: wrapped in BEGIN:VEVENT / END:VEVENT."""
    lines = [line for line in re.split(r"\r?\n", text.strip()) if line.strip()]
    if not lines or lines[0].strip().upper() != "BEGIN:VEVENT":
        lines.insert(0, "BEGIN:VEVENT")
    if lines[-1].strip().upper() != "END:VEVENT":
        lines.append("END:VEVENT")
    return "\n".join(lines)


def _moved_start(event: Event, recurrence: rrule, now: datetime) -> datetime:
    """A start as late as possible, a whole period before `now` (or before UNTIL), that keeps
    every occurrence after it (only for recurrences that repeat simply: `_period`)."""
    freq, interval = _frequency(recurrence)
    period = _period(_rule_parts(event.rule or ""), freq, interval)
    if period is None:
        return event.start
    until: datetime | None = vars(recurrence).get("_until")
    horizon = min(now, until) if until is not None else now
    periods = int((horizon - event.start).total_seconds() // period) - 1
    return event.start + timedelta(seconds=period * periods) if periods > 0 else event.start


def in_effect(text: str, now: datetime) -> bool:
    """Whether the period of event `text` covers the local moment `now`."""
    event = parse(text)
    if event.rule is None:
        return event.start <= now < event.start + event.duration
    start = event.start
    recurrence = rrulestr(event.rule, dtstart=start)
    assert isinstance(recurrence, rrule)
    moved = _moved_start(event, recurrence, now)
    if moved != start:
        recurrence = recurrence.replace(dtstart=moved)
    latest = recurrence.before(now, inc=True)
    return latest is not None and now < latest + event.duration
