"""What a build logs: every error counts, and each is told once per build, not once per process."""

from __future__ import annotations

import logging


def every_record(log: logging.Logger) -> logging.Logger:
    """Pelican's loggers drop a warning or note they have seen before in this process; we need each one."""
    for log_filter in list(log.filters):
        if type(log_filter).__name__ == "LimitFilter":
            log.removeFilter(log_filter)
    return log


class BuildFailed(Exception):
    """The build stopped; the message is for the editor, in Danish."""


class ErrorCollector(logging.Handler):
    """Remembers every error Pelican logs, so none is lost in the scroll."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())
