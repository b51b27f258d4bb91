"""Loading raw files into the landing schema, the same way for every source.

The state of raw/ decides what is loaded (docs/raw-contract.md, "What raw/ decides"):
- a content hash, so a re-delivered file changes nothing;
- a file key (payroll: the month; the ledger: company and fiscal year) with the period a file
  covers, so a file replaces exactly the loaded files whose periods it covers;
- two files in raw/ competing for the same period, or a file overlapping a loaded one without
  covering it, are a named error: the newcomer is quarantined and what was loaded stays;
- a file removed from raw/ takes its rows with it at the next load, and a file that was
  replaced or set aside for a conflict comes back when what replaced it is gone;
- quarantine, so one bad file never stops the others or loses what was loaded before."""

from __future__ import annotations

import hashlib
import logging
import shutil
import traceback
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from orchestration.faults import fault_point
from orchestration.readers.errors import SourceFileError

log = logging.getLogger(__name__)
REASON_SUFFIX = ".reason.txt"  # beside a quarantined file's copy: why it was set aside
# content fingerprint: the whole file when small, else its head, tail and size
FINGERPRINT_FULL_BYTES = 4 * 1024 * 1024
FINGERPRINT_PART_BYTES = 1024 * 1024

FILES_DDL = """
create table if not exists landing.files (
    source varchar not null,
    file_name varchar not null,
    file_sha256 varchar not null,
    file_key varchar,
    status varchar not null,          -- loaded | quarantined | superseded | removed
    row_count bigint,
    reason varchar,
    seen_at timestamp not null,
    file_stamp varchar                -- size, times, content fingerprint and reader settings
)
"""
# added later: existing warehouses get them on connect
FILES_COLUMNS = {
    "file_stamp": "varchar",
    "covers_from": "varchar",  # first period (YYYY-MM) the file covers; null: its whole key
    "covers_to": "varchar",
    "recheck": "boolean",      # quarantined for a conflict with other files: looked at again
}


def fingerprint(path: Path) -> str:
    """A cheap hash of a file's content: size and mtime are only a hint (a file rewritten
    with the same size and time must still be seen)."""
    size = path.stat().st_size
    digest = hashlib.blake2b(str(size).encode(), digest_size=12)
    with path.open("rb") as f:
        if size <= FINGERPRINT_FULL_BYTES:
            digest.update(f.read())
        else:
            digest.update(f.read(FINGERPRINT_PART_BYTES))
            f.seek(size - FINGERPRINT_PART_BYTES)
            digest.update(f.read(FINGERPRINT_PART_BYTES))
    return digest.hexdigest()


@dataclass(frozen=True)
class Delivery:
    """What one load takes: usually one file; the registry's YAML files travel together."""

    name: str  # relative to raw/<source>/
    paths: tuple[Path, ...]

    def stamp(self, salt: str = "") -> str:
        """Size, modification and change times, a content fingerprint (and the reader's
        settings): cheap to read, so an unchanged file need not be hashed again every night,
        while a file rewritten with the same size and mtime is still seen."""
        stats = [p.stat() for p in self.paths]
        settings = hashlib.sha256(salt.encode("utf-8")).hexdigest()[:12]
        content = hashlib.blake2b(
            "".join(fingerprint(p) for p in self.paths).encode(), digest_size=8).hexdigest()
        return (f"{sum(s.st_size for s in stats)}:{max(s.st_mtime_ns for s in stats)}:"
                f"{max(s.st_ctime_ns for s in stats)}:{len(stats)}:{settings}:{content}")

    def sha256(self, salt: str = "") -> str:
        digest = hashlib.sha256(salt.encode("utf-8"))
        for path in self.paths:
            if len(self.paths) > 1:  # a bundle: which file holds what matters too
                digest.update(path.name.encode("utf-8"))
            with path.open("rb") as f:
                while chunk := f.read(8 * 1024 * 1024):
                    digest.update(chunk)
        return digest.hexdigest()


