"""Stairwell posters (opslag): one A4 page per estate and month."""
