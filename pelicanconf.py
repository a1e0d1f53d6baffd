"""Site settings for Rum for Liv.

Everything specific to this social-housing plan lives here (estates, focus
areas, addresses, contact), so another plan can adopt the project by
editing this one file.
"""

import os

# --- The plan --------------------------------------------------------------

SITENAME = "Rum for Liv"
SITESUBTITLE = "Akacieparken og Lukretiavej i Valby"
SITEURL = ""
SITE_HOST = "rumforliv.dk"  # permanent: calendar UIDs are <slug>@SITE_HOST
PUBLISH_SITEURL = "https://rumforliv.dk"
AUTHOR = "Rum for Liv"
CALENDAR_PRODID = "-//Rum for Liv//Kalender//DA"  # names this project in every .ics
ORGANISATION = "Lejerbo København"

TIMEZONE = "Europe/Copenhagen"
DEFAULT_LANG = "da"
LOCALE = ("C",)  # dates are formatted by Babel, never by the machine's locale

# Fixed vocabularies of the content format (see docs/redaktoer.md).
ESTATES = ["Akacieparken", "Lukretiavej"]
CATEGORIES = [
    "Børn, unge og familier",
    "Uddannelse, beskæftigelse og erhverv",
    "Beboernetværk, inddragelse og demokrati",
    "Image og kommunikation",
]
# One picture per focus area and newsletter section (Heroicons names, see plugins/rumforliv/wording/pictograms.py).
CATEGORY_PICTOGRAMS = {
    "Børn, unge og familier": "user-group",
    "Uddannelse, beskæftigelse og erhverv": "academic-cap",
    "Beboernetværk, inddragelse og demokrati": "chat-bubble-left-right",
    "Image og kommunikation": "megaphone",
}
SECTION_PICTOGRAMS = {  # by the start of the section's file name, after its number: 20-bestyrelsen-... -> bestyrelsen
    "bestyrelsen": "home",
    "driften": "wrench-screwdriver",
    "lejerbo": "building-office",
    "boligselskabet": "building-office",
}
AUDIENCES = ["børn", "unge", "familier", "voksne", "seniorer", "alle"]
LANGUAGES = ["da", "en", "tr", "so", "ar", "ur"]
RTL_LANGUAGES = ["ar", "ur"]
# The newsletter is printed in Danish and in each of these languages (None: every language above); an
# issue with a section translated into another language gets that edition too.
NEWSLETTER_LANGUAGES = None

# An event without End lasts this long (minutes).
DEFAULT_EVENT_MINUTES = 120

CONTACT = {
    "name": "Sekretariatet for Rum for Liv",
    "address": "Beboerhuset, Carl Th. Dreyersvej 248, 2500 Valby",
    "lukretiavej": "Kontoret på Lukretiavej, 2500 Valby",
}

# The newsletter's back page: how to reach the secretariat. Fill in the real phone number, e-mail and
# opening hours (left empty, the lines are left out rather than printed wrong).
CONTACT_PHONE = ""
CONTACT_EMAIL = ""
CONTACT_HOURS = ""  # "Mandag-torsdag kl. 10-15"

# The print shop's colour profile: the output intent of the newsletter's -tryk.pdf (PDF/X-4).
# Artifex' CMYK SWOP profile (AGPL), from Debian's libgs-common (scripts/setup.sh installs it).
PRINT_CMYK_PROFILE = "/usr/share/color/icc/ghostscript/default_cmyk.icc"

# Named school holidays: used to say "undtagen i vinterferien" in words.
SCHOOL_HOLIDAYS = [
    ("vinterferien", "2013-02-09", "2013-02-17"),
    ("påskeferien", "2013-03-23", "2013-04-01"),
    ("sommerferien", "2013-06-29", "2013-08-11"),
    ("efterårsferien", "2013-10-12", "2013-10-20"),
    ("juleferien", "2013-12-21", "2014-01-05"),
]