@dataclass
class Loaded:
    """A reader's result: the key a corrected delivery replaces, and its landing tables.
    A table is an Arrow table or the path of a Parquet file.

    `covers` narrows the key to a range of periods (first, last; "YYYY-MM" sorts as text):
    files of one key add up when their ranges are apart, and a file replaces the loaded files
    whose ranges lie within its own. None covers the whole key (payroll: one month)."""

    file_key: str
    tables: Mapping[str, pa.Table | Path]
    # per table, what to select from the incoming rows instead of "*" (e.g. to drop a column)
    projections: Mapping[str, str] = field(default_factory=dict)
    covers: tuple[str, str] | None = None
    note: str | None = None  # what the history should say about the file (e.g. its style)


@dataclass
class Outcome:
    name: str
    status: str  # loaded | unchanged | quarantined | superseded (in its own batch) | removed
    rows: int = 0
    reason: str | None = None
    replaced: list[str] = field(default_factory=list)
    covers: tuple[str, str] | None = None


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = duckdb.connect(str(path))
    conn.execute("create schema if not exists landing")
    conn.execute(FILES_DDL)
    for column, kind in FILES_COLUMNS.items():
        conn.execute(f"alter table landing.files add column if not exists {column} {kind}")
    return conn


def deliveries(folder: Path, suffixes: Iterable[str],
               exclude: str = ".meta.json") -> list[Delivery]:
    """Every file under folder with one of the suffixes (any case), one delivery each, in name
    order; sidecar files (`exclude`) are not deliveries."""
    wanted = tuple(s.lower() for s in suffixes)
    found = sorted(p for p in folder.rglob("*") if p.is_file()
                   and p.name.lower().endswith(wanted) and not p.name.endswith(exclude))
    return [Delivery(str(p.relative_to(folder)), (p,)) for p in found]


# A check on a key's loaded state after a change, inside its transaction: a reason (Swedish
# sentence) rolls the change back and quarantines the key's new files; None lets it commit.
KeyCheck = Callable[[duckdb.DuckDBPyConnection, str], str | None]


@dataclass
class _Active:
    """A loaded file of a key, as the plan sees it."""
    name: str
    sha: str
    covers: tuple[str, str] | None
    present: bool  # still in raw/ with this content


@dataclass
class _Candidate:
    item: Delivery
    sha: str
    stamp: str
    key: str
    covers: tuple[str, str] | None
    retry: str | None  # the earlier status of this content (superseded, removed, ...)
    loaded: Loaded | None = None  # read already (new content) or when accepted (a retry)


def _span(c: tuple[str, str] | None) -> tuple[str, str]:
    return c if c is not None else ("", "\uffff")  # the whole key


def _within(inner: tuple[str, str] | None, outer: tuple[str, str] | None) -> bool:
    a, b = _span(inner), _span(outer)
    return b[0] <= a[0] and a[1] <= b[1]


def _overlap(x: tuple[str, str] | None, y: tuple[str, str] | None) -> bool:
    a, b = _span(x), _span(y)
    return a[0] <= b[1] and b[0] <= a[1]


def show(c: tuple[str, str] | None) -> str:
    if c is None:
        return "hela nyckeln"
    return c[0] if c[0] == c[1] else f"{c[0]}–{c[1]}"


