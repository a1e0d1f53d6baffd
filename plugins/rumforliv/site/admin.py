"""/admin/: the boards' editor in the browser (Decap CMS), its config made from the settings.

The form's choices (estates, focus areas, audiences, languages, newsletter issues and sections) are the
settings' vocabularies, so the form can only offer what the content check accepts, and a plan that
changes a vocabulary in pelicanconf.py gets a form that follows. Decap's JavaScript is copied from the
pinned npm package (node_modules/decap-cms/dist) into the site: /admin/ loads nothing from another host.
Files are read and written by our own Decap format (theme/admin/rumforliv-cms.js), which keeps the
project's "Key: value" header exactly as the editors' guide describes it.

Nothing here holds a secret: the git host's login happens in the browser (OAuth/PKCE), and publishing
credentials live only in the CI's secret variables.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import yaml
from babel import Locale
from pelican.generators import Generator

from rumforliv.content.schema import ContentError, Problem

ADMIN_FOLDER = "admin"
OUR_SCRIPT = "rumforliv-cms.js"
DECAP_SCRIPT = "decap-cms.js"
FORMAT = "rumforliv"  # registered by OUR_SCRIPT
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
DATE = "YYYY-MM-DD"
DATETIME = "YYYY-MM-DD HH:mm"
SLUG_PATTERN = ["^[a-z0-9]+(-[a-z0-9]+)*$", "Brug små bogstaver a-z, tal og bindestreg, fx sommerfest-2013."]
ISSUE_PATTERN = ["^[0-9]{4}-[0-9]+$", "Skriv år og nummer, fx 2013-3."]
DEFAULT_BACKEND = {"name": "gitlab", "repo": "rumforliv/rumforliv", "branch": "main"}
LOCAL_SERVER = "http://127.0.0.1:8081/api/v1"  # decap-server, started by `invoke redaktion`


# --- Fields -----------------------------------------------------------------


def field(name: str, label: str, widget: str = "string", required: bool = True, **extra) -> dict:
    return {"name": name, "label": label, "widget": widget, "required": required, **extra}


def choose(name: str, label: str, options, multiple=False, required=True, **extra) -> dict:
    return field(name, label, "select", required, options=list(options), multiple=multiple, **extra)


def date_field(name: str, label: str, required=True, with_time=False, **extra) -> dict:
    formats = {"format": DATETIME} if with_time else {"format": DATE, "date_format": DATE, "time_format": False}
    return field(name, label, "datetime", required, picker_utc=False, **formats, **extra)


def dates_list(name: str, label: str, hint: str) -> dict:
    """A list of dates, one picked per row: written as "2013-03-04, 2013-03-11"."""
    return field(
        name,
        label,
        "list",
        False,
        hint=hint,
        add_to_top=True,
        field=date_field("date", "Dato"),
        summary="{{fields.date}}",
    )


def body(label: str = "Tekst") -> dict:
    """Markdown with the buttons the project's Markdown keeps (raw HTML would be shown as text)."""
    return field(
        "body",
        label,
        "markdown",
        True,
        modes=["rich_text", "raw"],
        buttons=["bold", "italic", "link", "heading-two", "heading-three", "bulleted-list", "numbered-list"],
        editor_components=[],
        sanitize_preview=True,
    )


def common(settings: dict) -> dict[str, dict]:
    """Fields that mean the same in every kind of file, by name."""
    return {
        "title": field("title", "Overskrift (Title)"),
        "category": choose("category", "Indsatsområde (Category)", settings["CATEGORIES"]),
        "estate": choose("estate", "Afdeling (Estate)", settings["ESTATES"], multiple=True, required=False),
        "audience": choose("audience", "Målgruppe (Audience)", settings["AUDIENCES"], multiple=True, required=False),
        "summary": field("summary", "Kort resumé (Summary)", "text", False),
        "contact": field("contact", "Kontakt (Contact)", required=False),
        "slug": field(
            "slug",
            "Adresse (Slug)",
            required=False,
            pattern=SLUG_PATTERN,
            hint="Kan stå tom: så laves adressen af overskriften.",
        ),
    }


