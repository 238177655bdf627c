"""The GitHub Action (action.yml) and the CI examples: linted, and the action's shell steps run.

The examples are checked with actionlint (in a scratch repository, so the local action's inputs
are checked too) and with check-jsonschema's built-in GitHub workflow, GitHub action and
GitLab CI schemas. The action's `run:` steps are run with bash as a runner runs them, with the
GitHub environment they read (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_JOB, the inputs'
expressions), against the embedded emulator. squarecheck is installed by the action's own
install step into a scratch virtual environment that sees this one's packages, without an
index. The `uses:` steps (setup-python, upload-artifact) need GitHub; their inputs are checked
against what the shell steps wrote.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.suites import LocalServer, clean_env, drop_version_echo

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / "action.yml"
GITHUB_EXAMPLE = ROOT / "examples" / "github-workflow.yml"
GITLAB_EXAMPLE = ROOT / "examples" / "gitlab-ci.yml"
BIN = Path(sys.executable).parent
PURELIB = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
_EXPRESSION = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")


def _tool(name: str) -> str:
    path = BIN / name
    assert path.exists(), f"{name} is missing: pip install -e '.[test]'"
    return str(path)


def _lint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)


def _scratch_repository(tmp_path: Path, workflow: str) -> Path:
    """A git repository holding action.yml and `workflow` as .github/workflows/ci.yml."""
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True, timeout=60)
    shutil.copyfile(ACTION, repo / "action.yml")
    (repo / ".github" / "workflows" / "ci.yml").write_text(workflow)
    return repo


def test_the_github_example_passes_actionlint(tmp_path: Path) -> None:
    """actionlint accepts the workflow and its use of the action, and catches a bad input."""
    repo = _scratch_repository(tmp_path, GITHUB_EXAMPLE.read_text())
    clean = _lint(_tool("actionlint"), "-no-color", cwd=repo)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    broken = GITHUB_EXAMPLE.read_text().replace("shard: ${{", "shards: ${{")
    (repo / ".github" / "workflows" / "ci.yml").write_text(broken)
    caught = _lint(_tool("actionlint"), "-no-color", cwd=repo)
    assert caught.returncode == 1 and 'input "shards" is not defined' in caught.stdout


@pytest.mark.parametrize(
    ("schema", "path"),
    [
        ("vendor.github-workflows", GITHUB_EXAMPLE),
        ("vendor.github-actions", ACTION),
        ("vendor.gitlab-ci", GITLAB_EXAMPLE),
    ],
)
def test_ci_files_match_their_published_schemas(schema: str, path: Path) -> None:
    """check-jsonschema's built-in schema accepts the file."""
    done = _lint(_tool("check-jsonschema"), "--builtin-schema", schema, str(path), cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_gitlab_example_reports_junit_and_merges() -> None:
    """The shard jobs give their junit.xml to GitLab; the merge job needs them and runs always."""
    doc = yaml.safe_load(GITLAB_EXAMPLE.read_text())
    shards, merge = doc["squarecheck"], doc["squarecheck-report"]
    assert shards["artifacts"]["reports"]["junit"].endswith("junit.xml")
    assert shards["variables"]["SQUARECHECK_SHARD"] == "$CI_NODE_INDEX/$CI_NODE_TOTAL"
    assert merge["needs"] == ["squarecheck"] and merge["when"] == "always"
    assert any("squarecheck merge" in line for line in merge["script"])


@dataclass
class Runner:
    """Runs the action's shell steps as a GitHub runner would, in one workspace."""

    workspace: Path
    venv: Path
    inputs: dict[str, str]
    outputs: dict[str, str] = field(default_factory=dict)
    summary: Path = Path()
    cache: Path = Path()  # the folder the cache step restores and saves

    def value(self, expression: str) -> str:
        """The value of a `${{ ... }}` expression the action uses."""
        if expression.startswith("inputs."):
            return self.inputs[expression.removeprefix("inputs.")]
        if expression == "github.action_path":
            return str(ROOT)
        runner = {"runner.temp": str(self.workspace / "tmp"), "runner.os": "Linux"}
        if expression in runner:
            return runner[expression]
        if expression in ("github.run_id", "github.run_attempt", "github.job"):
            return "1"
        match = re.fullmatch(r"steps\.run\.outputs\.([\w-]+)", expression)
        if match:
            return self.outputs.get(match[1], "")
        raise AssertionError(f"the action uses an expression the test does not know: {expression}")

    def expand(self, text: str) -> str:
        return _EXPRESSION.sub(lambda m: self.value(m[1]), text)

    def run_step(self, step: dict[str, Any], job: str) -> subprocess.CompletedProcess[str]:
        output = self.workspace / "github_output"
        output.write_text("")
        summary = self.workspace / f"summary-{step.get('id') or len(self.outputs)}.md"
        if step.get("id") == "run":
            self.summary = summary  # the run's job summary, what the tests read
        env = {
            **clean_env(),
            "PATH": f"{self.venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
            "GITHUB_ACTION_PATH": str(ROOT),
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_JOB": job,
            "RUNNER_TEMP": str(self.workspace / "tmp"),
            # the install step installs this checkout without an index: the scratch
            # environment sees this one's packages (hatchling included)
            "PIP_NO_INDEX": "1",
            "PIP_NO_BUILD_ISOLATION": "0",
            "XDG_CACHE_HOME": str(self.workspace / "cache"),
        }
        env.update({k: self.expand(str(v)) for k, v in (step.get("env") or {}).items()})
        assert step["shell"] == "bash"
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        for line in output.read_text().splitlines():
            key, _, value = line.partition("=")
            self.outputs[key] = value
        return done


def _scratch_venv(path: Path) -> Path:
    """A virtual environment without squarecheck that sees this one's site-packages."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    purelib = Path(
        subprocess.check_output(
            [
                str(path / "bin" / "python"),
                "-c",
                "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            ],
            text=True,
        ).strip()
    )
    site_packages = sysconfig.get_paths()["purelib"]
    (purelib / "dev-packages.pth").write_text(f"import site; site.addsitedir({site_packages!r})\n")
    return path


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _scratch_venv(tmp_path_factory.mktemp("action") / "venv")


def _steps() -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = yaml.safe_load(ACTION.read_text())["runs"]["steps"]
    return steps


def _inputs(**given: str) -> dict[str, str]:
    declared = yaml.safe_load(ACTION.read_text())["inputs"]
    return {
        name: given.get(name.replace("-", "_"), spec.get("default", ""))
        for name, spec in declared.items()
    }


def _run_action(workspace: Path, venv: Path, job: str, **given: str) -> tuple[Runner, int]:
    """Every step in order: shell steps run; `uses:` steps checked; returns the verdict."""
    workspace.mkdir(parents=True, exist_ok=True)
    runner = Runner(workspace, venv, _inputs(**given))
    verdict = -1
    for step in _steps():
        if "uses" in step:
            if step["uses"].startswith("actions/cache@"):
                runner.cache = workspace / runner.expand(step["with"]["path"])
                assert runner.expand(step["with"]["key"]).startswith("squarecheck-fuzz-Linux-")
            if step["uses"].startswith("actions/upload-artifact@"):
                name, path = (runner.expand(step["with"][k]) for k in ("name", "path"))
                assert name == runner.outputs["artifact-name"] and name.startswith("squarecheck-")
                assert (workspace / path / "junit.xml").is_file()
            continue
        done = runner.run_step(step, job)
        if step.get("name") == "Verdict":
            verdict = done.returncode
        else:
            assert done.returncode == 0, (
                step.get("name"),
                done.stdout[-3000:],
                done.stderr[-3000:],
            )
    return runner, verdict


def test_the_action_runs_green_against_the_emulator(tmp_path: Path, venv: Path) -> None:
    """Installed by its own step, the action runs the suites, exits 0, writes the job summary,
    names the artifact after the job and the run folder it uploads, and keeps the fuzz suite's
    recorded sequences in the folder its cache step saves."""
    runner, verdict = _run_action(
        tmp_path / "ws",
        venv,
        "conformance",
        args='-m "versioning or idempotency or fuzz" -k "not generated_requests"',
    )
    assert list(runner.cache.glob("seq-*.json"))
    assert (venv / "bin" / "squarecheck").exists()  # the install step installed it
    assert verdict == 0
    assert runner.outputs["exit-code"] == "0"
    assert runner.outputs["artifact-name"] == "squarecheck-conformance"
    assert runner.outputs["run-dir"] == "squarecheck-reports/conformance"
    assert runner.summary.read_text().startswith("## squarecheck PASS")
    assert (tmp_path / "ws" / runner.outputs["junit"]).is_file()


def test_a_failing_target_fails_the_job_after_the_upload(
    tmp_path: Path, venv: Path, proxy: Callable[..., LocalServer]
) -> None:
    """A conformance failure: the run step passes on (so the upload runs), the verdict is 1."""
    server = proxy(on_response=drop_version_echo)
    runner, verdict = _run_action(
        tmp_path / "ws", venv, "gate", target=server.url, token="sqc-emu-ci", args="-k echo"
    )
    assert runner.outputs["exit-code"] == "1" and verdict == 1
    assert "## squarecheck FAIL" in runner.summary.read_text()


def test_shards_then_merge_through_the_action(tmp_path: Path, venv: Path) -> None:
    """Two shard jobs, their run folders downloaded side by side, merged by the merge input."""
    downloads = tmp_path / "shards"
    for shard in ("1/2", "2/2"):
        runner, verdict = _run_action(
            tmp_path / shard[0], venv, "squarecheck", shard=shard, args="-m versioning"
        )
        assert verdict == 0
        name = runner.outputs["artifact-name"]
        assert name == f"squarecheck-squarecheck-shard-{shard[0]}-of-2"
        shutil.copytree(tmp_path / shard[0] / runner.outputs["run-dir"], downloads / name)
    merged, verdict = _run_action(tmp_path / "report", venv, "report", merge=str(downloads))
    assert verdict == 0
    assert merged.outputs["artifact-name"] == "squarecheck-report-merged"
    assert "## squarecheck PASS" in merged.summary.read_text()
    doc = json.loads((tmp_path / "report" / merged.outputs["run-dir"] / "results.json").read_text())
    assert sorted(s["shard"] for s in doc["run"]["merged_from"]) == ["1/2", "2/2"]