def ingest(
    conn: duckdb.DuckDBPyConnection,
    source: str,
    items: Iterable[Delivery],
    read: Callable[[Delivery], Loaded],
    tables: Iterable[str],
    quarantine_dir: Path,
    salt: str = "",
    present: Iterable[str] | None = None,
    check: KeyCheck | None = None,
) -> list[Outcome]:
    """Bring the landing tables of one source in line with its files in raw/.

    `items` are the deliveries to look at (a partition run looks at some); `present` names
    every delivery now in raw/<source>/ (default: the items), so that a loaded file that is
    gone takes its rows with it. `tables` lists every landing table the source writes, so
    that a replacement removes the predecessor's rows everywhere. `salt` changes the
    fingerprint when the reader's settings change (e.g. SIE dimensions), so files are read
    again under the new settings. `check` judges a key's state after a change (the ledger's
    balances) before it is committed.
    """
    table_names = list(tables)
    items = list(items)
    present_names = {i.name for i in items} if present is None else set(present)
    outcomes: list[Outcome] = []
    outcomes += _remove_absent(conn, source, present_names, table_names)
    active = _active(conn, source)
    loaded_sha = {f.name: f.sha for files in active.values() for f in files}
    rewritten: set[str] = set()  # names in raw/ that now hold other content than loaded
    found: list[tuple[int, Outcome | _Candidate]] = []  # by position in items

    def look(index: int, item: Delivery) -> tuple[str, str] | None:
        """What landing.files already says about the item; its sha and stamp when it is to
        be read."""
        stamp = item.stamp(salt)
        known = conn.execute(
            "select status, file_sha256 from landing.files where source = ? and file_name = ? "
            "and file_stamp = ? order by seen_at desc limit 1",
            [source, item.name, stamp]).fetchall()
        if known and known[0][0] == "loaded":
            found.append((index, Outcome(item.name, "unchanged",
                                         reason="same size, time and content")))
            return None
        # the stamp saves hashing a file kept in raw/ after it was replaced, night after night
        sha = known[0][1] if known else item.sha256(salt)
        if item.name in loaded_sha and loaded_sha[item.name] != sha:
            rewritten.add(item.name)
        history = conn.execute(
            "select status, file_key, covers_from, covers_to, coalesce(recheck, false) "
            "from landing.files where source = ? and file_sha256 = ? "
            "order by seen_at desc limit 1", [source, sha]).fetchall()
        if history:
            status, key, first, last, recheck = history[0]
            if status == "loaded" or (status == "quarantined" and not recheck):
                found.append((index, Outcome(item.name, "unchanged", reason=status)))
                return None
            if key is not None:  # replaced, removed or in conflict: may come back now
                found.append((index, _Candidate(
                    item, sha, stamp, key, (first, last) if first else None, status)))
                return None
        return sha, stamp

    def settle_reads(batch: list[tuple[int, Delivery, str, str]]) -> None:
        for (index, item, sha, stamp), result in zip(
                batch, _read_each(read, [b[1] for b in batch]), strict=True):
            if isinstance(result, SourceFileError):
                found.append((index, _quarantine(conn, source, item, sha, stamp, str(result),
                                                 quarantine_dir)))
            elif isinstance(result, Exception):  # a reader bug must not stop the other files
                log.error("unexpected error reading %s/%s\n%s", source, item.name,
                          "".join(traceback.format_exception(result)))
                reason = f"{item.name}: unexpected error: {type(result).__name__}: {result}"
                found.append((index, _quarantine(conn, source, item, sha, stamp, reason,
                                                 quarantine_dir)))
            else:
                found.append((index, _Candidate(item, sha, stamp, result.file_key,
                                                result.covers, None, result)))

    # every file to read first (a batch can be read two at a time); a second copy of the same
    # content waits until the first is judged, as when the files were read one by one
    to_read: list[tuple[int, Delivery, str, str]] = []
    again: list[tuple[int, Delivery]] = []
    for index, item in enumerate(items):
        if (looked := look(index, item)) is None:
            continue
        if looked[0] in {sha for _, _, sha, _ in to_read}:
            again.append((index, item))
        else:
            to_read.append((index, item, *looked))
    settle_reads(to_read)
    for index, item in again:
        if (looked := look(index, item)) is not None:
            settle_reads([(index, item, *looked)])
    candidates: dict[str, list[_Candidate]] = {}
    for _, done in sorted(found, key=lambda f: f[0]):
        if isinstance(done, Outcome):
            outcomes.append(done)
        else:
            candidates.setdefault(done.key, []).append(done)
    for files in active.values():
        for f in files:
            f.present = f.name in present_names and f.name not in rewritten
    for key in sorted(candidates):
        outcomes += _settle_key(conn, source, key, active.get(key, []), candidates[key], read,
                                table_names, quarantine_dir, check)
    return outcomes


# Deliveries a reader may read two at a time: its `concurrent(delivery)` says which (small files,
# whose own pipeline leaves a core idle: a batch of period files); the rest are read one by one.
CONCURRENT_READS = 2
# true while a delivery is read beside another (in the reading threads), for the reader to
# size its work for it
READ_TOGETHER: ContextVar[bool] = ContextVar("landing_read_together", default=False)