def news_fields(settings: dict) -> list[dict]:
    c = common(settings)
    return [
        c["title"],
        date_field("date", "Dato (Date)", with_time=True),
        c["category"],
        {**c["estate"], "hint": "Vælger du ingen, gælder nyheden begge afdelinger."},
        field("tags", "Emner (Tags)", "list", False, hint="Skriv emnerne med komma imellem, fx fest, børn."),
        c["summary"],
        field("image", "Billede (Image)", "image", False, choose_url=False),
        field(
            "image-alt",
            "Billedtekst til blinde læsere (Image-Alt)",
            required=False,
            hint="Skal udfyldes, når der er et billede: hvad viser billedet?",
        ),
        choose(
            "print",
            "Med i det trykte nyhedsbrev? (Print)",
            [{"label": "Ja", "value": "yes"}, {"label": "Nej, kun på hjemmesiden", "value": "no"}],
            required=False,
        ),
        choose(
            "status",
            "Status",
            [{"label": "Udgivet", "value": "published"}, {"label": "Kladde (kun forhåndsvisning)", "value": "draft"}],
            required=False,
        ),
        c["slug"],
        body(),
    ]


def weekday_options(settings: dict) -> list[dict]:
    names = Locale.parse(settings.get("DEFAULT_LANG", "da")).days["format"]["wide"]
    return [{"label": names[index], "value": code} for index, code in enumerate(WEEKDAYS)]


def event_fields(settings: dict) -> list[dict]:
    c = common(settings)
    return [
        c["title"],
        field(
            "_allday",
            "Hele dagen",
            "boolean",
            False,
            hint="Sæt flueben, når aktiviteten varer hele dagen: så gemmes kun datoerne, klokkeslættet ses bort fra.",
        ),
        date_field("start", "Første gang (Start)", with_time=True),
        date_field(
            "end",
            "Slutter (End)",
            required=False,
            with_time=True,
            hint="Samme dag, fx kl. 17:00. Hele dagen: den sidste dag, fx 2013-07-03.",
        ),
        choose(
            "_days",
            "Gentag hver uge på disse dage",
            weekday_options(settings),
            multiple=True,
            required=False,
            hint="Vælg ingen dage for en aktivitet, der kun er én gang.",
        ),
        choose(
            "_every",
            "Hvor tit",
            [{"label": "Hver uge", "value": 1}, {"label": "Hver anden uge", "value": 2}]
            + [{"label": f"Hver {n}. uge", "value": n} for n in (3, 4)],
            required=False,
        ),
        date_field("_until", "Gentag indtil (sidste dato)", required=False),
        field(
            "repeat",
            "Anden gentagelse (Repeat, som regel)",
            required=False,
            hint="Kun for fx månedlige aktiviteter, som ugedagene ovenfor ikke kan beskrive.",
        ),
        dates_list("except", "Springes over (Except)", "Datoer uden aktivitet, fx i ferier. Vises ikke."),
        dates_list("cancelled", "Aflyst (Cancelled)", 'Datoer, der er aflyst. Vises som "Aflyst" og i kalenderne.'),
        field(
            "moved",
            "Flyttet (Moved)",
            "list",
            False,
            add_to_top=True,
            summary="{{fields.from}} → {{fields.to}}",
            fields=[date_field("from", "Fra datoen"), date_field("to", "Til (dato og tid)", with_time=True)],
        ),
        choose(
            "status",
            "Status",
            [
                {"label": "Afholdes", "value": "confirmed"},
                {"label": "Hele aktiviteten er aflyst", "value": "cancelled"},
                {"label": "Kladde (kun forhåndsvisning)", "value": "draft"},
            ],
            required=False,
        ),
        field("location", "Sted (Location)"),
        {**c["estate"], "required": True},
        c["category"],
        c["audience"],
        field("organizer", "Arrangør (Organizer)", required=False),
        c["contact"],
        c["slug"],
        body("Beskrivelse"),
    ]