# Stairwell posters (/opslag/): every build prints this month's and the next month's per estate.
POSTER_MONTHS = 2
# The week's short texts (/sms/): one per audience named here, for the coming weeks.
SMS_AUDIENCES = ["unge", "børn", "familier"]
SMS_WEEKS = 2
SMS_MAX_SEGMENTS = 3
# The success report (invoke rapport): the plan's goals for communication each year (section 5.4.3),
# and the households its readership is measured against (394 in Akacieparken, 72 on Lukretiavej).
HOUSEHOLDS = 466
REPORT_GOALS = {"materials": 10, "coverage": 5, "readers": 0.5}

# --- Editing in the browser: Decap CMS at /admin/ (docs/redaktoer.md) ---------

# The git host the boards log in to: "gitlab", "gitea", "forgejo" or "github", the repository and its
# branch; "url" for a host of your own (e.g. "https://git.lejerbo.dk"), "app_id" the OAuth application's
# ID (GitLab, Gitea, Forgejo), "auth_url" GitHub's OAuth proxy. See docs/redaktoer.md. No secret belongs
# here: this is published in /admin/config.yml.
CMS_BACKEND = {"name": "gitlab", "repo": "rumforliv/rumforliv", "branch": "main", "app_id": ""}
CMS_REVIEW = True  # changes wait as drafts for review before they are published (Decap's editorial workflow)
# `invoke redaktion` runs decap-server here; /admin/ opened on this computer uses it instead of the git host.
CMS_LOCAL_SERVER = f"http://127.0.0.1:{os.environ.get('CMS_LOCAL_PORT', '8081')}/api/v1"
DECAP_DIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "node_modules", "decap-cms", "dist")

# --- Pelican ---------------------------------------------------------------

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = "content"
NEWSLETTER_PATH = os.path.join(HERE, "newsletter")
OUTPUT_PATH = "output"
THEME = "theme"
PLUGINS = ["rumforliv"]  # installed by `pip install .` (plugins/rumforliv)
TRANSLATIONS_PATH = os.path.join(HERE, "translations")  # gettext catalogues of the fixed texts
GUIDE_PATH = os.path.join(HERE, "docs", "redaktoer.md")  # the editors' guide, also at /hjaelp/

ARTICLE_PATHS = ["nyheder"]
# News files are named <date>-<slug>.md so that editors see them in order. The date that counts is the
# Date field (the content check requires it), so Pelican need not parse one from every file name of every
# build. Empty, not None: Pelican warns of None and keeps its default pattern.
FILENAME_METADATA = ""
PAGE_PATHS = ["sider"]
EVENT_PATHS = ["kalender"]
STATIC_PATHS = ["billeder"]

ARTICLE_URL = "nyheder/{date:%Y}/{slug}/"
ARTICLE_SAVE_AS = "nyheder/{date:%Y}/{slug}/index.html"
ARTICLE_LANG_URL = "{lang}/nyheder/{date:%Y}/{slug}/"
ARTICLE_LANG_SAVE_AS = "{lang}/nyheder/{date:%Y}/{slug}/index.html"
DRAFT_URL = "kladder/nyheder/{slug}/"
DRAFT_SAVE_AS = "kladder/nyheder/{slug}/index.html"
DRAFT_LANG_URL = "{lang}/kladder/nyheder/{slug}/"
DRAFT_LANG_SAVE_AS = "{lang}/kladder/nyheder/{slug}/index.html"

PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
PAGE_LANG_URL = "{lang}/{slug}/"
PAGE_LANG_SAVE_AS = "{lang}/{slug}/index.html"
DRAFT_PAGE_URL = "kladder/{slug}/"
DRAFT_PAGE_SAVE_AS = "kladder/{slug}/index.html"
DRAFT_PAGE_LANG_URL = "{lang}/kladder/{slug}/"
DRAFT_PAGE_LANG_SAVE_AS = "{lang}/kladder/{slug}/index.html"

