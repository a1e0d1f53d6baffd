"""Settings for the published site: `invoke udgiv` builds with these.

Everything else comes from pelicanconf.py; only what differs on the real
site is set here.
"""

import os
import runpy

globals().update(
    {
        name: value
        for name, value in runpy.run_path(
            os.path.join(os.path.dirname(os.path.abspath(__file__)), "pelicanconf.py")
        ).items()
        if not name.startswith("__")
    }
)

SITEURL = PUBLISH_SITEURL  # noqa: F821  (from pelicanconf.py)
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False

# Where `invoke udgiv` copies the finished site, e.g.
#   PUBLISH_TARGET = "rumforliv@webhotel.example.dk:/var/www/rumforliv/"
# ("bruger@server:/sti/" is copied with rsync over SSH; the server must know
# your SSH key), or a folder on this machine such as "/mnt/webhotel/".
# Left empty, `invoke udgiv` stops and says so. The environment variable
# PUBLISH_TARGET (or `invoke udgiv --til ...`) overrides it.
PUBLISH_TARGET = os.environ.get("PUBLISH_TARGET", "")

# Drafts (Status: draft) are previewed locally but never published.
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""
DRAFT_EVENT_SAVE_AS = ""
DRAFT_EVENT_LANG_SAVE_AS = ""