def page_fields(settings: dict) -> list[dict]:
    c = common(settings)
    return [
        c["title"],
        c["summary"],
        {**c["category"], "required": False},
        c["estate"],
        c["audience"],
        field("order", "Rækkefølge i menuen (Order)", "number", False, value_type="int"),
        field("partners", "Partnere (Partners)", "list", False),
        c["contact"],
        choose(
            "status",
            "Status",
            [
                {"label": "Udgivet", "value": "published"},
                {"label": "Skjult fra menuen", "value": "hidden"},
                {"label": "Kladde", "value": "draft"},
            ],
            required=False,
        ),
        c["slug"],
        body(),
    ]


# Issue and number name the file (newsletter/2013-3/50-navn.md): asked when an issue or section is made.
ONLY_NEW = "Udfyldes kun, når du laver et nyt; et gemt afsnit bliver i sin mappe."


def issue_fields(settings: dict) -> list[dict]:
    return [
        field(
            "_issue",
            "Udgave (mappens navn)",
            required=False,  # a new issue's folder: the format script asks for it (an open one has its folder)
            pattern=ISSUE_PATTERN,
            hint=f"Fx 2013-3: årets tredje nummer. {ONLY_NEW}",
        ),
        field("title", "Overskrift (Title)"),
        date_field("date", "Udkommer (Date)"),
        field(
            "covers",
            "Kalenderen dækker (Covers)",
            required=False,
            pattern=[
                "^[0-9]{4}-[0-9]{2}-[0-9]{2} \\.\\. [0-9]{4}-[0-9]{2}-[0-9]{2}$",
                "Skriv fx 2013-03-01 .. 2013-05-31.",
            ],
            hint="Kan stå tom: så de tre måneder fra udgivelsen.",
        ),
        body("Leder"),
    ]


def section_fields(settings: dict) -> list[dict]:
    return [
        field("_issue", "Udgave (fx 2013-3)", required=False, pattern=ISSUE_PATTERN, hint=ONLY_NEW),
        field(
            "_number",
            "Nummer (rækkefølgen i bladet)",
            required=False,
            pattern=["^[0-9]{2}$", "Skriv to cifre, fx 50."],
            hint=f"Kendte afsnit: {', '.join(settings.get('SECTION_PICTOGRAMS', {}))}. Afsnit står i nummerorden. "
            + ONLY_NEW,
        ),
        field("title", "Overskrift (Title)"),
        body(),
    ]


# What a translation writes in its own language; every other field is the Danish text's: shown, not
# editable, in the translation's column (Decap's "duplicate"; lists hidden), and copied into the file by
# the CMS's format script, which also writes the Danish text's Slug, which a translation must share.
TRANSLATED = {"title", "summary", "body", "image-alt", "contact"}


def with_translations(fields: list[dict]) -> list[dict]:
    def kind(field: dict):
        if field["name"] in TRANSLATED:
            return True
        # Decap copies lists only as a whole form; the format copies them into the file instead.
        return False if field["name"] == "slug" or field["widget"] == "list" else "duplicate"

    return [{**f, "i18n": kind(f)} for f in fields]


def i18n(settings: dict) -> dict:
    """Decap's languages: Danish first (the left column), then the translations in the settings' order."""
    default = settings.get("DEFAULT_LANG", "da")
    return {
        "structure": "multiple_files",
        "locales": [default] + [code for code in settings["LANGUAGES"] if code != default],
        "default_locale": default,
    }


# --- Collections -------------------------------------------------------------


def folder_collection(name: str, label: str, singular: str, folder: str, fields: list[dict], **extra) -> dict:
    return {
        "name": name,
        "label": label,
        "label_singular": singular,
        "folder": folder,
        "format": FORMAT,
        "extension": "md",
        "create": True,
        "editor": {"preview": False},  # Decap's preview shows raw values; the site's preview is `invoke vis`
        "fields": fields,
        **extra,
    }


def danish(name, label, singular, folder, fields, slug, settings) -> list[dict]:
    """The Danish files of a folder, each with its translations (name.xx.md) beside it in the form."""
    return [
        folder_collection(
            name,
            label,
            singular,
            folder,
            with_translations(fields),
            slug=slug,
            i18n=True,
        )
    ]


def translated_folders(settings: dict) -> list[str]:
    """The folders whose files have translations beside them (read by the CMS's format script)."""
    return [c["folder"] for c in collections(settings) if c.get("i18n")]