def _read_each(read: Callable[[Delivery], Loaded],
               items: list[Delivery]) -> list[Loaded | Exception]:
    """Each delivery read, or the exception its reading raised, in the order of items."""
    def attempt(item: Delivery) -> Loaded | Exception:
        try:
            return read(item)
        except Exception as exc:  # judged by the caller, file by file
            return exc

    concurrent = getattr(read, "concurrent", None)
    together = [i for i, item in enumerate(items) if concurrent is not None and concurrent(item)]
    if len(together) < 2:
        together = []
    results: list[Loaded | Exception | None] = [None] * len(items)
    alone = set(range(len(items))) - set(together)
    for i in sorted(alone):  # larger files first, one at a time: they keep the cores busy
        results[i] = attempt(items[i])
    def beside(item: Delivery) -> Loaded | Exception:
        READ_TOGETHER.set(True)  # a pool thread's own context: never seen outside it
        return attempt(item)

    if len(together) >= 2:
        with ThreadPoolExecutor(CONCURRENT_READS, thread_name_prefix="landing-read") as pool:
            for i, result in zip(together, pool.map(beside, [items[i] for i in together]),
                                 strict=True):
                results[i] = result
    return results  # type: ignore[return-value]


def _active(conn: duckdb.DuckDBPyConnection, source: str) -> dict[str, list[_Active]]:
    found: dict[str, list[_Active]] = {}
    for name, sha, key, first, last in conn.execute(
            "select file_name, file_sha256, file_key, covers_from, covers_to from landing.files "
            "where source = ? and status = 'loaded'", [source]).fetchall():
        found.setdefault(key, []).append(
            _Active(name, sha, (first, last) if first else None, present=False))
    return found


def _remove_absent(conn: duckdb.DuckDBPyConnection, source: str, present: set[str],
                   table_names: list[str]) -> list[Outcome]:
    """A loaded file no longer in raw/ takes its rows with it. An empty source folder
    removes nothing: that is more likely a share that did not mount than a decision."""
    gone = [n for n in _first_column(conn, "select distinct file_name from landing.files "
                                     "where source = ? and status = 'loaded'", [source])
            if n not in present]
    if not gone or not present:
        if gone:
            log.warning("raw/%s/ is empty: the %d loaded files stay", source, len(gone))
        return []
    outcomes = []
    conn.execute("begin transaction")
    try:
        for name in table_names:
            if has_table(conn, name):
                conn.execute(f"delete from landing.{name} where source_file in "
                             "(select unnest(?::varchar[]))", [gone])
        conn.execute(
            "update landing.files set status = 'removed', reason = 'borttagen ur raw/: "
            "raderna togs bort', seen_at = ? where source = ? and status = 'loaded' "
            "and file_name in (select unnest(?::varchar[]))", [_now(), source, gone])
        conn.execute("commit")
    except Exception:
        conn.execute("rollback")
        raise
    for name in gone:
        log.warning("removed %s/%s: no longer in raw/", source, name)
        outcomes.append(Outcome(name, "removed", reason="borttagen ur raw/; raderna togs bort"))
    return outcomes


