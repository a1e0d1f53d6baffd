"""Dates, times and schedules in words, and the fixed texts' catalogues (Babel)."""
