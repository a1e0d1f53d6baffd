"""Bytes kept between builds by key: what an output made last time from the same inputs.

An output worked out the key (a digest of everything the bytes depend on) and
asks here first; what this build used is all the next one may find (the
store never outgrows the content). The file holds only dicts, strings and
bytes, and a missing, corrupt or foreign one is simply an empty store.
"""

from __future__ import annotations

import io
import pickle
from pathlib import Path

from rumforliv.build.parallel import Write

FORMAT = 1


class PlainUnpickler(pickle.Unpickler):
    """Loads only dicts, strings, bytes and numbers: the file holds nothing else."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"{module}.{name} in a store of bytes")


def load(path: Path) -> dict[str, bytes]:
    """The stored entries; a missing, corrupt or foreign file is simply no store."""
    try:
        stored = PlainUnpickler(io.BytesIO(path.read_bytes())).load()
        entries = stored["entries"] if stored.get("format") == FORMAT else {}
    except Exception:  # any unreadable store means starting cold
        return {}
    if not isinstance(entries, dict):
        return {}
    return {key: data for key, data in entries.items() if isinstance(key, str) and isinstance(data, bytes)}


def dumped(entries: dict[str, bytes]) -> bytes:
    """Sorted: the same entries give the same file."""
    return pickle.dumps({"format": FORMAT, "entries": dict(sorted(entries.items()))}, protocol=4)


class KeptBytes:
    """One store: `get` what the last build (or this one) kept under a key, `put` what this one made."""

    def __init__(self, path: Path | None, load_stored: bool = True):
        self.path = path
        self.stored = load(path) if path is not None and load_stored else {}
        self.on_disk = set(self.stored)
        self.used: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        data = self.used.get(key, self.stored.get(key))
        if data is not None:
            self.used[key] = data
        return data

    def put(self, key: str, data: bytes) -> None:
        self.used[key] = data

    def saved(self) -> Write | None:
        """The file for the next build, only when its entries differ from the file's (cheap to ask again)."""
        if self.path is None or set(self.used) == self.on_disk:
            return None
        self.on_disk = set(self.used)
        return Write(str(self.path.resolve()), dumped(self.used), in_output=False)