def _settle_key(conn: duckdb.DuckDBPyConnection, source: str, key: str, active: list[_Active],
                candidates: list[_Candidate], read: Callable[[Delivery], Loaded],
                table_names: list[str], quarantine_dir: Path,
                check: KeyCheck | None) -> list[Outcome]:
    """Decide, then apply, what the candidates of one key do; see the module docstring."""
    outcomes: list[Outcome] = []
    accepted: list[tuple[_Candidate, list[str]]] = []  # candidate, loaded names it replaces
    refused: list[tuple[_Candidate, str]] = []
    # same content under two names counts once
    unique: dict[str, _Candidate] = {}
    for c in sorted(candidates, key=lambda c: c.item.name):
        if c.sha in unique:
            outcomes.append(Outcome(c.item.name, "unchanged",
                                    reason=f"samma innehåll som {unique[c.sha].item.name}"))
        else:
            unique[c.sha] = c
    rest = list(unique.values())
    # two files in raw/ for exactly the same period: neither is taken for the other
    for c in list(rest):
        rivals = [a.name for a in active if a.present and a.covers == c.covers and a.sha != c.sha]
        rivals += [o.item.name for o in rest if o is not c and o.covers == c.covers]
        if rivals:
            refused.append((c, f"{c.item.name} och {', '.join(sorted(rivals))} i raw/ gäller "
                            f"samma period ({show(c.covers)}) med olika innehåll: ta bort den "
                            "som inte gäller; det som redan är inläst ligger kvar"))
    rest = [c for c in rest if all(c is not r for r, _ in refused)]
    # narrow and early first, so a file that covers others in the same batch replaces them
    state = list(active)
    for c in _narrow_first(rest):
        overlapping = [a for a in state if _overlap(a.covers, c.covers)]
        # a file loaded before periods were recorded (covers None) is replaced by its own
        # new reading under the same name
        outside = [a for a in overlapping if not _within(a.covers, c.covers)
                   and not (a.covers is None and a.name == c.item.name)]
        if not outside:
            accepted.append((c, [a.name for a in overlapping]))
            state = [a for a in state if a not in overlapping]
            state.append(_Active(c.item.name, c.sha, c.covers, True))
            continue
        a = outside[0]
        how = "ligger inom" if _within(c.covers, a.covers) else "överlappar"
        refused.append((c, f"{c.item.name} (period {show(c.covers)}) {how} den inlästa "
                        f"{a.name} ({show(a.covers)}) utan att täcka den: en fil ersätter "
                        "bara det den täcker helt; det inlästa ligger kvar"))
    for c, reason in refused:
        covered = [a for a in state if a.present and a.name != c.item.name
                   and _within(c.covers, a.covers) and a.covers != c.covers]
        if c.retry == "superseded" and covered:
            # an older file that a file in raw/ covers: replaced, as before
            outcomes.append(Outcome(c.item.name, "unchanged",
                                    reason=f"ersatt av {covered[0].name}"))
        elif c.retry == "quarantined" and _last_reason(conn, source, c.sha) == reason:
            outcomes.append(Outcome(c.item.name, "unchanged", reason=reason))
        else:
            outcomes.append(_quarantine(conn, source, c.item, c.sha, c.stamp, reason,
                                        quarantine_dir, key=key, covers=c.covers, recheck=True))
    if accepted:
        outcomes += _apply(conn, source, key, accepted, read, table_names, quarantine_dir,
                           check)
    return outcomes


def _narrow_first(candidates: list[_Candidate]) -> list[_Candidate]:
    """By last period, then latest first period: a file comes before every file covering it,
    so in one batch the covering file replaces it, whatever order they arrived in."""
    ordered = sorted(candidates, key=lambda c: c.item.name)
    ordered.sort(key=lambda c: _span(c.covers)[0], reverse=True)
    ordered.sort(key=lambda c: _span(c.covers)[1])
    return ordered


