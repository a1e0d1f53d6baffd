"""Every page in its reader's language: the language of each page rendered, and the writer.

Fixed texts are Danish `_()` calls in the templates, translated by the
catalogues in `wording.catalogues`.

The language of a page is `page_lang` in the template context. `LanguageWriter`
sets it for every file written (from the article, page or event rendered, or
the listing's own language), so gettext and the date filters pick the right
catalogue and Babel locale without the templates passing a language around.

Content translations are Pelican's: a file with the same Slug and its own
`Lang` is written under the language prefix (`ar/kalender/<slug>/`). The
listings written once per language are in `languages.py`.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import inspect
import re
from dataclasses import dataclass
from pathlib import Path

from jinja2 import pass_context
from markupsafe import Markup
from pelican.paginator import Paginator
from pelican.writers import Writer

from rumforliv.build import memo, parallel, store
from rumforliv.wording import catalogues
from rumforliv.wording.catalogues import N_, catalogue, direction, isolate_numbers, language_name, translate

# The language being rendered, for templates imported without context
# (`{% import %}` macros see only globals). Set only inside LanguageWriter.write_file.
_rendering = contextvars.ContextVar("rumforliv_rendering_lang", default=None)


# The templates' fixed texts by (language, Danish text, escaped): emptied when a build starts.
_fixed_texts: dict[tuple[str, str, bool], str] = {}

COMPILED = "catalogues"  # in the cache folder: compiled catalogues and language names


# --- The language of what is being rendered -------------------------------------


def lang_of(context) -> str:
    """The page's language: `page_lang`, else the rendered item's, else Danish."""
    lang = context.get("page_lang")
    if lang:
        return lang
    for key in ("event", "article", "page", "issue"):
        lang = getattr(context.get(key), "lang", None)
        if isinstance(lang, str):
            return lang
    return _rendering.get() or context.get("DEFAULT_LANG") or "da"


@pass_context
def translated(context, word) -> str:
    """`{{ category.name|translated }}`: a word from the settings in the page's language (plain text)."""
    return catalogue(lang_of(context)).gettext(str(word))


@pass_context
def _gettext(context, message: str) -> str:
    return catalogue(lang_of(context)).gettext(message)


@pass_context
def page_gettext(context, message: str, **variables) -> str:
    """The templates' `_()`: what Jinja's new-style gettext does (text marked safe where the template
    escapes, then always %-formatted), in one call instead of three through the context per text.

    A text without values reads the same on every page: it is worked out once per language."""
    lang, escaped = lang_of(context), context.eval_ctx.autoescape
    if variables:
        return page_text(lang, message, escaped) % variables
    found = _fixed_texts.get((lang, message, escaped))
    if found is None:
        found = _fixed_texts[lang, message, escaped] = page_text(lang, message, escaped) % {}
    return found


def page_text(lang: str, message: str, escaped: bool) -> str:
    text = catalogue(lang).gettext(message)
    return Markup(text) if escaped else text


@pass_context
def _ngettext(context, singular: str, plural: str, n: int) -> str:
    return catalogue(lang_of(context)).ngettext(singular, plural, n)


@pass_context
def _pgettext(context, msgctxt: str, message: str) -> str:
    return catalogue(lang_of(context)).pgettext(msgctxt, message)


@pass_context
def _npgettext(context, msgctxt: str, singular: str, plural: str, n: int) -> str:
    return catalogue(lang_of(context)).npgettext(msgctxt, singular, plural, n)


def in_page_language(func):
    """A filter with a `lang` parameter gets the page's language unless given one."""
    params = list(inspect.signature(func).parameters)
    position = params.index("lang")

    @pass_context
    @functools.wraps(func)
    def localized(context, *args, **kwargs):
        page_lang = lang_of(context)  # once: every date, time and span on a page comes through here
        if len(args) <= position and "lang" not in kwargs:
            kwargs["lang"] = page_lang
        result = func(*args, **kwargs)
        return isolate_numbers(result) if page_lang in context.get("RTL_LANGUAGES", ()) else result

    localized.in_page_language = True
    return localized


