"""Pages and feeds written on two cores.

Rendering the pages of the whole plan period, and serialising its feeds, is
most of a cold build, and no page depends on another. The feeds need only
the events: as soon as those are read, a forked child makes them (`early`,
`start_early`) while this process expands the events and the generators
queue their pages. The child writes nothing: it hands back the files
(`Write`), and this process writes them once the pages are written
(`finish_early`), as Pelican wants nothing written while contexts are built.
Saving the caches for the next build (`later`) waits for that phase too. Then a second forked child and this process take chunks
of the pages from a shared counter until none is left; for each page, its
key says whether the last build's file stays (memo.py, on a rebuild most
do) or it is rendered, so working out the keys (most of a rebuild's page
time) is shared too. A child shares the finished context without pickling
it; what it logs as an error, and what it wrote (for the page memo), come
back through a pipe (`Child`). Without fork, or with few pages, the work is
done here.

Before that, `spread` shares the content check (and the Markdown) the same
way: every second file is done by the forked child.
"""

from __future__ import annotations

import functools
import inspect
import logging
import multiprocessing
import os
import pickle
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from pelican.generators import Generator

from rumforliv.build import memo
from rumforliv.build.logs import ErrorCollector
from rumforliv.build.store import Write, write_whole

WORKERS = "RENDER_WORKERS"  # setting: processes that write pages (1 or 2)
FROM_PAGES = "RENDER_PARALLEL_FROM"  # setting: with fewer queued pages all is done here (a fork is not free)
CHUNK = 25  # pages taken at a time: small enough that both processes finish together


@dataclass
class PendingPage:
    """One file to write (a `write_file` call, or one page of a paginated listing), kept until every
    generator has queued its pages."""

    name: str
    template: object
    context: dict
    relative_urls: bool
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
        page.key = page_memo.key(
            page.name,
            page.template,
            page.context,
            settings,
            url=page.url,
            relative_urls=page.relative_urls,
            **page.values,
        )
        page.keyed = True
    return page.key is not None and page_memo.reuse(page.name, page.key)


EARLY = "early_jobs"  # in the shared context: jobs queued to run beside the build (`early`)
EARLY_CHILDREN = "early_children"  # in the shared context: the children running them
EARLY_WRITES = "early_writes"  # in the shared context: what jobs run here (without fork) made
LATER = "later_jobs"  # in the shared context: jobs that wait for the output phase (`later`)


def early(context: dict, job, *args) -> None:
    """Run `job(*args)` beside the rest of the build (in a forked child, the jobs in the order given),
    from the next `start_early` on: for output that needs only the content read so far. A job writes
    nothing: it returns the files it made (a list of `Write`), written by `finish_early`. The feeds are
    queued when their generators are made, and start once the events are read."""
    context.setdefault(EARLY, []).append(functools.partial(job, *args))


def later(context: dict, job, *args) -> None:
    """Run `job(*args)` once the output phase starts (`start_later`), beside the pages: for saving
    the caches of the next build, which is no output and may write where it likes."""
    context.setdefault(LATER, []).append(functools.partial(job, *args))


def forking(workers: int) -> bool:
    """Whether work may go to a forked child: two workers asked for, and a system that forks."""
    return workers >= 2 and hasattr(os, "fork")


def run_jobs(jobs: list) -> list[Write]:
    return [write for job in jobs for write in job() or ()]


def start_early(context: dict, settings: dict, queue: str = EARLY) -> None:
    """Start the jobs queued so far: in a child of their own, which writes what they made once the output
    phase opens its gate (`open_gates`), or here without fork (the serial twin), written by `finish_early`."""
    jobs = context.pop(queue, [])
    if not forking(settings.get(WORKERS, 1)):
        context.setdefault(EARLY_WRITES, []).extend(run_jobs(jobs))
    elif jobs:
        output = settings["OUTPUT_PATH"]
        child = Child(lambda gate: child_work(lambda: written(run_jobs(jobs), gate, output, settings), settings))
        context.setdefault(EARLY_CHILDREN, []).append(child)


def start_later(context: dict, settings: dict) -> None:
    start_early(context, settings, LATER)


def open_gates(context: dict) -> None:
    """The output phase has begun: the children may write what they made."""
    for child in context.get(EARLY_CHILDREN, []):
        child.open_gate()


def written(writes: list[Write], gate: int, output: str, settings: dict) -> list:
    """In a child: wait at the gate, then write `writes` (none if the build stopped before its output phase)."""
    if os.read(gate, 1) == GO:
        perform(writes, output, settings.get(memo.SETTING))
    return []


def finish_early(context: dict, settings: dict, output: str) -> None:
    """Wait for the work beside the build; write here what the serial twin made (into `output`, the staging folder)."""
    page_memo = settings.get(memo.SETTING)
    for child in context.pop(EARLY_CHILDREN, []):
        child_result(child.answer(), page_memo)
    perform(context.pop(EARLY_WRITES, []), output, page_memo)


