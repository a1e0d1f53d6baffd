"""Keeping the calendar feeds' change numbers (SEQUENCE, in revisioner.json) across CI builds.

The build raises an event's SEQUENCE when its schedule changes and records it in the content's
revisioner.json (see rumforliv.ical.feeds). A CI machine starts from a fresh checkout, so a number the
build raised there is lost unless it is committed back: then the next build starts from it, and calendar
apps keep seeing the number rise. The commit says "[skip ci]", so it does not start another build
(GitHub, GitLab, Forgejo and Gitea all honour it).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from rumforliv.editor.commands import EditorError
from rumforliv.ical.feeds import REVISIONS_FILE

MESSAGE = "Kalendernumre (SEQUENCE) efter bygningen [skip ci]"
AUTHOR = ("-c", "user.name=Rum for Liv (bygning)", "-c", "user.email=bygning@rumforliv.invalid")
# The branch a CI job builds: GitLab's, then GitHub's (also set by Forgejo and Gitea Actions).
BRANCH_VARIABLES = ("CI_COMMIT_BRANCH", "GITHUB_REF_NAME")
# Where to push, when not the checkout's origin (GitLab: a URL with a project access token).
PUSH_URL_VARIABLE = "GIT_PUSH_URL"


def git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, encoding="utf-8")


def revisions_path(settings: dict, root: Path) -> Path:
    return (Path(settings["PATH"]) / REVISIONS_FILE).resolve().relative_to(root.resolve())


def ci_branch(root: Path, environ=os.environ) -> str:
    for name in BRANCH_VARIABLES:
        if environ.get(name):
            return environ[name]
    return git(root, "rev-parse", "--abbrev-ref", "HEAD").stdout.strip()


def push(root: Path, remote: str, branch: str) -> bool:
    """Push the commit; if the branch moved meanwhile, put the commit on top of it once and try again."""
    target = f"HEAD:refs/heads/{branch}"
    if git(root, "push", remote, target).returncode == 0:
        return True
    if git(root, *AUTHOR, "pull", "--rebase", remote, branch).returncode != 0:
        git(root, "rebase", "--abort")
        return False
    return git(root, "push", remote, target).returncode == 0


def keep_revisions(settings: dict, root: Path, environ=os.environ) -> str:
    """Commit revisioner.json if the build changed it, and push it to the branch being built.
    Returns what happened, in Danish."""
    path = revisions_path(settings, root)
    if not git(root, "status", "--porcelain", "--", str(path)).stdout.strip():
        return f"{path} er uændret: intet at gemme."
    git(root, "add", "--", str(path))
    committed = git(root, *AUTHOR, "commit", "-m", MESSAGE, "--", str(path))
    if committed.returncode != 0:
        raise EditorError(f"{path} kunne ikke lægges i git: {committed.stderr.strip() or committed.stdout.strip()}")
    branch = ci_branch(root, environ)
    remote = environ.get(PUSH_URL_VARIABLE) or "origin"
    if not push(root, remote, branch):
        raise EditorError(
            f"{path} er lagt i git, men kunne ikke sendes til grenen {branch}. Tjek at CI-jobbet må skrive til "
            "projektet (GitHub: permissions contents: write; GitLab: variablen PUSH_TOKEN), og kør jobbet "
            "igen. Indtil filen er gemt, stiger kalendernumrene ikke ved næste ændring."
        )
    return f"{path} er gemt i git og sendt til grenen {branch}."
