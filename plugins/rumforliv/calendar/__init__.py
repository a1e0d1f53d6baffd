"""The calendar model: schedules and their occurrences (no Pelican, no output)."""
