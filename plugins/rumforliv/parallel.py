"""Pages rendered on two cores: the writer queues them, a forked child renders every other one.

Rendering the pages of the whole plan period is most of a cold build, and no
page depends on another. A forked child shares the finished context without
pickling it; what it logs as an error, and the pages it wrote (for the page
memo), come back through a pipe. Where fork is missing, or there are few
pages, everything renders in this process.
"""

from __future__ import annotations

import json
import logging
import os
import traceback
from dataclasses import dataclass, field

from pelican.generators import Generator

WORKERS = "RENDER_WORKERS"  # setting: processes that render pages (1 or 2)
FROM_PAGES = "RENDER_PARALLEL_FROM"  # setting: fewer queued pages than this render here (a fork is not free)

logger = logging.getLogger(__name__)


@dataclass
class PendingPage:
    """One `write_file` call, kept until every generator has queued its pages."""

    name: str
    template: object
    context: dict
    relative_urls: bool
    template_name: str | None
    override_output: bool
    url: str | None
    lang: str
    key: str | None  # the page memo's key, recorded once the file is written
    values: dict = field(default_factory=dict)


class ErrorRecords(logging.Handler):
    """The errors a child logs, to be logged again by the parent (where the build counts them)."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def render_all(writer, pages: list[PendingPage], settings: dict) -> list[tuple[str, list]]:
    """Render `pages` with `writer.render`; returns what it returned for each (memo records)."""
    workers = settings.get(WORKERS, 1)
    if workers < 2 or len(pages) < settings.get(FROM_PAGES, 200) or not hasattr(os, "fork"):
        return [record for page in pages if (record := writer.render(page))]
    theirs, ours = pages[1::2], pages[0::2]  # alternate, so both halves hold the same mix of page kinds
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read_end)
        child_main(writer, theirs, write_end)
    os.close(write_end)
    try:
        records = [record for page in ours if (record := writer.render(page))]
    finally:
        with os.fdopen(read_end, "rb") as answer:
            payload = answer.read()
        os.waitpid(child, 0)
    return records + child_result(payload)


def child_main(writer, pages: list[PendingPage], write_end: int) -> None:
    """In the child: render, answer through the pipe, and leave without running the parent's exit code."""
    errors = ErrorRecords()
    logging.getLogger().addHandler(errors)
    try:
        records = [record for page in pages if (record := writer.render(page))]
        payload = {"records": records, "errors": errors.messages}
    except BaseException:  # noqa: BLE001 - whatever it is, the parent must hear of it
        payload = {"crash": traceback.format_exc()}
    with os.fdopen(write_end, "wb") as stream:
        stream.write(json.dumps(payload).encode("utf-8"))
    os._exit(0)


def child_result(payload: bytes) -> list:
    """The child's records; its errors are logged here, so the build fails as if they were ours."""
    try:
        answer = json.loads(payload.decode("utf-8"))
    except ValueError:
        answer = {"crash": "the rendering process stopped without an answer"}
    if "crash" in answer:
        raise RuntimeError(f"rendering pages failed in the second process:\n{answer['crash']}")
    for message in answer["errors"]:
        logging.getLogger("pelican.writers").error("%s", message)
    return [tuple(record) for record in answer["records"]]


class PendingPages(Generator):
    """The project's last generator: renders the pages the others queued with the writer."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        if hasattr(writer, "render_pending"):
            writer.render_pending()