def _apply(conn: duckdb.DuckDBPyConnection, source: str, key: str,
           accepted: list[tuple[_Candidate, list[str]]], read: Callable[[Delivery], Loaded],
           table_names: list[str], quarantine_dir: Path,
           check: KeyCheck | None) -> list[Outcome]:
    """Load the accepted files of one key in one transaction, replacing what they cover; the
    key's check runs before the commit, and a failing check keeps the key as it was."""
    outcomes: list[Outcome] = []
    ready: list[tuple[_Candidate, list[str]]] = []
    # a file that a later file of the same batch covers is never inserted (a rebuild from a
    # raw/ holding every year-to-date file loads the last one only)
    batch = {c.item.name for c, _ in accepted}
    covered_by = {name: c.item.name for c, replaces in accepted for name in replaces
                  if name != c.item.name and name in batch}
    skipped = [c for c, _ in accepted if c.item.name in covered_by]
    for c, replaces in accepted:
        if c.item.name in covered_by:
            continue
        if c.loaded is None:  # a file coming back: read it again
            try:
                c.loaded = read(c.item)
            except SourceFileError as exc:
                outcomes.append(_quarantine(conn, source, c.item, c.sha, c.stamp, str(exc),
                                            quarantine_dir))
                continue
        ready.append((c, replaces))
    if not ready:
        return outcomes
    for c, _ in ready:
        unknown = set(c.loaded.tables) - set(table_names)
        if unknown:
            raise ValueError(f"{source} reader returned undeclared tables {sorted(unknown)}")
    conn.execute("begin transaction")
    try:
        done = _replace(conn, source, key, ready, table_names)
        problem = check(conn, key) if check is not None else None
        if problem is None:
            conn.execute("commit")
        else:
            conn.execute("rollback")
    except Exception:
        conn.execute("rollback")
        raise
    if problem is not None:
        several = len({c.covers for c, _ in ready}) > 1 or any(r for _, r in ready)
        for c in [c for c, _ in ready] + skipped:
            if c.retry == "quarantined" and _last_reason(conn, source, c.sha) == problem:
                outcomes.append(Outcome(c.item.name, "unchanged", reason=problem))
                continue
            outcomes.append(_quarantine(conn, source, c.item, c.sha, c.stamp, problem,
                                        quarantine_dir, key=key, covers=c.covers,
                                        recheck=several))
        return outcomes
    for (c, _), outcome in zip(ready, done, strict=True):
        _release(quarantine_dir, source, c.item)
        outcomes.append(outcome)
    for c in skipped:
        winner = covered_by[c.item.name]
        while winner in covered_by:
            winner = covered_by[winner]
        reason = f"ersatt av {winner} i samma inläsning, som täcker {show(c.covers)}"
        conn.execute(
            "insert into landing.files (source, file_name, file_sha256, file_key, status, "
            "row_count, reason, seen_at, file_stamp, covers_from, covers_to, recheck) "
            "values (?, ?, ?, ?, 'superseded', 0, ?, ?, ?, ?, ?, false)",
            [source, c.item.name, c.sha, key, reason, _now(), c.stamp,
             *(c.covers or (None, None))])
        outcomes.append(Outcome(c.item.name, "superseded", reason=reason, covers=c.covers))
    return outcomes


def _replace(conn: duckdb.DuckDBPyConnection, source: str, key: str,
             ready: list[tuple[_Candidate, list[str]]], table_names: list[str]) -> list[Outcome]:
    """The files of one key in, the loaded files they cover (and their own earlier versions)
    out. One statement per table for the whole batch: with period files a load is many small
    files, and a statement per table and file added up to more than their rows cost. No file
    of `ready` covers another of it (_apply skips those), so every delete can come first."""
    names = [c.item.name for c, _ in ready]
    loaded_again = set(_first_column(
        conn, "select distinct file_name from landing.files where source = ? and "
        "status = 'loaded' and file_name in (select unnest(?::varchar[]))", [source, names]))
    predecessors = {c.item.name: sorted(set(replaces) | ({c.item.name} & loaded_again))
                    for c, replaces in ready}
    gone = sorted({p for ps in predecessors.values() for p in ps})
    rows = dict.fromkeys(names, 0)
    existing = set(_first_column(
        conn, "select table_name from information_schema.tables "
        "where table_schema = 'landing'"))
    for name in table_names:
        if name in existing and gone:
            conn.execute(f"delete from landing.{name} where source_file in "
                         f"(select unnest(?::varchar[]))", [gone])
        parts = [(c, c.loaded.tables[name]) for c, _ in ready
                 if c.loaded.tables.get(name) is not None]
        for group in _insert_groups(name, parts):
            counts = _insert(conn, name, group, exists=name in existing)
            existing.add(name)
            for (c, _), n in zip(group, counts, strict=True):
                rows[c.item.name] += n
            fault_point("landing.insert")  # crash tests: killed inside the transaction
    outcomes = []
    for c, _ in ready:
        item, before = c.item, predecessors[c.item.name]
        if before:
            conn.execute(
                "update landing.files set status = 'superseded', reason = ? where source = ? "
                "and status = 'loaded' and file_name in (select unnest(?::varchar[]))",
                [f"ersatt av {item.name} ({show(c.covers)})", source, before])
        replaced = [p for p in before if p != item.name]
        words = [c.loaded.note] if c.loaded.note else []
        if c.covers is not None:
            words.append(f"täcker {show(c.covers)}")
        if replaced:
            words.append(f"ersätter {', '.join(replaced)}")
        if c.retry is not None:
            words.append(f"tillbaka: var {_status_word(c.retry)}, och det som ersatte den "
                         "finns inte längre i raw/")
        note = "; ".join(words) or None
        conn.execute(
            "insert into landing.files (source, file_name, file_sha256, file_key, status, "
            "row_count, reason, seen_at, file_stamp, covers_from, covers_to, recheck) "
            "values (?, ?, ?, ?, 'loaded', ?, ?, ?, ?, ?, ?, false)",
            [source, item.name, c.sha, key, rows[item.name], note, _now(), c.stamp,
             *(c.covers or (None, None))],
        )
        outcomes.append(Outcome(item.name, "loaded", rows=rows[item.name], replaced=replaced,
                                covers=c.covers, reason=note))
    return outcomes


