"""Bytes kept between builds by key: what an output made last time from the same inputs.

Every output that is slow to make keeps its results here, not in a cache of
its own. It works out the key (a digest of everything the bytes depend on)
and asks first:
- `KeptBytes`: many small entries in one file (the feeds' events), of which
  the next build finds only what this one used;
- `Shelf`: one file per key in a folder (share cards, posters, newsletter
  issues), for larger entries or entries shared by processes and builds
  running side by side;
- `kept_in`: one named file, made once (the compiled catalogues).
Every file is written whole (`write_whole`): a reader, or a build stopped
half-way, never sees half of one. Entries of several files are pickled dicts
that hold only strings and bytes, and a missing, corrupt or foreign file is
simply not there.
"""

from __future__ import annotations

import io
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

FORMAT = 1


@dataclass(frozen=True)
class Write:
    """A file that work beside the build made, for the build to write in the output phase (parallel.py)."""

    path: str  # relative to the output folder, or absolute where `in_output` is False (content, cache)
    data: bytes
    key: str | None = None  # the page memo's key of an output file (memo.py)
    in_output: bool = True


def write_whole(path: Path, data: bytes) -> None:
    """Write under another name in the same folder, then rename: a reader, or a build stopped
    half-way, never sees half a file (the cache folder's files, the revisions)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(partial, 0o644)  # as other files, not mkstemp's 0o600
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def kept_in(cache: Path | None, name: str, make: Callable[[], bytes]) -> bytes:
    """make(), kept in the folder `cache` (if any) under `name` for the processes and builds after."""
    return Shelf(cache).kept(name, make)


class PlainUnpickler(pickle.Unpickler):
    """Loads only dicts, strings, bytes and numbers: the files hold nothing else."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"{module}.{name} in a store of bytes")


def plain_load(data: bytes) -> dict | None:
    """A pickled dict written here; None for anything else."""
    try:
        loaded = PlainUnpickler(io.BytesIO(data)).load()
    except Exception:  # a corrupt or foreign file is no entry
        return None
    return loaded if isinstance(loaded, dict) else None


def load(path: Path) -> dict[str, bytes]:
    """The stored entries; a missing, corrupt or foreign file is simply no store."""
    try:
        stored = plain_load(path.read_bytes()) or {}
    except OSError:
        return {}
    entries = stored.get("entries") if stored.get("format") == FORMAT else {}
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


class Shelf:
    """A folder with a file per key; no folder (None) keeps nothing. Processes and builds running side
    by side may share one: an entry appears whole or not at all."""

    def __init__(self, folder: Path | None):
        self.folder = Path(folder) if folder is not None else None

    def get(self, key: str) -> bytes | None:
        if self.folder is None:
            return None
        try:
            return (self.folder / key).read_bytes()
        except OSError:
            return None

    def put(self, key: str, data: bytes) -> None:
        if self.folder is not None:
            write_whole(self.folder / key, data)

    def kept(self, key: str, make: Callable[[], bytes]) -> bytes:
        """What is kept under `key`, else make() (then kept)."""
        data = self.get(key)
        if data is None:
            data = make()
            self.put(key, data)
        return data

    def get_files(self, key: str) -> dict[str, bytes] | None:
        """An entry of several files (put with `put_files`), or None."""
        data = self.get(key)
        files = plain_load(data) if data is not None else None
        if files is None or not all(isinstance(v, bytes) for v in files.values()):
            return None
        return files

    def put_files(self, key: str, files: dict[str, bytes]) -> None:
        self.put(key, pickle.dumps(dict(sorted(files.items())), protocol=4))

    def keep_only(self, keys: Iterable[str]) -> None:
        """Remove every other entry: an issue's older versions, which no build will ask for again."""
        if self.folder is None or not self.folder.is_dir():
            return
        keep = set(keys)
        for path in self.folder.iterdir():
            if path.name in keep or path.name.startswith("."):  # "." : one being written
                continue
            if path.is_dir():  # left by an older version of the code
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