def bdi(value) -> Markup:
    """`{{ name|bdi }}`: a Danish name or address that keeps its own direction in Arabic or Urdu text."""
    return Markup("<bdi>%s</bdi>") % value


def takes_lang(func) -> bool:
    if getattr(func, "in_page_language", False) or getattr(func, "jinja_pass_arg", None):
        return False
    try:
        return "lang" in inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False


def install(env) -> None:
    """Per-page-language gettext, filters and helpers on one Jinja environment."""
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True, pgettext=_pgettext, npgettext=_npgettext)
    env.globals["_"] = page_gettext  # a page has dozens; `gettext` and {% trans %} stay Jinja's
    for table in (env.filters, env.globals):
        for name, func in list(table.items()):
            if callable(func) and takes_lang(func):
                table[name] = in_page_language(func)
    env.globals.update(
        language_versions=language_versions,
        in_language=in_language,
        lang_attrs=lang_attrs,
        localized=localized_url,
        main_menu=main_menu,
        translate=translate,
    )
    env.filters.update(
        lang_attrs=lang_attrs,
        links_in_language=links_in_language,
        translated=translated,
        language_name=language_name,
        bdi=bdi,
        danish_mark=danish_mark,
    )


# --- Which versions of a page exist ------------------------------------------------


@dataclass(frozen=True)
class Version:
    """One entry of the language switcher."""

    lang: str
    name: str
    dir: str
    url: str  # where the link goes: this language's version, else the Danish one
    target_lang: str  # the language of the page linked to
    translated: bool
    current: bool
    note: str  # in `lang`, said when there is no translation


NO_TRANSLATION = N_("Denne side findes kun på dansk.")


def content_versions(item, settings: dict) -> dict[str, str]:
    """{lang: url} of a news item, page or event in every language: its translation where there is one,
    else the Danish text under that language's prefix (languages.py writes it there, with a note)."""
    if getattr(item, "status", "published") == "draft" or not getattr(item, "url", ""):
        return own_versions(item)
    default = settings["DEFAULT_LANG"]
    found = own_versions(item)
    danish = found.get(default)
    if danish is None:
        return found
    return {
        lang: found.get(lang) or (danish if lang == default else f"{lang}/{danish}") for lang in settings["LANGUAGES"]
    }


def own_versions(item) -> dict[str, str]:
    """{lang: url} of an item and its published translations."""
    found = {item.lang: item.url}
    for other in getattr(item, "translations", []):
        if getattr(other, "status", "published") != "draft":
            found.setdefault(other.lang, other.url)
    return found


# Files that exist once, whatever the page's language (a page's links to them stay as they are).
SHARED_FILES = re.compile(r"\.(ics|pdf|xml|png|jpe?g|svg|css|woff2|txt|json)$")


def is_page_url(url: str) -> bool:
    """A page of the site (written in every language), not a file, an anchor or another site."""
    return not (":" in url or url.startswith(("#", "theme/", "/")) or SHARED_FILES.search(url.split("#")[0]))


def listing_versions(url: str, settings: dict) -> dict[str, str]:
    """{lang: url} of a page written in every language (every page but drafts: see languages.py)."""
    default = settings["DEFAULT_LANG"]
    base = strip_lang(url, settings)
    if not is_page_url(base) or base.startswith(DRAFTS):
        return {}
    return {lang: base if lang == default else f"{lang}/{base}" for lang in settings["LANGUAGES"]}


DRAFTS = "kladder/"  # previews: written in their own language only


def strip_lang(url: str, settings: dict) -> str:
    head, _, rest = url.partition("/")
    return rest if head in settings["LANGUAGES"] and head != settings["DEFAULT_LANG"] else url