_Part = tuple[_Candidate, "pa.Table | Path"]


def _columns(data: pa.Table | Path) -> list[str]:
    return pq.read_schema(data).names if isinstance(data, Path) else data.column_names


def _insert_groups(name: str, parts: list[_Part]) -> list[list[_Part]]:
    """Parts that one statement can insert together, in their order: Parquet files, or Arrow
    tables, of the same columns and projection and with their own source_file (else the
    statement adds the file's name, one file at a time)."""
    groups: dict[tuple, list[_Part]] = {}
    for c, data in parts:
        columns = _columns(data)
        kind = ((isinstance(data, Path), tuple(columns), c.loaded.projections.get(name, "*"))
                if "source_file" in columns else ("alone", c.item.name))
        groups.setdefault(kind, []).append((c, data))
    return list(groups.values())


def _insert(conn: duckdb.DuckDBPyConnection, name: str, group: list[_Part],
            exists: bool) -> list[int]:
    """Insert a group of parts into landing.<name> (created from the first if need be);
    the rows each part brought."""
    first, data = group[0]
    projection = first.loaded.projections.get(name, "*")
    registered = not isinstance(data, Path)
    if registered:
        tables = [d for _, d in group]
        conn.register("_incoming", tables[0] if len(tables) == 1 else pa.concat_tables(tables))
        source_sql = "_incoming"
        counts = [d.num_rows for d in tables]
    else:
        files = ", ".join(f"'{sql_text(str(d))}'" for _, d in group)
        source_sql = f"read_parquet([{files}])"
        counts = [pq.read_metadata(d).num_rows for _, d in group]
    # inserting several files in the order read made DuckDB write them on one thread (12
    # monthly files took 1,6x the time of the same rows as one yearly file); an explicit
    # order by file and line is written in parallel and leaves the same order every time
    columns = _columns(data)  # a Parquet part's schema is read from its file: once
    order = (" order by source_file, source_line"
             if len(group) > 1 and "source_line" in columns else "")
    try:
        select = _incoming_select(conn, projection, first.item.name, columns)
        if not exists:
            conn.execute(f"create table landing.{name} as "
                         f"select {select} from {source_sql} limit 0")
        inserted = conn.execute(f"insert into landing.{name} by name select {select} "
                                f"from {source_sql}{order}").fetchall()[0][0]
    finally:
        if registered:
            conn.unregister("_incoming")
    if len(group) == 1:
        return [inserted]
    if inserted != sum(counts):  # a guard: a projection never drops or adds rows
        raise RuntimeError(f"landing.{name}: {inserted} rows inserted, {sum(counts)} read")
    return counts


def _incoming_select(conn: duckdb.DuckDBPyConnection, projection: str, file_name: str,
                     columns: list[str] | None = None) -> str:
    """What goes from `_incoming` (or the incoming `columns`) into a landing table: the
    reader's projection, and the file name as `source_file` where the reader does not write
    one itself."""
    if columns is None:
        columns = _first_column(conn, "select column_name from (describe _incoming)")
    provenance = "" if "source_file" in columns else f", '{sql_text(file_name)}' as source_file"
    return projection + provenance


def ensure_tables(conn: duckdb.DuckDBPyConnection, schemas: Mapping[str, pa.Schema],
                  projections: Mapping[str, str] | None = None) -> list[str]:
    """Create each landing table that no file has created yet, empty, with the columns a load
    of the reader's output would give it: a source the municipality does not deliver (the
    contract leaves payroll, grants, reports and statistics open) then builds as zero rows
    instead of stopping dbt. Tables that exist are left alone; returns the ones created."""
    created = []
    for name, schema in schemas.items():
        if has_table(conn, name):
            continue
        conn.register("_incoming", schema.empty_table())
        try:
            select = _incoming_select(conn, (projections or {}).get(name, "*"), "")
            conn.execute(f"create table landing.{name} as select {select} from _incoming")
        finally:
            conn.unregister("_incoming")
        created.append(name)
    return created