def content_folder(settings: dict, key: str) -> str:
    return f"{settings.get('CMS_CONTENT_FOLDER', 'content')}/{settings[key][0]}"


def page_folders(settings: dict) -> list[tuple[str, str]]:
    """content/sider and each folder in it (fokus, indsatser): (folder, label)."""
    base = content_folder(settings, "PAGE_PATHS")
    root = Path(settings["PATH"]) / settings["PAGE_PATHS"][0]
    found = [(base, "Sider")]
    if root.is_dir():
        found += [(f"{base}/{sub.name}", f"Sider: {sub.name}") for sub in sorted(root.iterdir()) if sub.is_dir()]
    return found


def collections(settings: dict) -> list[dict]:
    news = danish(
        "nyheder",
        "Nyheder",
        "Nyhed",
        content_folder(settings, "ARTICLE_PATHS"),
        news_fields(settings),
        "{{year}}-{{month}}-{{day}}-{{slug}}",
        settings,
    )
    events = danish(
        "aktiviteter",
        "Aktiviteter",
        "Aktivitet",
        content_folder(settings, "EVENT_PATHS"),
        event_fields(settings),
        "{{slug}}",
        settings,
    )
    pages = []
    for index, (folder, label) in enumerate(page_folders(settings)):
        pages += danish(
            f"sider-{index}" if index else "sider", label, "Side", folder, page_fields(settings), "{{slug}}", settings
        )
    letters = settings.get("CMS_NEWSLETTER_FOLDER", "newsletter")
    issues = folder_collection(
        "nyhedsbreve",
        "Nyhedsbreve",
        "Nyhedsbrev",
        letters,
        issue_fields(settings),
        path="{{slug}}/index",
        slug="{{fields._issue}}",
        filter={"field": "_dated", "value": True},
        sortable_fields=["date", "title"],
    )
    sections = folder_collection(
        "afsnit",
        "Nyhedsbreve: afsnit",
        "Afsnit",
        letters,
        section_fields(settings),
        path="{{fields._issue}}/{{slug}}",
        slug="{{fields._number}}-{{slug}}",
        filter={"field": "_dated", "value": False},
    )
    return news + events + pages + [issues, sections]


HOSTS = {  # the git hosts' API paths; GitHub needs an OAuth proxy (auth_url), the others log in with PKCE
    "gitlab": ("https://gitlab.com", "/api/v4"),
    "gitea": ("https://gitea.com", "/api/v1"),
    "forgejo": ("https://codeberg.org", "/api/v1"),
    "github": ("https://github.com", ""),
}


def backend(settings: dict) -> dict:
    """The git host the boards log in to (CMS_BACKEND in the settings), as Decap's backend: the host's
    address and the OAuth application's public ID, never a secret."""
    chosen = dict(settings.get("CMS_BACKEND") or DEFAULT_BACKEND)
    name = str(chosen.get("name", "")).lower()
    if name not in HOSTS:
        raise ContentError(
            [
                Problem(
                    "pelicanconf.py",
                    1,
                    "CMS_BACKEND",
                    f'"{name}" er ikke en git-vært, redigeringen kender. Brug en af: {", ".join(HOSTS)}.',
                )
            ]
        )
    url = str(chosen.get("url") or HOSTS[name][0]).rstrip("/")
    out = {"name": name, "repo": chosen.get("repo", ""), "branch": chosen.get("branch", "main")}
    if name == "github":
        if chosen.get("auth_url"):
            out["base_url"] = chosen["auth_url"]  # the OAuth proxy that holds GitHub's client secret
        if url != HOSTS[name][0]:
            out["api_root"] = f"{url}/api/v3"  # GitHub Enterprise
    else:
        out.update(base_url=url, api_root=url + HOSTS[name][1], app_id=chosen.get("app_id", ""))
        if name == "gitlab":
            out["auth_type"] = "pkce"
    out["commit_messages"] = {"create": "Ny {{collection}}: {{slug}}", "update": "Ret {{collection}}: {{slug}}"}
    workflow = settings.get("CMS_REVIEW", True)
    return {"backend": out, **({"publish_mode": "editorial_workflow"} if workflow else {})}


