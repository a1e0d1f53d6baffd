"""Rum for Liv: strict content, events, calendar feeds and the newsletter for Pelican.

The package is in layers, each importing only those below it:

    plugin       connects the outputs to Pelican's signals
    editor       the editors' commands (tasks.py calls them)
    site         Pelican's reader, generators and writer: the website in every language
    newsletter   the printed newsletter (WeasyPrint, pypdf)
    ical         the calendar feeds (icalendar)
    build        an atomic build; the one seam for caching and parallel work
    wording      dates, times and schedules in words; the fixed texts' catalogues (Babel)
    content      the content format: reading and checking editors' files
    calendar     schedules and their occurrences

Importing this package loads nothing else: Pelican calls `register()`.
"""


def register():
    """Pelican's entry point for the plugin (PLUGINS = ["rumforliv"])."""
    from rumforliv.plugin import register as connect

    connect()