EVENT_URL = "kalender/{slug}/"
EVENT_SAVE_AS = "kalender/{slug}/index.html"
EVENT_LANG_URL = "{lang}/kalender/{slug}/"
EVENT_LANG_SAVE_AS = "{lang}/kalender/{slug}/index.html"
DRAFT_EVENT_URL = "kladder/kalender/{slug}/"
DRAFT_EVENT_SAVE_AS = "kladder/kalender/{slug}/index.html"
DRAFT_EVENT_LANG_URL = "{lang}/kladder/kalender/{slug}/"
DRAFT_EVENT_LANG_SAVE_AS = "{lang}/kladder/kalender/{slug}/index.html"


def newest_first(article):
    """News newest first; language and slug break ties so every build lists them alike."""
    return (-article.date.timestamp(), article.lang, article.slug)


ARTICLE_ORDER_BY = newest_first

INDEX_SAVE_AS = "nyheder/index.html"
INDEX_URL = "nyheder/"
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/side/{number}/", "{base_name}/side/{number}/index.html"),
)
DEFAULT_PAGINATION = 10

# Pelican's own listing pages we do not publish.
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
DIRECT_TEMPLATES = ["index"]

# Slugs transliterate Danish letters: "Børn" -> "boern", not "brn".
SLUGIFY_USE_UNICODE = True
_TRANSLITERATION = [
    ("æ", "ae"),
    ("ø", "oe"),
    ("å", "aa"),
    ("ä", "ae"),
    ("ö", "oe"),
    ("ü", "ue"),
    ("é", "e"),
    ("è", "e"),
    ("ê", "e"),
    ("á", "a"),
    ("à", "a"),
    ("í", "i"),
    ("ó", "o"),
    ("ú", "u"),
    ("ç", "c"),
    ("ş", "s"),
    ("ğ", "g"),
    ("ı", "i"),
    ("ñ", "n"),
    ("ß", "ss"),
]
SLUG_REGEX_SUBSTITUTIONS = _TRANSLITERATION + [
    (r"[^a-z0-9\s-]", ""),  # anything else non-ASCII or punctuation goes
    (r"(?u)\A\s*", ""),
    (r"(?u)\s*\Z", ""),
    (r"[-\s]+", "-"),
]
CATEGORY_REGEX_SUBSTITUTIONS = SLUG_REGEX_SUBSTITUTIONS
TAG_REGEX_SUBSTITUTIONS = SLUG_REGEX_SUBSTITUTIONS

FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/nyheder.atom.xml"
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = "{lang}/feeds/nyheder.atom.xml"
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.sane_lists": {},
    },
    "output_format": "html5",
}

JINJA_ENVIRONMENT = {
    "extensions": ["jinja2.ext.i18n"],
    "trim_blocks": True,
    "lstrip_blocks": True,
    "autoescape": True,
}

DEFAULT_DATE_FORMAT = "%Y-%m-%d"
DEFAULT_DATE = None
DELETE_OUTPUT_DIRECTORY = False  # the build renders into a new folder and puts it in place (build.py)
# Pelican's content cache: a rebuild reads only the files that changed. It sits
# outside output/ (which the build replaces), and build.py drops it whenever
# the settings or the plugin's code change. Strictness does not depend on it:
# every file is checked on every build.
CACHE_PATH = "cache"
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CONTENT_CACHING_LAYER = "reader"
CHECK_MODIFIED_METHOD = "mtime"
GZIP_CACHE = False  # a few MB on disk; gzip would cost more time than it saves
# A page whose inputs did not change since the last build is kept as it wrote it
# (pages.json in CACHE_PATH; plugins/rumforliv/memo.py); the others render on
# two cores once there are enough of them to pay for a second process.
RENDER_WORKERS = 2
RENDER_PARALLEL_FROM = 200
RELATIVE_URLS = False
TYPOGRIFY = False
