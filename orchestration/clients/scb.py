"""Live client for SCB's PxWebApi v2, and the fetch of every source the registry's indicators
name.

PxWebApi v2 (spec: PxTools/PxApiSpecs, PxAPI-2.yml):
- `GET {base}/config` gives `maxDataCells` (cells one call may return) and
  `maxCallsPerTimeWindow` calls per `timeWindow` seconds. Some servers report 0 for the call
  quota and announce it in headers instead; 0 or a missing value means "no client-side
  limit here", and a 429 answer is still honoured.
- `GET {base}/tables/{id}/data?lang=sv&valueCodes[Dim]=a,b&outputFormat=json-stat2` returns
  a JSON-stat 2.0 dataset. The spec declares the deep-object parameter `valuecodes`; the
  server binds it case-insensitively and SCB's own examples write `valueCodes`. A selection
  with more cells than allowed is answered 403, so the client splits it beforehand.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from orchestration.clients.http import (
    ClockFn,
    FetchError,
    HttpClient,
    RateLimiter,
    SleepFn,
    short_digest,
    store_response,
)
from orchestration.clients.kolada import KoladaClient

DEFAULT_BASE_URL = "https://api.scb.se/OV0104/v2beta/api/v2"
# Value expressions (wildcards, top(), from() ...) select an unknown number of values.
_EXPRESSION = re.compile(r"[*?()]")


@dataclass(frozen=True)
class ScbLimits:
    """What `/config` says; None where the server sets no usable limit."""

    max_data_cells: int | None
    max_calls: int | None
    time_window: float | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


def _positive_int(config: Mapping[str, Any], key: str) -> int | None:
    value = config.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    return int(value)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]+", "-", text).strip("-") or "x"


def _is_expression(code: str) -> bool:
    return bool(_EXPRESSION.search(code))


def count_cells(selection: Mapping[str, Sequence[str]]) -> int:
    """Cells a selection asks for, counting an expression as one value (a lower bound)."""
    return math.prod(len(codes) for codes in selection.values())


def split_selection(
    selection: Mapping[str, Sequence[str]], max_cells: int | None
) -> list[dict[str, list[str]]]:
    """Split a selection into parts of at most `max_cells` cells, cutting the dimension with
    the most listed codes first; dimensions given as expressions are never cut."""
    whole = {dim: list(codes) for dim, codes in selection.items()}
    cells = count_cells(whole)
    if max_cells is None or cells <= max_cells:
        return [whole]
    cuttable = [
        dim
        for dim, codes in whole.items()
        if len(codes) > 1 and not any(_is_expression(c) for c in codes)
    ]
    if not cuttable:
        raise FetchError(
            f"the selection asks for {cells} cells, more than the API's {max_cells}, "
            "and no dimension can be split further"
        )
    dim = max(cuttable, key=lambda d: len(whole[d]))
    rest = cells // len(whole[dim])
    chunk = max(1, max_cells // rest)
    parts: list[dict[str, list[str]]] = []
    for start in range(0, len(whole[dim]), chunk):
        part = dict(whole)
        part[dim] = whole[dim][start : start + chunk]
        parts.extend(split_selection(part, max_cells))
    return parts


def _check_selection(selection: Mapping[str, Sequence[str]]) -> None:
    if not selection:
        raise ValueError("the selection names no dimension")
    for dim, codes in selection.items():
        if not dim or not isinstance(dim, str):
            raise ValueError(f"bad dimension name {dim!r}")
        if isinstance(codes, str) or not codes or not all(isinstance(c, str) and c for c in codes):
            raise ValueError(f"dimension {dim!r} needs a non-empty list of value codes")


class ScbClient:
    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 30.0,
        max_retries: int = 4,
        session: requests.Session | None = None,
        *,
        sleep: SleepFn = time.sleep,
        clock: ClockFn = time.monotonic,
        backoff_base: float = 1.0,
    ):
        self.base_url = base_url.rstrip("/")
        self.sleep = sleep
        self.clock = clock
        self.http = HttpClient(
            timeout=timeout,
            max_retries=max_retries,
            session=session,
            sleep=sleep,
            backoff_base=backoff_base,
            status_hints={
                400: "bad request: check the dimension and value codes",
                403: "more cells than the API allows in one call",
                404: "unknown table or endpoint",
            },
        )
        self._limits: ScbLimits | None = None

    def limits(self) -> ScbLimits:
        """Read `/config` once and set the client-side call limiter from it."""
        if self._limits is not None:
            return self._limits
        url = f"{self.base_url}/config"
        response = self.http.get(url)
        called_at = self.clock()
        try:
            config = response.json()
        except ValueError as exc:
            raise FetchError(f"{url} did not answer with JSON") from exc
        if not isinstance(config, dict):
            raise FetchError(f"{url} did not answer with a JSON object")
        window = _positive_int(config, "timeWindow")
        limits = ScbLimits(
            max_data_cells=_positive_int(config, "maxDataCells"),
            max_calls=_positive_int(config, "maxCallsPerTimeWindow"),
            time_window=float(window) if window else None,
            raw=config,
        )
        if limits.max_calls and limits.time_window:
            limiter = RateLimiter(
                limits.max_calls, limits.time_window, clock=self.clock, sleep=self.sleep
            )
            limiter.record(called_at)  # the /config call counts against the quota too
            self.http.limiter = limiter
        self._limits = limits
        return limits

    def data_url(self, table_id: str, selection: Mapping[str, Sequence[str]], lang: str) -> str:
        query = [("lang", lang)]
        query += [(f"valueCodes[{dim}]", ",".join(codes)) for dim, codes in selection.items()]
        query.append(("outputFormat", "json-stat2"))
        # Written as in SCB's examples; on the wire urllib3 percent-encodes the brackets,
        # which the server decodes.
        text = "&".join(f"{quote(k, safe='[]')}={quote(v, safe=',*?()')}" for k, v in query)
        return f"{self.base_url}/tables/{quote(table_id, safe='')}/data?{text}"

    def fetch_table(
        self,
        table_id: str,
        selection: dict[str, list[str]],
        out_dir: Path,
        lang: str = "sv",
    ) -> list[Path]:
        """Fetch a table selection as JSON-stat 2.0, split to respect `maxDataCells`.

        Each part is stored untouched as `scb_<table>_<digest>_<n>.json` with a
        `.meta.json` sidecar; the digest names the whole selection, so two selections from
        the same table never overwrite each other and a re-fetch replaces its own files.
        """
        _check_selection(selection)
        limits = self.limits()
        parts = split_selection(selection, limits.max_data_cells)
        digest = short_digest({"table": table_id, "lang": lang, "selection": selection})
        paths: list[Path] = []
        for number, part in enumerate(parts, start=1):
            url = self.data_url(table_id, part, lang)
            response = self.http.get(url)
            path = out_dir / f"scb_{_slug(table_id)}_{digest}_{number}.json"
            store_response(
                path,
                response,
                {
                    "source": "scb",
                    "table_id": table_id,
                    "lang": lang,
                    "selection": part,
                    "part": number,
                    "parts": len(parts),
                },
            )
            paths.append(path)
        return paths


class IndicatorFetchError(FetchError):
    """Some indicator sources could not be fetched; the others were, and are in `paths`."""

    def __init__(self, failures: list[str], paths: list[Path]):
        self.failures = failures
        self.paths = paths
        listed = "; ".join(failures)
        super().__init__(f"{len(failures)} indicator source(s) not fetched: {listed}")


def _codes(value: Any) -> list[str]:
    """A registry field that may hold one code or a list of them."""
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def _year(value: Any) -> int:
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or len(text) != 4:
        raise ValueError(f"{value!r} is not a year")
    return int(text)


def _indicator_years(indicator: Mapping[str, Any]) -> list[int]:
    """The baseline year and every target year."""
    years: set[int] = set()
    baseline = indicator.get("baseline")
    if isinstance(baseline, Mapping) and baseline.get("year") is not None:
        years.add(_year(baseline["year"]))
    targets = indicator.get("targets")
    if isinstance(targets, Mapping):
        years.update(_year(year) for year in targets)
    return sorted(years)


def fetch_indicator_sources(
    indicators: list[dict[str, Any]],
    survey_dir: Path,
    scb: ScbClient,
    kolada: KoladaClient,
    *,
    default_municipality: str | None = None,
) -> list[Path]:
    """Fetch what the registry's indicators name into `survey_dir/scb/` and `survey_dir/kolada/`.

    SCB sources `{kind: scb, table, contents_code, region}` (optional `region_dimension`,
    default Region; `time_dimension`, default Tid; `selection` for further dimensions) are
    grouped per table into one selection, asking for every period from the earliest
    baseline/target year on (`from(<year>)`), so targets not yet published do not fail the
    call. Kolada sources `{kind: kolada, kpi, municipality?}` ask for every year from the
    earliest to the latest baseline/target year; without a municipality the
    `default_municipality` is used, else every municipality.

    Every source is tried; if any fail, `IndicatorFetchError` lists them and carries the
    paths that were written.
    """
    failures: list[str] = []
    scb_groups: dict[str, dict[str, Any]] = {}
    kolada_groups: dict[tuple[str, str | None], set[int]] = {}

    for position, indicator in enumerate(indicators):
        label = str(indicator.get("id") or f"indicators[{position}]")
        source = indicator.get("source")
        try:
            if not isinstance(source, Mapping):
                raise ValueError("no source")
            years = _indicator_years(indicator)
            kind = source.get("kind")
            if kind == "scb":
                table = str(source["table"])
                region_dim = str(source.get("region_dimension", "Region"))
                time_dim = str(source.get("time_dimension", "Tid"))
                extra = {str(k): _codes(v) for k, v in (source.get("selection") or {}).items()}
                key = short_digest([table, region_dim, time_dim, extra])
                group = scb_groups.setdefault(
                    key,
                    {
                        "table": table,
                        "region_dim": region_dim,
                        "time_dim": time_dim,
                        "extra": extra,
                        "regions": set(),
                        "contents": set(),
                        "years": set(),
                        "labels": [],
                    },
                )
                group["regions"].update(_codes(source.get("region")))
                contents = _codes(source["contents_code"])
                if not contents:
                    raise ValueError("no contents_code")
                group["contents"].update(contents)
                group["years"].update(years)
                group["labels"].append(label)
            elif kind == "kolada":
                municipality = source.get("municipality") or default_municipality
                municipality = ",".join(_codes(municipality)) or None
                kpi = str(source["kpi"])
                kolada_groups.setdefault((kpi, municipality), set()).update(years)
            else:
                raise ValueError(f"unknown source kind {kind!r}")
        except (KeyError, TypeError, ValueError) as exc:
            detail = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
            failures.append(f"{label}: {detail}")

    paths: list[Path] = []
    for group in scb_groups.values():
        selection: dict[str, list[str]] = {}
        if group["regions"]:
            selection[group["region_dim"]] = sorted(group["regions"])
        selection["ContentsCode"] = sorted(group["contents"])
        years = group["years"]
        selection[group["time_dim"]] = [f"from({min(years)})"] if years else ["*"]
        selection.update(group["extra"])
        try:
            paths.extend(scb.fetch_table(group["table"], selection, survey_dir / "scb"))
        except (FetchError, ValueError) as exc:
            failures.append(f"{', '.join(group['labels'])} (SCB {group['table']}): {exc}")

    for (kpi, municipality), years in kolada_groups.items():
        span = list(range(min(years), max(years) + 1)) if years else []
        try:
            paths.extend(kolada.fetch_kpi(kpi, municipality, span, survey_dir / "kolada"))
        except (FetchError, ValueError) as exc:
            failures.append(f"Kolada {kpi}/{municipality or 'all'}: {exc}")

    if failures:
        raise IndicatorFetchError(failures, paths)
    return paths
