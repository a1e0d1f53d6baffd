"""invoke's own command-line errors, in Danish.

A volunteer who types `invoke ny-nyhed Fastelavn i Akacieparken` (no quotes)
would otherwise read "No idea what 'i' is!". tasks.py calls `install()`, which
wraps the two parsing steps of invoke's Program that run after tasks.py is
loaded; each ParseError's message is replaced by one that says what to type.
"""

from __future__ import annotations

import difflib
import functools
import re

EXAMPLES = {
    "ny-nyhed": 'invoke ny-nyhed "Fastelavn i Akacieparken"',
    "ny-aktivitet": 'invoke ny-aktivitet "Jobcafé" --start "2013-01-08 10:00"',
    "aflys": "invoke aflys lektiecafe-boern 2013-03-04",
    "nyt-nyhedsbrev": "invoke nyt-nyhedsbrev",
    "nyhedsbrev": "invoke nyhedsbrev --udgave 2013-2",
}

UNKNOWN = re.compile(r"^No idea what '(.*)' is!$")
MISSING = re.compile(r"^'(.*)' did not receive required positional arguments: (.*)$")
NO_VALUE = re.compile(r"^Flag <Argument: ([^ ]+).*> needed value and was not given one!$")
TAKES_NONE = re.compile(r"^Flag <Argument: ([^ ]+).*> doesn't take any value!$")


def danish(message: str, task: str | None, names: list[str], options: list[str]) -> str:
    """invoke's parse error `message` for the editor. `task` is the command being read (None before
    one), `names` every command's name, `options` the current command's options (--titel ...)."""
    example = f" Skriv fx: {EXAMPLES[task]}" if task in EXAMPLES else ""
    helping = f" Se hjælpen med: invoke --help {task}" if task else " Se alle kommandoer med: invoke --list"
    if match := UNKNOWN.match(message):
        word = match.group(1)
        if word.startswith("-"):
            close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
            meant = f' Mente du "{close[0]}"?' if close else ""
            return f'Kommandoen kender ikke indstillingen "{word}".{meant}{helping}'
        if task:
            return (
                f'Der er et ord for meget: "{word}". Står titlen eller stedet i anførselstegn, når der er '
                f"mellemrum i?{example}"
            )
        close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
        meant = f' Mente du "{close[0]}"?' if close else ""
        return f'Der er ingen kommando, der hedder "{word}".{meant}{helping}'
    if match := MISSING.match(message):
        what = match.group(2).replace("'", "").replace("_", "-").upper()
        return f"Kommandoen {match.group(1)} mangler {what}.{example or helping}"
    if match := NO_VALUE.match(message):
        return f"Indstillingen --{match.group(1).replace('_', '-')} skal have en værdi efter sig.{example or helping}"
    if match := TAKES_NONE.match(message):
        return f"Indstillingen --{match.group(1).replace('_', '-')} tager ingen værdi.{helping}"
    return f"Kommandoen kunne ikke forstås ({message}).{helping}"


def translated(step):
    """A Program parsing step whose ParseError speaks Danish."""

    @functools.wraps(step)
    def run(program, *args, **kwargs):
        from invoke.exceptions import ParseError

        try:
            return step(program, *args, **kwargs)
        except ParseError as error:
            context = getattr(error, "context", None)
            task = getattr(context, "name", None) or None
            names = sorted(program.collection.task_names) if getattr(program, "collection", None) else []
            options = sorted(f"--{flag.lstrip('-')}" for flag in getattr(context, "flags", {}) if flag.startswith("--"))
            raise ParseError(danish(str(error), task, names, options), context) from None

    run.danish = True
    return run


def install() -> None:
    """Wrap invoke's Program.parse_tasks and parse_cleanup (once), for the invoke now running tasks.py."""
    from invoke.program import Program

    for name in ("parse_tasks", "parse_cleanup"):
        step = getattr(Program, name)
        if not getattr(step, "danish", False):
            setattr(Program, name, translated(step))
