"""Settings for the published site: `invoke udgiv` builds with these."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F401,F403

SITEURL = PUBLISH_SITEURL  # noqa: F405
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False

# Drafts are previewed locally but never published.
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""