def _status_word(status: str) -> str:
    return {"superseded": "ersatt", "removed": "borttagen",
            "quarantined": "i karantän"}.get(status, status)


def _last_reason(conn: duckdb.DuckDBPyConnection, source: str, sha: str) -> str | None:
    found = _first_column(conn, "select reason from landing.files where source = ? and "
                          "file_sha256 = ? order by seen_at desc limit 1", [source, sha])
    return found[0] if found else None


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _release(quarantine_dir: Path, source: str, item: Delivery) -> None:
    """A delivery that loads under a name once quarantined was corrected: its copy and reason
    leave the quarantine (so `uppfoljning status` stops listing it); landing.files keeps the
    quarantine row as history."""
    folder = quarantine_dir / source
    reason = folder / f"{item.name.replace('/', '__')}{REASON_SUFFIX}"
    if not reason.exists():
        return
    reason.unlink()
    for path in item.paths:
        (folder / path.name).unlink(missing_ok=True)


def _quarantine(conn: duckdb.DuckDBPyConnection, source: str, item: Delivery, sha: str,
                stamp: str, reason: str, quarantine_dir: Path, key: str | None = None,
                covers: tuple[str, str] | None = None, recheck: bool = False) -> Outcome:
    """Set the delivery aside with its reason; the rows of earlier good files stay. A file
    set aside for a conflict with other files (`recheck`) keeps its key and period, so it is
    looked at again when raw/ changes."""
    log.warning("quarantined %s/%s: %s", source, item.name, reason)
    target = quarantine_dir / source
    target.mkdir(parents=True, exist_ok=True)
    for path in item.paths:
        shutil.copy2(path, target / path.name)
    stem = item.name.replace("/", "__")
    (target / f"{stem}{REASON_SUFFIX}").write_text(reason + "\n", encoding="utf-8")
    conn.execute(
        "insert into landing.files (source, file_name, file_sha256, file_key, status, "
        "row_count, reason, seen_at, file_stamp, covers_from, covers_to, recheck) "
        "values (?, ?, ?, ?, 'quarantined', 0, ?, ?, ?, ?, ?, ?)",
        [source, item.name, sha, key, reason, _now(), stamp, *(covers or (None, None)),
         recheck],
    )
    return Outcome(item.name, "quarantined", reason=reason, covers=covers)


def has_table(conn: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(_first_column(
        conn, "select count(*) from information_schema.tables where table_schema = 'landing' "
        "and table_name = ?", [name])[0])


def _first_column(conn: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list:
    # fetchall, never fetchone: DuckDB 2 refuses further work on a connection while a result
    # is left unfinished, and the relational API counts as further work
    return [r[0] for r in conn.execute(sql, params or []).fetchall()]


def sql_text(text: str) -> str:
    return text.replace("'", "''")


def summarise(outcomes: list[Outcome]) -> dict:
    """Dagster metadata for one ingest: counts and the reasons of quarantined files."""
    by_status: dict[str, int] = {}
    for o in outcomes:
        by_status[o.status] = by_status.get(o.status, 0) + 1
    return {
        "files_loaded": by_status.get("loaded", 0),
        "files_unchanged": by_status.get("unchanged", 0),
        "files_quarantined": by_status.get("quarantined", 0),
        "files_superseded": by_status.get("superseded", 0),
        "files_removed": by_status.get("removed", 0),
        "rows_loaded": sum(o.rows for o in outcomes),
        "quarantined": "\n".join(f"{o.name}: {o.reason}" for o in outcomes
                                 if o.status == "quarantined") or "-",
        "replaced": ", ".join(r for o in outcomes for r in o.replaced) or "-",
    }


def count_rows(conn: duckdb.DuckDBPyConnection, name: str) -> int:
    if not has_table(conn, name):
        return 0
    return int(_first_column(conn, f"select count(*) from landing.{name}")[0])
