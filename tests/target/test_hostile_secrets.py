"""A target that echoes the token back, in any encoding, and a password in --target: no form of
either secret reaches stdout, stderr or any report file."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from squarecheck.paths import suites_dir
from tests.support.hostile import json_escaped, leaks, percent_encoded, run_bounded
from tests.support.suites import LocalServer, clean_env

pytestmark = pytest.mark.e2e  # runs squarecheck end to end in subprocesses

SECRET = "sqcECHOEDtoken7Qx9Zr31"
OTHER = "sqcOTHERechoB4k8Lm2"
PASSWORD = "sqcPASSWORDx81Kd"


def _echo_error(secret: str, other: str) -> bytes:
    """An error body whose code is the token and whose texts carry it in every encoding."""
    detail = (
        f"json {json_escaped(secret)} pct {percent_encoded(secret)} "
        f"double \\\\u{ord(secret[0]):04x}{secret[1:]} other {json_escaped(other)}"
    )
    field = percent_encoded(other).lower()
    error = f'"code": "{secret}", "detail": "{detail}", "field": "{field}"'
    echo = f'"echo": ["{other}", "{json_escaped(secret)}"]'
    return f'{{"errors": [{{{error}, "category": "INVALID_REQUEST_ERROR"}}], {echo}}}'.encode()


def echo_secrets(
    method: str, path: str, status: int, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    """Every error answer and every content type carry both tokens back."""
    headers = {**headers, "content-type": f"application/json; echo={percent_encoded(SECRET)}"}
    if status >= 400:
        return status, headers, _echo_error(SECRET, OTHER)
    return status, headers, body


def test_echoed_token_in_no_form_in_any_output(
    proxy: Callable[..., LocalServer], tmp_path: Path
) -> None:
    """Token echoed verbatim, JSON-escaped and percent-encoded: redacted in every output."""
    server = proxy(on_response=echo_secrets)
    run = run_bounded(
        tmp_path,
        *("--target", server.url, "-m", "(auth or unrecognized_fields or errors) and not fuzz"),
        "--summary-md",
        str(tmp_path / "reports" / "summary.md"),
        *("--upgrade", "2022-02-16", "2022-03-16"),
        env={"SQUARECHECK_TOKEN": SECRET, "SQUARECHECK_SECOND_TOKEN": OTHER},
    )
    assert run.code == 1, run.stdout[-3000:] + run.stderr[-3000:]
    checks = run.results["checks"]
    # unknown routes are judged unvalidated: their parsed code is the echoed token
    assert "[REDACTED]" in {c["error_code"] for c in checks}
    assert any(c["observed"].get("code") == "[REDACTED]" for c in checks)
    names = []
    for name, text in run.outputs():
        names.append(Path(name).name)
        for secret in (SECRET, OTHER):
            assert not leaks(secret, text), (name, secret)
    reports = ("report.html", "index.html", "timeline.html", "upgrade.html", "upgrade.json")
    assert {"results.json", "junit.xml", "summary.md", *reports} <= set(names)


def test_redactor_covers_every_encoding() -> None:
    """The redactor removes a secret written plainly, JSON-escaped, percent-encoded or mixed."""
    from squarecheck.target.redaction import Redactor

    red = Redactor([SECRET])
    mixed = "".join(
        c if i % 3 == 0 else f"\\u{ord(c):04x}" if i % 3 == 1 else f"%{ord(c):02x}"
        for i, c in enumerate(SECRET)
    )
    for form in (
        SECRET,
        json_escaped(SECRET),
        json_escaped(SECRET).lower(),
        "\\\\" + json_escaped(SECRET)[1:],
        percent_encoded(SECRET),
        percent_encoded(SECRET).lower(),
        mixed,
        "".join(f"&#{ord(c)};" for c in SECRET),
        "".join(f"&#x{ord(c):x};" for c in SECRET),
    ):
        out = red.text(f"before {form} after")
        assert out.startswith("before ") and out.endswith("[REDACTED] after"), form
        assert not leaks(SECRET, out), form
    deep = red.deep({"a": [SECRET, {"b": f"x{SECRET}"}], SECRET: 1, "n": 3})
    assert json.dumps(deep).count("[REDACTED]") == 3 and SECRET not in json.dumps(deep)


@pytest.mark.parametrize(
    "target",
    [
        f"http://user:{PASSWORD}@127.0.0.1:9",
        f"http://{PASSWORD}@127.0.0.1:9",
        f"https://user:{PASSWORD}@connect.squareupsandbox.com",
        f"ftp://user:{PASSWORD}@127.0.0.1:9",
    ],
)
def test_credentials_in_target_are_refused(tmp_path: Path, target: str) -> None:
    """--target with user:password@ exits 2 with one line that does not repeat the password."""
    for args, env in (
        (["--target", target], {"SQUARECHECK_TOKEN": SECRET}),
        ([], {"SQUARECHECK_TOKEN": SECRET, "SQUARECHECK_TARGET": target}),
    ):
        run = run_bounded(tmp_path, *args, env=env, timeout=60)
        assert run.code == 2, run.stdout[-2000:] + run.stderr[-2000:]
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and "credentials" in lines[0], lines
        for _, text in run.outputs():
            assert not leaks(PASSWORD, text) and not leaks(SECRET, text)
        assert not (tmp_path / "reports").exists()


def test_credentials_in_target_are_refused_under_pytest(tmp_path: Path) -> None:
    """The pytest plugin refuses user:password@ in --target too, with the CLI's usage exit code
    (2), without printing it."""
    suites = suites_dir()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(suites), "-c", str(suites / "pytest.ini")]
        + ["--rootdir", str(suites), "-p", "no:cacheprovider", "-q"]
        + ["--target", f"http://user:{PASSWORD}@127.0.0.1:9", "--token", "t0ken"],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr[-2000:]
    assert "credentials" in done.stderr
    assert not leaks(PASSWORD, done.stdout + done.stderr)