def perform(writes: list[Write], output: str, page_memo) -> None:
    """Write the files; an output file's key goes to the page memo."""
    for write in writes:
        if write.in_output:
            target = os.path.join(output, write.path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as file:
                file.write(write.data)
            if write.key and page_memo:
                page_memo.record(write.path, write.key)
        else:
            write_whole(Path(write.path), write.data)


def after_pages(writer, job) -> None:
    """Run `job()` once the queued pages are written (the newsletter waits there for its printing, which
    went on meanwhile); it may queue pages of its own. Now if the writer queues nothing."""
    if hasattr(writer, "after"):
        writer.after.append(job)
    else:
        job()


def run_all(writer, pages: list[PendingPage], settings: dict) -> None:
    """The pages, on one or two processes."""
    page_memo = settings.get(memo.SETTING)
    if len(pages) < settings.get(FROM_PAGES, 200) or not forking(settings.get(WORKERS, 1)):
        for page in pages:
            writer.render(page)
        return
    if page_memo:  # what all keys start from, and what each template reads: found here once, not in both
        page_memo.shared(pages[0].context, settings)
        for template in {id(page.template): page.template for page in pages}.values():
            page_memo.names_read(template)
    chunks = [pages[i : i + CHUNK] for i in range(0, len(pages), CHUNK)]
    counter = multiprocessing.Value("i", 0)  # the next chunk to take, shared with the child
    _, answer = beside_child(lambda: child_share(writer, chunks, counter), lambda: take_chunks(writer, chunks, counter))
    child_result(answer, page_memo)


def beside_child(in_child, here):
    """(here(), in_child()): `in_child` runs in a forked child (`Child`) while this process runs `here`."""
    child = Child(in_child)
    try:
        result = here()
    finally:
        child.wait()
    return result, child.answer()


class Child:
    """A forked child running `in_child`: it shares this process's memory as it is (nothing is pickled on
    the way in), sends its result back pickled through a pipe and leaves without running this process's
    exit code. `answer` waits for the result; a failure there is raised here, with its traceback."""

    def __init__(self, in_child):
        """`in_child()`, or `in_child(gate)` for one that waits at a gate: a pipe that `open_gate` writes to
        (and `wait` closes, so a child of a build that stopped reads nothing there)."""
        read_end, write_end = os.pipe()
        gated = "gate" in inspect.signature(in_child).parameters
        gate_read, self.gate = os.pipe() if gated else (None, None)
        self.pid = os.fork()
        if self.pid == 0:
            os.close(read_end)
            if gated:
                os.close(self.gate)
            try:
                payload = pickle.dumps((True, in_child(gate_read) if gated else in_child()), protocol=5)
            except BaseException:
                payload = pickle.dumps((False, traceback.format_exc()))
            with os.fdopen(write_end, "wb") as stream:
                stream.write(payload)
            os._exit(0)
        os.close(write_end)
        if gated:
            os.close(gate_read)
        self.read_end, self.payload = read_end, None
        RUNNING.add(self)

    def open_gate(self) -> None:
        if self.gate is not None:
            try:
                os.write(self.gate, GO)
            except BrokenPipeError:  # the child stopped before its gate: its answer says why
                pass
            os.close(self.gate)
            self.gate = None

    def wait(self) -> None:
        if self.gate is not None:  # never opened: the build stopped before its output phase
            os.close(self.gate)
            self.gate = None
        if self in RUNNING:
            with os.fdopen(self.read_end, "rb") as answer:
                self.payload = answer.read()
            os.waitpid(self.pid, 0)
            RUNNING.discard(self)

    def answer(self):
        self.wait()
        done, answer = pickle.loads(self.payload) if self.payload else (False, "it stopped without an answer")
        if not done:
            raise RuntimeError(f"work in the second process failed:\n{answer}")
        return answer


RUNNING: set[Child] = set()  # children not waited for yet
GO = b"g"  # what opens a gate


def wait_for_children() -> None:
    """Before a failed build removes its folder: no child may still be writing into it."""
    for child in list(RUNNING):
        child.wait()


def take_chunks(writer, chunks: list[list], counter) -> None:
    while True:
        with counter.get_lock():
            number = counter.value
            counter.value += 1
        if number >= len(chunks):
            return
        run_chunk(writer, chunks[number])


def run_chunk(writer, chunk: list[PendingPage]) -> None:
    for page in chunk:
        writer.render(page)


def child_share(writer, chunks: list[list], counter) -> dict:
    """In the child: its share of the chunks (then what it logged and wrote, `child_work`)."""
    return child_work(lambda: take_chunks(writer, chunks, counter), writer.settings)


def child_work(work, settings: dict) -> dict:
    """In a child: `work()`; then its result, what it logged as an error and wrote (for the page memo)."""
    errors = ErrorCollector()  # logged again by the parent, where the build counts them
    logging.getLogger().addHandler(errors)
    result = work()
    page_memo = settings.get(memo.SETTING)
    return {"memo": page_memo.state() if page_memo else None, "errors": errors.messages, "result": result}


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
    if len(items) < SPREAD_FROM or not forking(workers):
        return [function(item) for item in items]
    mine, theirs = beside_child(
        lambda: [function(item) for item in items[1::2]], lambda: [function(item) for item in items[0::2]]
    )
    results = [None] * len(items)
    results[0::2], results[1::2] = mine, theirs
    return results


class PendingPages(Generator):
    """The project's last generator: writes what the others queued with the writer."""

    def generate_context(self):
        start_early(self.context, self.settings)  # what waited for the others' context

    def generate_output(self, writer):
        open_gates(self.context)  # the feeds' child writes its files beside the pages
        start_later(self.context, self.settings)  # the caches for next time, beside the pages
        if hasattr(writer, "render_pending"):
            writer.render_pending()
        finish_early(self.context, self.settings, self.output_path)
