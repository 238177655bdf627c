"""A token a target echoes encoded any number of times over, in any mix of JSON escapes,
percent-encoding, HTML references and case, never reaches an output."""

from __future__ import annotations

import string
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from squarecheck.target.redaction import PLACEHOLDER, Redactor
from tests.support.hostile import run_bounded
from tests.support.secret_forms import TRANSFORMS, json_every, json_string, leaks, percent_every
from tests.support.suites import LocalServer

SECRET = "EAAAsqcDoubleEscaped9Kq2Lw"
OTHER = "EAAAsqcSecondSeller4Hn7Zt"
TOKENS = st.text(string.ascii_letters + string.digits + "-_", min_size=8, max_size=40)
AROUND = st.text(string.ascii_letters + string.digits + ' \\%&#;:"u', max_size=12)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    token=TOKENS,
    steps=st.lists(st.sampled_from(sorted(TRANSFORMS)), min_size=1, max_size=5),
    before=AROUND,
    after=AROUND,
)
def test_a_token_transformed_k_times_is_redacted(
    token: str, steps: list[str], before: str, after: str
) -> None:
    """Whatever k encodings and case changes a target applies, no form of the token is left."""
    text = token
    for step in steps:
        text = TRANSFORMS[step](text)
    redacted = Redactor([token]).text(f"{before}{text}{after}")
    assert not leaks(token, redacted), (steps, redacted[:300])
    assert PLACEHOLDER in redacted


@pytest.mark.parametrize(
    "form",
    [
        SECRET.lower(),
        SECRET.upper(),
        json_every(json_every(SECRET)),
        json_string(json_every(SECRET)),
        json_string(json_string(json_every(SECRET))),
        percent_every(json_every(SECRET)),
        json_every(SECRET.lower()).upper(),
        "%25" + "%25".join(f"{b:02x}" for b in SECRET.encode()),
        "%" + "%".join("2525" + f"{b:02x}" for b in SECRET.encode()),
    ],
    ids=[
        "lower",
        "upper",
        "escaped-twice",
        "escape-then-json-string",
        "json-string-twice",
        "escape-then-percent",
        "lower-escaped-upper",
        "double-percent",
        "triple-percent",
    ],
)
def test_forms_a_target_echoes(form: str) -> None:
    """Each named form of the token is redacted; the text around it stays."""
    redacted = Redactor([SECRET]).text(f"detail: {form} (echoed)")
    assert redacted == f"detail: {PLACEHOLDER} (echoed)", redacted


def test_text_without_a_token_is_left_alone() -> None:
    """Escapes, percent signs and references that hold no token are not touched."""
    text = 'caf\\u00e9 50% &amp; %41%42 \\\\u0041 &#x41; \\"quoted\\" ' * 50
    assert Redactor([SECRET]).text(text) == text


def test_a_text_too_deep_to_follow_is_withheld() -> None:
    """A text nested deeper than decoding may follow is withheld whole, quickly."""
    deep = "%" + "25" * 200_000 + "41"
    assert Redactor([SECRET]).text(deep).startswith(PLACEHOLDER)


def _echo(secret: str, other: str) -> bytes:
    """An error body echoing both tokens escaped twice, quoted again and re-cased."""
    forms = [
        json_every(json_every(secret)),
        json_string(json_every(secret)),
        secret.lower(),
        percent_every(json_every(other)).lower(),
        json_every(other.upper()),
    ]
    detail = json_string(" | ".join(forms))
    code = json_string(json_every(json_every(secret)))
    return (
        f'{{"errors": [{{"code": "{code}", "detail": "{detail}", '
        f'"field": "{other.lower()}", "category": "INVALID_REQUEST_ERROR"}}]}}'
    ).encode()


def echo_encoded(
    method: str, path: str, status: int, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    """Every error answer echoes both tokens in forms encoded more than once."""
    if status >= 400:
        return status, headers, _echo(SECRET, OTHER)
    return status, headers, body


@pytest.mark.e2e
def test_echoed_encoded_tokens_reach_no_output(
    proxy: Callable[..., LocalServer], tmp_path: Path
) -> None:
    """Tokens echoed escaped twice and lower-cased: no form in stdout, stderr or any report."""
    server = proxy(on_response=echo_encoded)
    run = run_bounded(
        tmp_path,
        *("--target", server.url, "-m", "(auth or errors) and not fuzz"),
        *("--summary-md", str(tmp_path / "reports" / "summary.md")),
        env={"SQUARECHECK_TOKEN": SECRET, "SQUARECHECK_SECOND_TOKEN": OTHER},
    )
    assert run.code == 1, run.stdout[-3000:] + run.stderr[-3000:]
    names = set()
    for name, text in run.outputs():
        names.add(Path(name).name)
        for secret in (SECRET, OTHER):
            assert not leaks(secret, text), (name, secret)
    assert {"results.json", "junit.xml", "report.html", "index.html", "summary.md"} <= names
    assert PLACEHOLDER in (run.run_dir / "results.json").read_text()
