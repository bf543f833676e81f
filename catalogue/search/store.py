"""Where an index lives on disk, how a rebuilt one is swapped in, and the state it carries.

``INDEX_DIR`` is a symbolic link to the real directory ``INDEX_DIR.<timestamp>``. A rebuild
writes a new directory and replaces the link atomically (``rename`` of a new link over the
old one), so readers see either the old or the new index, never a half-built one. Readers
resolve the link and reopen when it points elsewhere. Old directories are removed after a
swap, keeping the previous one for readers that are still on it.

The index carries its own position in the change log in a special document (``META_ID``),
written in the same Whoosh commit as the documents of a batch: the index and its position
always move together, so a crash can lose neither nor apply a batch twice in a harmful way.
"""
from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from catalogue.search.schema import KIND_META, META_ID, SCHEMA


class IndexMissing(RuntimeError):
    """No index has been built at this location yet."""


class IndexBusy(RuntimeError):
    """Another indexer process already writes this index."""


@dataclass
class LogPosition:
    """How far into the change log (``search_change.seq``) an index has come.

    Every ``seq <= watermark`` has been applied (or given up as a rolled-back transaction);
    ``high`` is the highest ``seq`` applied; ``gaps`` are the numbers between the two not seen
    yet, with the time each was first noticed. A gap is a transaction that took its number but
    has not committed yet (PostgreSQL hands out sequence values before commit) – or one that
    rolled back and never will; after a grace period it is given up.
    """

    watermark: int = 0
    high: int = 0
    gaps: dict[int, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"watermark": self.watermark, "high": self.high, "gaps": {str(k): v for k, v in self.gaps.items()}}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> "LogPosition":
        data = data or {}
        return cls(int(data.get("watermark", 0)), int(data.get("high", 0)),
                   {int(k): float(v) for k, v in (data.get("gaps") or {}).items()})

    def settle(self) -> None:
        self.watermark = min(self.gaps) - 1 if self.gaps else self.high


@dataclass
class IndexState:
    """The meta document: log position, schema fingerprint and facet labels."""

    position: LogPosition = field(default_factory=LogPosition)
    fingerprint: str = ""
    labels: dict[str, Any] = field(default_factory=dict)
    built_at: float = 0.0

    def to_fields(self) -> dict[str, Any]:
        payload = {"position": self.position.to_json(), "fingerprint": self.fingerprint,
                   "labels": self.labels, "built_at": self.built_at}
        return {"id": META_ID, "kind": KIND_META, "meta": json.dumps(payload, ensure_ascii=False, sort_keys=True)}

    @classmethod
    def from_stored(cls, stored: dict[str, Any] | None) -> "IndexState":
        if not stored or not stored.get("meta"):
            return cls()
        data = json.loads(stored["meta"])
        return cls(LogPosition.from_json(data.get("position")), data.get("fingerprint", ""),
                   data.get("labels") or {}, float(data.get("built_at") or 0))


def read_state(searcher) -> IndexState:
    return IndexState.from_stored(searcher.document(id=META_ID))


class IndexLocation:
    """The configured ``INDEX_DIR``: a link to the current index directory."""

    def __init__(self, index_dir: str | os.PathLike):
        self.link = Path(index_dir).absolute()

    def __repr__(self) -> str:
        return f"IndexLocation({str(self.link)!r})"

    def current(self) -> Path | None:
        """The real directory of the current index, or ``None`` when there is none."""
        if self.link.is_symlink():
            target = self.link.resolve()
            return target if whoosh_index.exists_in(str(target)) else None
        if self.link.is_dir() and whoosh_index.exists_in(str(self.link)):
            return self.link  # a plain directory (an index made by hand) works too
        return None

    def open(self):
        """Open the current index (Whoosh ``FileIndex``) by its real directory."""
        path = self.current()
        if path is None:
            raise IndexMissing(str(self.link))
        return whoosh_index.open_dir(str(path), schema=None)

    def new_directory(self) -> Path:
        stamp = time.strftime("%Y%m%dT%H%M%S")
        path = self.link.with_name(f"{self.link.name}.{stamp}-{os.getpid()}-{time.monotonic_ns() % 100000}")
        path.mkdir(parents=True)
        return path

    def create(self, path: Path):
        return FileStorage(str(path)).create_index(SCHEMA)

    def swap(self, new_dir: Path) -> None:
        """Point the link at *new_dir* atomically, then clean up old directories."""
        self.link.parent.mkdir(parents=True, exist_ok=True)
        if self.link.exists() and not self.link.is_symlink():
            # A plain directory cannot be replaced atomically by a link: move it aside first.
            self.link.rename(self.link.with_name(f"{self.link.name}.old-{int(time.time())}"))
        tmp = self.link.with_name(f".{self.link.name}.swap-{os.getpid()}")
        tmp.unlink(missing_ok=True)
        os.symlink(new_dir.name, tmp)  # relative: the instance folder may move
        os.replace(tmp, self.link)
        self.cleanup()

    def directories(self) -> list[Path]:
        prefix = f"{self.link.name}."
        return sorted((p for p in self.link.parent.iterdir()
                       if p.name.startswith(prefix) and p.is_dir() and not p.is_symlink()),
                      key=lambda p: p.stat().st_mtime)

    def cleanup(self, keep_previous: int = 1) -> list[Path]:
        """Remove old index directories, keeping the current one and *keep_previous* before it."""
        current = self.current()
        others = [p for p in self.directories() if p != current]
        doomed = others[:max(0, len(others) - keep_previous)]
        for path in doomed:
            shutil.rmtree(path, ignore_errors=True)
        return doomed

    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        """Only one indexer process per index location; released when the process dies."""
        self.link.parent.mkdir(parents=True, exist_ok=True)
        path = self.link.with_name(f"{self.link.name}.lock")
        handle = open(path, "a+")
        try:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno in (errno.EAGAIN, errno.EACCES):
                    raise IndexBusy(f"another indexer is writing {self.link}") from None
                raise
            yield
        finally:
            handle.close()
