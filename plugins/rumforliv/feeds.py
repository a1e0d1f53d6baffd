"""iCal feeds: pure functions from events to icalendar objects, one writer."""

from __future__ import annotations


def write_all(context, settings, output):
    """Write /kalender.ics and its subsets into `output`."""
