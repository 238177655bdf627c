"""Stateful sequences recorded once and replayed while the target answers as recorded."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from squarecheck.fuzz import drawn as drawing
from squarecheck.fuzz import runner as fuzzing
from squarecheck.fuzz import sequences
from squarecheck.fuzz.sequences import GROUP_SEQUENCE, MEMBERSHIP_SEQUENCE
from squarecheck.target.client import Client
from tests.support.selftest import Seller

VERSION = "2022-03-16"
EXAMPLES = 5


@pytest.fixture
def kept(tmp_path: Path) -> Iterator[Path]:
    """Records go to a fresh folder and a fresh per-process store (both restored after)."""
    before = dict(sequences._KEPT)
    sequences._KEPT.clear()
    drawing.use_disk(tmp_path / "cache")
    try:
        yield tmp_path / "cache"
    finally:
        drawing.use_disk(None)
        sequences._KEPT.clear()
        sequences._KEPT.update(before)


class Sent:
    """What a fuzzer sent (operation, status, URL), and how often it drew sequences."""

    def __init__(self, fuzzer: fuzzing.Fuzzer, monkeypatch: pytest.MonkeyPatch) -> None:
        self.requests: list[tuple[str, int, str]] = []
        self.draws = 0
        send, draw = fuzzer.send, fuzzer._draw_sequences

        def sending(case: Any) -> Any:
            resp, st_response = send(case)
            self.requests.append((resp.operation, resp.status, resp.url))
            return resp, st_response

        def drawing_again(*args: Any) -> None:
            self.draws += 1
            draw(*args)

        monkeypatch.setattr(fuzzer, "send", sending)
        monkeypatch.setattr(fuzzer, "_draw_sequences", drawing_again)


def _run(
    seller: Seller, monkeypatch: pytest.MonkeyPatch, ops: tuple[str, ...] = GROUP_SEQUENCE
) -> tuple[fuzzing.FuzzReport, Sent]:
    fuzzer = fuzzing.Fuzzer(Client(seller.conn, seller.token, VERSION, []), EXAMPLES)
    sent = Sent(fuzzer, monkeypatch)
    return fuzzer.run_stateful(ops), sent


def _created_ids(sent: Sent) -> set[str]:
    """The ids of resources retrieved (so created by the run): links reach them."""
    return {
        url.rsplit("/", 1)[-1]
        for op, status, url in sent.requests
        if "Retrieve" in op and status == 200
    }


def test_a_replay_sends_what_drawing_sent_with_this_runs_ids(
    kept: Path, seller_on: Callable[..., Seller], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second run draws nothing, sends the same operations answered with the same
    statuses, and its linked steps name the resources this run created."""
    seller = seller_on()
    first, drawn_run = _run(seller, monkeypatch)
    again, replayed = _run(seller, monkeypatch)
    assert (drawn_run.draws, replayed.draws) == (1, 0)
    shape = [(op, status) for op, status, _ in drawn_run.requests]
    assert shape == [(op, status) for op, status, _ in replayed.requests]
    assert any(op == "RetrieveCustomerGroup" and s == 200 for op, s in shape)
    assert _created_ids(replayed) and not _created_ids(replayed) & _created_ids(drawn_run)
    assert first.cases == again.cases and not first.findings and not again.findings


def test_membership_links_reach_customer_and_group(
    kept: Path, seller_on: Callable[..., Seller], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sequences across customers and groups replay with every step answered as recorded."""
    seller = seller_on()
    _, drawn_run = _run(seller, monkeypatch, MEMBERSHIP_SEQUENCE)
    _, replayed = _run(seller, monkeypatch, MEMBERSHIP_SEQUENCE)
    assert replayed.draws == 0
    assert [r[:2] for r in drawn_run.requests] == [r[:2] for r in replayed.requests]


def test_an_answer_unlike_the_record_stops_the_replay_and_draws_again(
    kept: Path, seller_on: Callable[..., Seller], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A step answered with another status than recorded ends the replay there (its verdict
    stands) and the sequences are drawn and recorded anew."""
    seller = seller_on()
    _run(seller, monkeypatch)
    ((name, recorded),) = sequences._KEPT.items()
    recorded[0][0].status = 299  # as if the target had answered the first step otherwise
    report, sent = _run(seller, monkeypatch)
    assert sent.draws == 1
    assert report.cases == len(sent.requests) > sum(len(s) for s in recorded) - len(recorded[0])
    assert sequences._KEPT[name][0][0].status != 299


def test_the_file_keeps_no_token_and_a_damaged_one_is_drawn_again(
    kept: Path, seller_on: Callable[..., Seller], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record on disk holds no token; one that does not read back is not used."""
    seller = seller_on()
    _run(seller, monkeypatch)
    (path,) = kept.glob("seq-*.json")
    text = path.read_text()
    assert seller.token not in text and json.loads(text)["key"]["kind"] == "sequences"
    sequences._KEPT.clear()
    _, replayed = _run(seller, monkeypatch)
    assert replayed.draws == 0  # read back from the file
    damages = (
        "{",
        json.dumps({"key": {}, "sequences": []}),
        text.replace('"status"', '"s"'),
        text.replace('"method"', '"m"'),  # reads back, but no case rebuilds
    )
    for damage in damages:
        path.write_text(damage)
        sequences._KEPT.clear()
        _, again = _run(seller, monkeypatch)
        assert again.draws == 1