@pass_context
def language_versions(context) -> list[Version]:
    """Every language's version of the page being rendered, for the switcher and hreflang."""
    versions = context.get("page_versions") or {}
    current = lang_of(context)
    default = context.get("DEFAULT_LANG", "da")
    danish = versions.get(default, "")
    result = []
    real = context.get("page_translated") or versions  # the others show the Danish text (a note says so)
    for lang in context.get("LANGUAGES", [default]):
        translated = lang in versions
        if translated:
            url, target = versions[lang], lang
        elif current != default:
            url, target = danish, default  # the Danish original of this translation
        else:
            url, target = ("" if lang == default else f"{lang}/"), lang  # that language's front page
        result.append(
            Version(
                lang=lang,
                name=language_name(lang),
                dir="rtl" if lang in context.get("RTL_LANGUAGES", ()) else "ltr",
                url=url,
                target_lang=target,
                translated=lang in real,
                current=lang == current,
                # From a Danish page the link goes to that language's front page: nothing to excuse.
                note="" if translated or current == default else translate(lang, NO_TRANSLATION),
            )
        )
    return result


@pass_context
def in_language(context, item) -> str:
    """The item in the page's language if translated, else the item itself."""
    return localize(item, lang_of(context))


def localize(item, lang: str):
    if getattr(item, "lang", lang) == lang:
        return item
    for other in getattr(item, "translations", []):
        if other.lang == lang and getattr(other, "status", "published") != "draft":
            return other
    return item


@pass_context
def lang_attrs(context, item) -> Markup:
    """` lang="da" dir="ltr"` where an item's text is not in the page's language."""
    lang = getattr(item, "lang", None) or lang_of(context)
    if lang == lang_of(context):
        return Markup("")
    rtl = lang in context.get("RTL_LANGUAGES", ())
    return Markup(' lang="%s" dir="%s"') % (lang, "rtl" if rtl else "ltr")


IN_DANISH = N_("på dansk")


@pass_context
def danish_mark(context, item) -> Markup:
    """` (in Danish)`, in the page's language, after a link to an item that has no translation into it."""
    lang, default = lang_of(context), context.get("DEFAULT_LANG", "da")
    if lang == default or getattr(item, "lang", lang) != default:
        return Markup("")
    return Markup(' <span class="in-danish">(%s)</span>') % translate(lang, IN_DANISH)


@pass_context
def localized_url(context, url: str) -> str:
    """A page's URL in the page's language ('kalender/2013/03/' -> 'ar/kalender/2013/03/'): every page
    exists in every language, so no link leaves it. Files (.ics, .pdf), drafts and URLs that name a
    language already stay as they are."""
    return url_in(url, lang_of(context), context.get("DEFAULT_LANG", "da"), context.get("LANGUAGES", ()))


def url_in(url: str, lang: str, default: str, languages) -> str:
    if lang == default or not is_page_url(url) or url.startswith(DRAFTS):
        return url
    head = url.partition("/")[0]
    return url if head in languages else f"{lang}/{url}"


# A link an editor wrote in Markdown to a page of the site ("/kalender/"), as the markup renders it.
SITE_LINK = re.compile(r'href="/([^"]*)"')


@pass_context
def links_in_language(context, html) -> Markup:
    """`{{ event.content|links_in_language }}`: content HTML (already safe) whose links to pages of
    the site lead to their versions in the page's language, as every other link on the page does."""
    lang, default = lang_of(context), context.get("DEFAULT_LANG", "da")
    if lang == default or not html:
        return Markup(html or "")
    languages = context.get("LANGUAGES", ())
    return Markup(SITE_LINK.sub(lambda m: f'href="/{url_in(m.group(1), lang, default, languages)}"', str(html)))


# --- The main menu ---------------------------------------------------------------------

# The site's sections (Danish paths) and their names, in the menu's order.
SECTIONS = [
    ("", N_("Forside")),
    ("kalender/", N_("Kalender")),
    ("nyheder/", N_("Nyheder")),
    ("nyhedsbrev/", N_("Nyhedsbrev")),
    ("om-helhedsplanen/", N_("Om helhedsplanen")),
    ("kontakt/", N_("Kontakt")),
    ("abonner/", N_("Abonnér på kalenderen")),
]