def decap_config(settings: dict) -> dict:
    """Decap's config.yml as a dict: made from the settings on every build, never kept by hand."""
    content = settings.get("CMS_CONTENT_FOLDER", "content")
    static = settings.get("STATIC_PATHS", ["billeder"])[0]
    return {
        "locale": settings.get("DEFAULT_LANG", "da"),
        **backend(settings),
        "local_backend": {"url": settings.get("CMS_LOCAL_SERVER", LOCAL_SERVER)},
        "site_url": settings.get("PUBLISH_SITEURL") or settings.get("SITEURL") or "/",
        "media_folder": f"{content}/{static}",
        "public_folder": static,
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "i18n": i18n(settings),
        "collections": collections(settings),
    }


class PlainDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml: 30x faster than pure Python
    """YAML without anchors: a field shared by two collections is written out in each."""

    def ignore_aliases(self, data):
        return True


def config_text(settings: dict) -> str:
    header = "# Made by the build from pelicanconf.py (plugins/rumforliv/site/admin.py): do not edit.\n"
    return header + yaml.dump(
        decap_config(settings), Dumper=PlainDumper, allow_unicode=True, sort_keys=False, width=120
    )


def decap_files(settings: dict) -> list[Path]:
    """Decap's bundle and the chunks and WebAssembly it loads from beside itself (no source maps)."""
    dist = Path(settings.get("DECAP_DIST") or "node_modules/decap-cms/dist")
    main = dist / DECAP_SCRIPT
    if not main.is_file():
        raise ContentError(
            [
                Problem(
                    "package.json",
                    1,
                    "decap-cms",
                    f"Redigeringen i browseren (/admin/) mangler Decap CMS ({main}). Kør `npm ci` i projektmappen.",
                )
            ]
        )
    return [main, *sorted(dist.glob(f"*.{DECAP_SCRIPT}")), *sorted(dist.glob("*.wasm"))]


def link_or_copy(source: Path, target: Path) -> None:
    """Decap's 6.5 MB, linked rather than copied on every build (as Pelican's STATIC_CREATE_LINKS): the
    package's files are never edited in place, npm replaces them."""
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed
        shutil.copyfile(source, target)


def our_script(settings: dict) -> Path:
    return Path(settings["THEME"]) / ADMIN_FOLDER / OUR_SCRIPT


def guide_pictures(settings: dict) -> list[Path]:
    """The guide's screenshots of the editor (docs/billeder, beside the guide), shown at /hjaelp/billeder/."""
    guide = settings.get("GUIDE_PATH")
    return sorted((Path(guide).parent / "billeder").glob("*.png")) if guide else []


def cms_settings(settings: dict) -> dict:
    """What the CMS's format script needs to store translations as the content format says."""
    return {
        "defaultLang": settings.get("DEFAULT_LANG", "da"),
        "languages": list(settings["LANGUAGES"]),
        "translatedFolders": translated_folders(settings),
        "translatedFields": sorted(TRANSLATED),
        "slugSubstitutions": [list(pair) for pair in settings.get("SLUG_REGEX_SUBSTITUTIONS", [])],
    }


class AdminGenerator(Generator):
    """Writes admin/index.html, admin/config.yml and Decap's files, and the guide's pictures of them."""

    def generate_context(self):
        self.files = decap_files(self.settings)

    def generate_output(self, writer):
        folder = Path(self.output_path) / ADMIN_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "config.yml").write_text(config_text(self.settings), encoding="utf-8")
        for source in self.files:
            link_or_copy(source, folder / source.name)
        shutil.copyfile(our_script(self.settings), folder / OUR_SCRIPT)
        page = self.get_template("admin").render(
            SITENAME=self.settings["SITENAME"],
            decap_script=DECAP_SCRIPT,
            our_script=OUR_SCRIPT,
            cms_settings=json.dumps(cms_settings(self.settings), ensure_ascii=True),
        )
        (folder / "index.html").write_text(page, encoding="utf-8")  # not a page of the site: no memo, no sitemap
        pictures = Path(self.output_path) / "hjaelp" / "billeder"
        for picture in guide_pictures(self.settings):
            pictures.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(picture, pictures / picture.name)
