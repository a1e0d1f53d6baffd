"""Rum for Liv: strict content, events, calendar feeds and the newsletter for Pelican."""

from .plugin import register  # noqa: F401
