"""The build's shortcuts give the same result as the long way round.

One Markdown object per build, each file checked once, newsletters printed
in a pool of worker processes: none of them may change a byte of output or
let a broken file through.
"""

from __future__ import annotations

import os
from pathlib import Path

import markdown
import pytest
from test_newsletter import FILES as NEWSLETTER_FILES
from test_newsletter import ISSUE_1, ISSUE_2, build_recording, photo
from test_newsletter import TODAY as NEWSLETTER_TODAY

from rumforliv.build import parallel
from rumforliv.build.run import BuildFailed
from rumforliv.content import markup, schema
from rumforliv.newsletter import issues as newsletter

from conftest import HOMEWORK, NEWS, TinySite

TEXTS = [
    "Fest[^1] hos HUSET.\n\n*[HUSET]: Beboerhuset\n\n[^1]: Med kage.",
    "Ingen fodnoter her, men HUSET og <b>fed</b> og [et link][ref].\n\n[ref]: https://example.org",
    "Igen[^1].\n\n[^1]: En anden fodnote.",
    "Term\n:   Forklaring\n\n| a | b |\n|---|---|\n| 1 | 2 |",
]


def fresh_markdown(text: str, settings: dict) -> str:
    """render_markdown as it was: a new Markdown object for every text."""
    saved = dict(markup._MARKDOWN)
    markup._MARKDOWN.clear()
    try:
        return markup.render_markdown(text, settings)
    finally:
        markup._MARKDOWN.clear()
        markup._MARKDOWN.update(saved)


def test_one_markdown_object_renders_each_text_as_a_new_one_would(site):
    settings = site.settings()
    expected = [fresh_markdown(text, settings) for text in TEXTS]
    assert [markup.render_markdown(text, settings) for text in TEXTS] == expected
    assert [markup.render_markdown(text, settings) for text in reversed(TEXTS)] == expected[::-1]
    assert markup.markdown_for(settings) is markup.markdown_for(settings)
    assert isinstance(markup.markdown_for(settings), markdown.Markdown)
    assert markup.markdown_for(site.settings()) is not markup.markdown_for(settings)  # other settings, own object


def count_checks(monkeypatch) -> list[str]:
    """The names of the files schema checks, once per check."""
    seen = []
    original = schema.check_data

    def counting(data, path, *args, **kwargs):
        seen.append(Path(path).name)
        return original(data, path, *args, **kwargs)

    monkeypatch.setattr(schema, "check_data", counting)
    return seen


def test_each_content_file_is_checked_once_per_build(site, monkeypatch):
    site.write({"content/nyheder/fastelavn.md": NEWS, "content/kalender/lektiecafe.md": HOMEWORK})
    checks = count_checks(monkeypatch)
    site.build()
    assert sorted(checks) == ["fastelavn.md", "lektiecafe.md"]
    assert "120 børn slog katten af tønden." in site.read("nyheder/2013/fastelavn-i-akacieparken/index.html")


def test_a_file_changed_after_the_check_is_checked_again(site):
    path = site.content / "nyheder/fastelavn.md"
    site.write({"content/nyheder/fastelavn.md": NEWS})
    settings = site.settings()
    tree = schema.CheckedTree()
    assert schema.check_tree(settings, tree) == []
    path.write_text(path.read_text("utf-8").replace("120 børn", "130 børn"), encoding="utf-8")
    assert tree.take(path) is None  # the reader then checks the file as it is now
    assert schema.check_tree(settings, tree) == []
    assert "130 børn" in tree.take(path).body
    assert tree.take(path) is None  # handed out once


def test_a_broken_file_fails_the_build_before_it_is_read(site):
    site.write({"content/nyheder/fastelavn.md": NEWS.replace("Estate: Akacieparken", "Estate: Akaciparken")})
    with pytest.raises(BuildFailed) as failure:
        site.build()
    assert "content/nyheder/fastelavn.md:4: Estate:" in str(failure.value)


def test_issues_printed_in_the_pool_equal_those_printed_one_by_one(tmp_path, monkeypatch):
    pooled, serial = TinySite(tmp_path / "pool"), TinySite(tmp_path / "serial")
    for site in (pooled, serial):
        site.write(NEWSLETTER_FILES)
        photo(site)
    assert build_recording(pooled) == {"2013-1": False, "2013-2": False}
    monkeypatch.setattr(newsletter, "POOL_FROM", 1000)
    assert build_recording(serial) == {"2013-1": False, "2013-2": False}
    for name in ("2013-1.pdf", "2013-1-tryk.pdf", "2013-1-haefte.pdf", "2013-2.pdf", "2013-2-haefte.pdf"):
        assert (pooled.output / "nyhedsbrev" / name).read_bytes() == (serial.output / "nyhedsbrev" / name).read_bytes()
    assert build_recording(pooled) == {"2013-1": True, "2013-2": True}  # and the pool filled the cache