@dataclass(frozen=True)
class MenuItem:
    url: str  # in the page's language where the section has one ('ar/kalender/')
    label: str
    current: str  # aria-current: "page" on the section's own page, "true" on a page inside it, else ""


@pass_context
def main_menu(context, section_path: str) -> list[MenuItem]:
    """`{% for item in main_menu(section_path) %}`: the menu of a page at `section_path` ('nyheder/side/2/').

    Built here, not in the template: a loop of translations and comparisons
    in Jinja was a fifth of every page's rendering."""
    lang = lang_of(context)
    return [
        MenuItem(localized_url(context, path), translate(lang, label), current_section(path, section_path))
        for path, label in SECTIONS
    ]


def current_section(path: str, section_path: str) -> str:
    if section_path == path:
        return "page"
    return "true" if path and section_path.startswith(path) else ""


# --- Writing -------------------------------------------------------------------------


@contextlib.contextmanager
def rendering_in(lang: str):
    """While a page is rendered: its language, for macros imported without context."""
    token = _rendering.set(lang)
    try:
        yield
    finally:
        _rendering.reset(token)


class LanguageWriter(Writer):
    """Pelican's writer, telling every template the language and versions of its page.

    Pages wait in `pending` until every generator has queued its own; then
    they are written on two cores (parallel.py), each left as the last build
    wrote it instead if nothing it shows changed (memo.py).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pending: list[parallel.PendingPage] = []
        self.after: list = []  # to run when those are written (parallel.after_pages)

    def write_file(
        self,
        name,
        template,
        context,
        relative_urls=False,
        paginated=None,
        template_name=None,
        override_output=False,
        url=None,
        **kwargs,
    ):
        if not name:
            return  # a listing the settings leave unwritten (tags, categories), as Pelican's writer does
        item = next((kwargs[k] for k in ("event", "article", "page", "issue") if hasattr(kwargs.get(k), "lang")), None)
        lang = kwargs.get("page_lang") or (item.lang if item else self.settings["DEFAULT_LANG"])
        kwargs["page_lang"] = lang
        kwargs.setdefault("page_dir", direction(lang, self.settings))
        kwargs.setdefault("content_lang", item.lang if item else lang)  # Danish text on an /ar/ page: noted
        if item is not None and "page_translated" not in kwargs:  # hreflang: real translations only
            kwargs["page_translated"] = list(own_versions(item))
        if "page_versions" not in kwargs:
            page_url = url if url is not None else name
            kwargs["page_versions"] = (
                content_versions(item, self.settings)
                if item
                else (listing_versions(page_url, self.settings) or {lang: page_url})
            )
        if paginated is not None or {"articles", "dates"} & kwargs.keys():  # Pelican would paginate these
            self.write_listing(
                name, template, context, relative_urls, paginated, template_name, override_output, url, lang, kwargs
            )
        else:
            self.queue(name, template, context, relative_urls, override_output, url, lang, kwargs)

    def write_listing(
        self, name, template, context, relative_urls, paginated, template_name, override_output, url, lang, values
    ) -> None:
        """A list of news Pelican paginates, queued page by page as Pelican's Writer.write_file writes its
        pages: each is kept if the news it shows did not change (memo.py), not only when the whole list did not."""
        lists = paginated if paginated is not None else {k: v for k, v in values.items() if k in {"articles", "dates"}}
        if not (lists and template_name in self.settings["PAGINATED_TEMPLATES"]):
            self.queue(name, template, context, relative_urls, override_output, url, lang, values)
            return
        per_page = self.settings["PAGINATED_TEMPLATES"][template_name] or self.settings["DEFAULT_PAGINATION"]
        paginators = {key: Paginator(name, url, items, self.settings, per_page) for key, items in lists.items()}
        for number in range(1, next(iter(paginators.values())).num_pages + 1):
            shown, stand_ins = dict(values), dict(values)
            for key, paginator in paginators.items():
                names, stands_for = page_names(key, paginator, number)
                shown.update(names)
                stand_ins.update(stands_for)
            page = shown[f"{next(iter(paginators))}_page"]
            self.queue(page.save_as, template, context, relative_urls, override_output, url, lang, shown, stand_ins)

    def queue(
        self, name, template, context, relative_urls, override_output, url, lang, values, keyed_by: dict | None = None
    ) -> None:
        """A page to write with the others (`render_pending`); its key from `keyed_by` where the values
        themselves are not what it shows (a listing's page and paginator)."""
        page = parallel.PendingPage(name, template, context, relative_urls, override_output, url, lang, values)
        page_memo = self.settings.get(memo.SETTING)
        if keyed_by is not None and page_memo:
            page.key, page.keyed = (
                page_memo.key(name, template, context, self.settings, url=url, relative_urls=relative_urls, **keyed_by),
                True,
            )
        self.pending.append(page)

    def write_feed(
        self, elements, context, path=None, url=None, feed_type="atom", override_output=False, feed_title=None
    ):
        """Pelican's news feeds, each kept as the last build wrote it if the news it shows did not change."""
        page_memo = self.settings.get(memo.SETTING)
        shown = list(elements[: self.settings["FEED_MAX_ITEMS"]])
        key = (
            page_memo.key(
                path, None, context, self.settings, items=shown, url=url, feed_type=feed_type, feed_title=feed_title
            )
            if page_memo and path
            else None
        )
        if key and page_memo.reuse(path, key):
            return None
        feed = super().write_feed(elements, context, path, url, feed_type, override_output, feed_title)
        if key:
            page_memo.record(path, key)
        return feed

    def render(self, page: parallel.PendingPage) -> None:
        """Write one queued page, or keep the last build's if nothing it shows changed."""
        if parallel.kept(page, self.settings):
            return
        with rendering_in(page.lang):  # no template name: a listing comes paginated already (write_listing)
            super().write_file(
                page.name,
                page.template,
                page.context,
                page.relative_urls,
                None,
                None,
                page.override_output,
                page.url,
                **page.values,
            )
        if page.key:
            self.settings[memo.SETTING].record(page.name, page.key)

    def render_pending(self) -> None:
        """Write what is queued; then run what waited for that, and write what it queued in turn."""
        while self.pending or self.after:
            pages, after = self.pending, self.after
            self.pending, self.after = [], []
            parallel.run_all(self, pages, self.settings)
            for job in after:
                job()


def page_names(key: str, paginator: Paginator, number: int) -> tuple[dict, dict]:
    """Pelican's names for page `number` of the list `key` (`articles_page` ...), as its Writer.write_file
    gives them; and what each stands for in the page's key: the page's own items and its links, not the
    whole list. (A template reads a list's items through its page, and of its paginator the numbers.)"""
    page = paginator.page(number)
    previous = paginator.page(number - 1) if number > 1 else None
    following = paginator.page(number + 1) if number < paginator.num_pages else None
    names = {
        f"{key}_paginator": paginator,
        f"{key}_page": page,
        f"{key}_previous_page": previous,
        f"{key}_next_page": following,
    }
    stands_for = {
        f"{key}_paginator": (paginator.num_pages, paginator.count, paginator.per_page),
        f"{key}_page": (page.number, page.url, page.save_as, list(page.object_list)),
        f"{key}_previous_page": (previous.number, previous.url) if previous else None,
        f"{key}_next_page": (following.number, following.url) if following else None,
    }
    return names, stands_for


# --- Signal handlers (connected in plugin.py) ----------------------------------------------


def on_initialized(pelican):
    settings = pelican.settings
    _fixed_texts.clear()
    keep = catalogues.made
    if settings.get("CACHE_CONTENT"):
        keep = functools.partial(store.kept_in, Path(settings["CACHE_PATH"]) / COMPILED)
    catalogues.use(settings.get("TRANSLATIONS_PATH"), keep)  # a new build reads the catalogues afresh


def writer_class(pelican):
    return LanguageWriter
