"""The CI workflows (GitHub/Forgejo/Gitea Actions and GitLab CI): valid by their published schemas, and
only calling invoke tasks, which are run here as the workflows run them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import icalendar
import pytest
import yaml

from conftest import NEWS, ROOT, TODAY, copy_project

GITHUB = ROOT / ".github" / "workflows" / "tjek-og-udgiv.yml"
GITLAB = ROOT / ".gitlab-ci.yml"
INVOKE = re.compile(r"^python3 -m invoke ([a-z-]+)$")
SETUP = "bash scripts/setup.sh"
# Putting the CI secret's key where ssh looks for it: plumbing, not logic.
SSH_PLUMBING = re.compile(
    r"^(install -d -m 700 ~/\.ssh|printf '%s\\n' \"\$PUBLISH_[A-Z_]+\" > ~/\.ssh/\S+( && chmod 600 \S+)?)$"
)


def validate(schema: str, path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )


@pytest.mark.parametrize(("schema", "path"), [("vendor.github-workflows", GITHUB), ("vendor.gitlab-ci", GITLAB)])
def test_the_workflows_are_valid_by_their_published_schemas(schema, path):
    result = validate(schema, path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_can_fail(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  tjek:\n    steps: 3\n", encoding="utf-8")
    assert validate("vendor.github-workflows", broken).returncode != 0


def github_commands() -> dict[str, list[str]]:
    """Each step's shell lines, by the step's condition ('' for every run)."""
    workflow = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    found: dict[str, list[str]] = {}
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "run" in step:
                found.setdefault(step.get("if", ""), []).extend(step["run"].strip().splitlines())
    return found


def gitlab_commands() -> dict[str, list[str]]:
    pipeline = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    found = {"": list(pipeline["default"]["before_script"])}
    for job in pipeline.values():
        if isinstance(job, dict) and "script" in job:
            condition = " ".join(rule["if"] for rule in job.get("rules", []))
            found.setdefault(condition, []).extend(job["script"])
    return found


def tasks() -> set[str]:
    listed = subprocess.run(
        [sys.executable, "-m", "invoke", "--list"], cwd=ROOT, capture_output=True, text=True, encoding="utf-8"
    )
    return set(re.findall(r"^\s+([a-z-]+)", listed.stdout, re.M))


@pytest.mark.parametrize("commands", [github_commands, gitlab_commands], ids=["github", "gitlab"])
def test_the_workflows_only_call_invoke_tasks(commands):
    found = commands()
    known = tasks()
    for lines in found.values():
        for line in lines:
            task = INVOKE.match(line)
            assert line == SETUP or SSH_PLUMBING.match(line) or (task and task.group(1) in known), line
    every_run = found[""]
    assert every_run.index(SETUP) < every_run.index("python3 -m invoke tjek") < every_run.index("python3 -m invoke byg")
    publishing = {condition for condition, lines in found.items() if "python3 -m invoke udgiv" in lines}
    keeping = {condition for condition, lines in found.items() if "python3 -m invoke gem-kalendernumre" in lines}
    assert keeping == publishing  # the calendar numbers are committed back only where main is published
    assert len(publishing) == 1 and "main" in publishing.pop()  # only from main
    assert "python3 -m invoke udgiv" not in every_run


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_TODAY", TODAY)
    return copy_project(tmp_path, monkeypatch)


def run(line: str, cwd: Path) -> subprocess.CompletedProcess:
    task = INVOKE.match(line).group(1)
    return subprocess.run(
        [sys.executable, "-m", "invoke", task], cwd=cwd, capture_output=True, text=True, encoding="utf-8", timeout=300
    )


def test_the_workflows_commands_check_and_build(project):
    for line in ("python3 -m invoke tjek", "python3 -m invoke byg"):
        result = run(line, project)
        assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "output" / "nyheder" / "2013" / "fastelavn-i-akacieparken" / "index.html").is_file()
    assert (project / "output" / "admin" / "config.yml").is_file()


def test_a_problem_fails_the_check_in_danish_in_the_job_log(project):
    (project / "content" / "nyheder" / "2013-02-11-fastelavn.md").write_text(
        textwrap.dedent(NEWS).lstrip().replace("Estate: Akacieparken", "Estate: Akaciparken"), encoding="utf-8"
    )
    result = run("python3 -m invoke tjek", project)
    log = result.stdout + result.stderr
    assert result.returncode == 1
    assert "content/nyheder/2013-02-11-fastelavn.md:4: Estate:" in log and 'Mente du "Akacieparken"?' in log


def git(cwd: Path, *args: str) -> str:
    author = ["-c", "user.name=Test", "-c", "user.email=test@example.org"]
    done = subprocess.run(
        ["git", *author, *args], cwd=cwd, check=True, capture_output=True, text=True, encoding="utf-8"
    )
    return done.stdout


def sequence(folder: Path) -> int:
    feed = icalendar.Calendar.from_ical((folder / "output" / "kalender" / "lektiecafe.ics").read_bytes())
    return max(int(e.get("SEQUENCE", 0)) for e in feed.walk("VEVENT"))


def test_the_calendar_numbers_a_ci_build_raises_are_kept_for_the_next_build(project, tmp_path, monkeypatch):
    """What the publishing job runs after `byg`: revisioner.json committed back ("[skip ci]") and pushed,
    on top of whatever reached main meanwhile, so the next fresh checkout's SEQUENCE starts from it."""
    monkeypatch.setenv("GITHUB_REF_NAME", "main")
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    assert run("python3 -m invoke byg", project).returncode == 0
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "start"]):
        git(project, *args)
    git(project, "push", "-q", str(remote), "main")

    # A board member moves the homework café an hour (as the CMS would, a commit on main), and the
    # CI job starts from a fresh checkout of it.
    event = project / "content" / "kalender" / "lektiecafe.md"
    event.write_text(event.read_text(encoding="utf-8").replace("15:00", "16:00"), encoding="utf-8")
    git(project, "commit", "-qam", "Ret aktiviteter: lektiecafe")
    git(project, "push", "-q", str(remote), "main")
    ci = tmp_path / "ci"
    git(tmp_path, "clone", "-q", str(remote), str(ci))
    # Meanwhile another edit reaches main: the job's push must go on top of it.
    news = project / "content" / "nyheder" / "2013-02-11-fastelavn.md"
    news.write_text(news.read_text(encoding="utf-8") + "\nMere tekst.\n", encoding="utf-8")
    git(project, "commit", "-qam", "Ret nyheder: fastelavn")
    git(project, "push", "-q", str(remote), "main")

    for line in ("python3 -m invoke byg", "python3 -m invoke gem-kalendernumre"):
        result = run(line, ci)
        assert result.returncode == 0, result.stdout + result.stderr
    assert "sendt til grenen main" in result.stdout
    assert sequence(ci) == 1
    log = git(remote, "log", "--format=%s", "main").splitlines()
    assert log[:3] == [
        "Kalendernumre (SEQUENCE) efter bygningen [skip ci]",
        "Ret nyheder: fastelavn",
        "Ret aktiviteter: lektiecafe",
    ]
    stored = json.loads(git(remote, "show", "main:content/kalender/revisioner.json"))
    assert stored["lektiecafe"]["sequence"] == 1

    # The next job's fresh checkout builds with that number and has nothing to commit.
    again = tmp_path / "again"
    git(tmp_path, "clone", "-q", str(remote), str(again))
    for line in ("python3 -m invoke byg", "python3 -m invoke gem-kalendernumre"):
        result = run(line, again)
        assert result.returncode == 0, result.stdout + result.stderr
    assert "uændret" in result.stdout and sequence(again) == 1
    assert len(git(remote, "log", "--format=%s", "main").splitlines()) == len(log)


def test_a_refused_push_of_the_calendar_numbers_is_a_danish_message(project, tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_REF_NAME", "main")
    monkeypatch.setenv("GIT_PUSH_URL", str(tmp_path / "no-such-remote.git"))
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "start"]):
        git(project, *args)
    assert run("python3 -m invoke byg", project).returncode == 0
    result = run("python3 -m invoke gem-kalendernumre", project)
    assert result.returncode == 1
    assert "kunne ikke sendes til grenen main" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