def test_a_letter_missing_from_the_fonts_stops_the_build_from_a_worker(tmp_path, monkeypatch):
    from rumforliv.content import gate

    monkeypatch.setattr(
        gate, "font_problems", lambda entry, settings: []
    )  # tjek would stop it first; here the PDF must
    site = TinySite(tmp_path)
    site.write(
        {
            "newsletter/2013-1/index.md": ISSUE_1,
            "newsletter/2013-2/index.md": ISSUE_2 + "\n    Et tegn uden skrift: \ue000.\n",
        }
    )
    with pytest.raises(BuildFailed) as failure:
        site.build(today=NEWSLETTER_TODAY)
    assert "newsletter/2013-2/index.md:1:" in str(failure.value)
    assert "tomme firkanter" in str(failure.value)


# --- Checking and reading the content on two processes -------------------------


def test_spread_keeps_the_order_and_uses_a_second_process():
    done = parallel.spread(lambda n: (n * n, os.getpid()), list(range(parallel.SPREAD_FROM + 1)))
    assert [square for square, _ in done] == [n * n for n in range(parallel.SPREAD_FROM + 1)]
    assert {pid for _, pid in done[0::2]} == {os.getpid()}
    assert len({pid for _, pid in done[1::2]} - {os.getpid()}) == 1


def test_a_failure_in_the_second_process_stops_the_work():
    def fail_on_odd(n):
        if n % 2:
            raise ValueError(f"odd {n}")
        return n

    with pytest.raises(RuntimeError, match="ValueError: odd 1"):
        parallel.spread(fail_on_odd, list(range(parallel.SPREAD_FROM)))


def many_files(count: int) -> dict[str, str]:
    files = {}
    for n in range(count):
        files[f"content/nyheder/nyhed-{n:02d}.md"] = NEWS.replace("Fastelavn", f"Fastelavn {n}").replace(
            "120 børn", f"*{n}* børn"
        )
        files[f"content/kalender/cafe-{n:02d}.md"] = HOMEWORK.replace("Slug: lektiecafe", f"Slug: lektiecafe-{n}")
    return files


def test_content_checked_and_rendered_on_two_processes_builds_the_same_site(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "SPREAD_FROM", 2)
    outputs = []
    for workers in (1, 2):
        site = TinySite(tmp_path / f"workers-{workers}").write(many_files(6))
        site.build(RENDER_WORKERS=workers)
        outputs.append({p.relative_to(site.output): p.read_bytes() for p in site.output.rglob("*") if p.is_file()})
    assert outputs[0] == outputs[1]
    assert (
        "<em>3</em> børn slog katten af tønden."
        in outputs[1][Path("nyheder/2013/fastelavn-3-i-akacieparken/index.html")].decode()
    )


def test_broken_files_checked_on_two_processes_are_reported_in_file_order(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "SPREAD_FROM", 2)
    files = many_files(4)
    for name in ("content/nyheder/nyhed-01.md", "content/kalender/cafe-02.md"):
        files[name] = files[name].replace("Estate: Akacieparken", "Estate: Akaciparken")
    messages = []
    for workers in (1, 2):
        site = TinySite(tmp_path / f"workers-{workers}").write(files)
        with pytest.raises(BuildFailed) as failure:
            site.build(RENDER_WORKERS=workers)
        messages.append(str(failure.value))
        assert not site.output.exists()
    assert messages[0] == messages[1]
    assert messages[1].index("content/nyheder/nyhed-01.md:4:") < messages[1].index("content/kalender/cafe-02.md:8:")


def test_markdown_rendered_beside_the_check_is_what_the_reader_would_render(site):
    site.write({"content/nyheder/fastelavn.md": NEWS.replace("Tags: fest, børn", "Summary: Katten *af* tønden.")})
    settings = site.settings()
    path = site.content / "nyheder/fastelavn.md"
    plain, problems = schema.check_file(path, settings, site.content)
    prepared, _ = schema.check_file(path, settings, site.content)
    markup.prerender(prepared, settings)
    assert problems == [] and plain.html == {} and set(prepared.html) == {"body", "summary"}
    for part, text in (("body", plain.body), ("summary", plain.values["summary"])):
        assert markup.markdown_of(prepared, part, text, settings) == markup.markdown_of(plain, part, text, settings)
    assert "<em>af</em>" in prepared.html["summary"]
