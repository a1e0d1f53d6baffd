"""Pages and feeds written on two cores, once every generator has queued its work.

Rendering the pages of the whole plan period, and serialising its feeds, is
most of a cold build, and no page depends on another. The writer queues the
pages (and the generators their feeds, as one job in their order). A forked
child and this process take chunks from a shared counter until none is left;
a page whose last file stays (memo.py) is left as it is. (A rebuild without
feeds to write sorts those out first, here, and may then have too little
left to fork for.) The child shares the finished context without pickling
it; what it logs as an error, and what it wrote (for the page memo), come back
through a pipe (`beside_child`). Without fork, or with little work, everything
runs here.

Before that, `spread` shares the content check (and the Markdown) the same
way: every second file is done by the forked child.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import os
import pickle
import traceback
from dataclasses import dataclass, field

from pelican.generators import Generator

from . import memo
from .build import ErrorCollector

WORKERS = "RENDER_WORKERS"  # setting: processes that write pages (1 or 2)
FROM_PAGES = "RENDER_PARALLEL_FROM"  # setting: with fewer queued pages all is done here (a fork is not free)
CHUNK = 25  # pages taken at a time: small enough that both processes finish together


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
    values: dict = field(default_factory=dict)
    key: str | None = None  # the page memo's key, once worked out (None also: cannot be digested)
    keyed: bool = False


def kept(page: PendingPage, settings: dict) -> bool:
    """Whether the last build's file for `page` stays (memo.py); the page's key is worked out once, here."""
    page_memo = settings.get(memo.SETTING)
    if page_memo is None:
        return False
    if not page.keyed:
        page.key = page_memo.key(page.name, page.template, page.context, settings, url=page.url,
                                 relative_urls=page.relative_urls, **page.values)
        page.keyed = True
    return page.key is not None and page_memo.reuse(page.name, page.key)


def later(writer, job, *args) -> None:
    """Run `job(*args)` along with the queued pages (in the order queued), or now if the writer queues nothing."""
    if hasattr(writer, "jobs"):
        writer.jobs.append(functools.partial(job, *args))
    else:
        job(*args)


def after_pages(writer, job) -> None:
    """Run `job()` once the queued pages are written (the newsletter waits there for its printing, which
    went on meanwhile); it may queue pages of its own. Now if the writer queues nothing."""
    if hasattr(writer, "after"):
        writer.after.append(job)
    else:
        job()


def run_all(writer, jobs: list, pages: list[PendingPage], settings: dict) -> None:
    """The jobs (one chunk, in order) and the pages, on one or two processes."""
    page_memo = settings.get(memo.SETTING)
    two = settings.get(WORKERS, 1) >= 2 and hasattr(os, "fork")
    enough = len(pages) >= settings.get(FROM_PAGES, 200)
    if page_memo and page_memo.known and not (two and enough and jobs):
        # A rebuild with nothing to do beside the keys: the pages that stay are sorted out here first,
        # so that values many pages share are digested once, and few pages may be left to render.
        # With jobs (the feeds), both processes work out keys as they go, one of them doing the jobs.
        pages = [page for page in pages if not kept(page, settings)]
        enough = len(pages) >= settings.get(FROM_PAGES, 200)
    chunks = ([jobs] if jobs else []) + [pages[i:i + CHUNK] for i in range(0, len(pages), CHUNK)]
    if not (two and enough):
        for chunk in chunks:
            run_chunk(writer, chunk)
        return
    counter = multiprocessing.Value("i", 0)  # the next chunk to take, shared with the child
    _, answer = beside_child(lambda: child_share(writer, chunks, counter), lambda: take_chunks(writer, chunks, counter))
    child_result(answer, settings.get(memo.SETTING))


def beside_child(in_child, here):
    """(here(), in_child()): `in_child` runs in a forked child, which shares this process's memory as it
    is (nothing is pickled on the way in), sends its result back pickled through a pipe and leaves
    without running this process's exit code; a failure there is raised here, with its traceback."""
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read_end)
        try:
            payload = pickle.dumps((True, in_child()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # noqa: BLE001 - whatever it is, the parent must hear of it
            payload = pickle.dumps((False, traceback.format_exc()))
        with os.fdopen(write_end, "wb") as stream:
            stream.write(payload)
        os._exit(0)
    os.close(write_end)
    try:
        result = here()
    finally:
        with os.fdopen(read_end, "rb") as answer:
            payload = answer.read()
        os.waitpid(child, 0)
    done, answer = pickle.loads(payload) if payload else (False, "it stopped without an answer")
    if not done:
        raise RuntimeError(f"work in the second process failed:\n{answer}")
    return result, answer


def take_chunks(writer, chunks: list[list], counter) -> None:
    while True:
        with counter.get_lock():
            number = counter.value
            counter.value += 1
        if number >= len(chunks):
            return
        run_chunk(writer, chunks[number])


def run_chunk(writer, chunk: list) -> None:
    for item in chunk:
        writer.render(item) if isinstance(item, PendingPage) else item()


def child_share(writer, chunks: list[list], counter) -> dict:
    """In the child: its share of the chunks; then what it logged as an error and wrote (for the page memo)."""
    errors = ErrorCollector()  # logged again by the parent, where the build counts them
    logging.getLogger().addHandler(errors)
    take_chunks(writer, chunks, counter)
    page_memo = writer.settings.get(memo.SETTING)
    return {"memo": page_memo.state() if page_memo else None, "errors": errors.messages}


def child_result(answer: dict, page_memo) -> None:
    """Take in what the child did; log its errors here, so the build fails as if they were ours."""
    for message in answer["errors"]:
        logging.getLogger("pelican.writers").error("%s", message)
    if page_memo and answer["memo"]:
        page_memo.merge(answer["memo"])


SPREAD_FROM = 100  # fewer items than this are not worth a fork


def spread(function, items: list, workers: int = 2) -> list:
    """[function(item) for item in items], every second item done by a forked child whose results come
    back pickled; for work before the pages (checking and reading the content), when one core waits."""
    if workers < 2 or len(items) < SPREAD_FROM or not hasattr(os, "fork"):
        return [function(item) for item in items]
    mine, theirs = beside_child(lambda: [function(item) for item in items[1::2]],
                                lambda: [function(item) for item in items[0::2]])
    results = [None] * len(items)
    results[0::2], results[1::2] = mine, theirs
    return results


class PendingPages(Generator):
    """The project's last generator: writes what the others queued with the writer."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        if hasattr(writer, "render_pending"):
            writer.render_pending()
