"""Live client for the Kolada API v3 data endpoint.

`GET {base}/data/kpi/{kpi}/municipality/{id}/year/{y1,y2,...}` answers
`{"count", "values": [...], "next_url", "previous_url"}`; a long answer comes in pages and
`next_url` (some deployments and clients call it `next_page`) is the full URL of the next
one. Each page is stored byte for byte with a sidecar, for `read_kolada` to read later.

Comparable municipalities (`fetch_peers`): the same KPI and years for a peer set, at most 25
municipality ids per call (Kolada refuses longer lists), every page of each call. A peer set
given as a Kolada group is first resolved to its members (`fetch_group`), and that answer is
stored too, so the mart knows the members offline.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import requests

from orchestration.clients.http import (
    FetchError,
    HttpClient,
    SleepFn,
    short_digest,
    store_response,
)

DEFAULT_BASE_URL = "https://api.kolada.se/v3"
# Kolada refuses long id lists: at most 25 ids per parameter (years, municipalities).
YEARS_PER_REQUEST = 25
IDS_PER_REQUEST = 25
MAX_PAGES = 1000


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]+", "-", text).strip("-") or "x"


class KoladaClient:
    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 30.0,
        max_retries: int = 4,
        session: requests.Session | None = None,
        *,
        sleep: SleepFn = time.sleep,
        backoff_base: float = 1.0,
        per_page: int | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.per_page = per_page
        self.http = HttpClient(
            timeout=timeout,
            max_retries=max_retries,
            session=session,
            sleep=sleep,
            backoff_base=backoff_base,
            status_hints={400: "bad KPI, municipality or year list", 404: "unknown KPI or path"},
        )

    def data_url(self, kpi: str, municipality: str | None, years: Iterable[int] | None) -> str:
        """The data URL; no municipality means every municipality, no years every year."""
        url = f"{self.base_url}/data/kpi/{quote(kpi, safe=',')}"
        if municipality:
            url += f"/municipality/{quote(municipality, safe=',')}"
        year_list = sorted(set(years or []))
        if year_list:
            url += "/year/" + ",".join(str(y) for y in year_list)
        if self.per_page:
            url += f"?per_page={self.per_page}"
        return url

    def _next_url(self, current: str, body: bytes) -> str | None:
        try:
            doc = json.loads(body.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise FetchError(f"Kolada answered {current} with something that is not JSON") from exc
        if not isinstance(doc, dict):
            raise FetchError(f"Kolada answered {current} with JSON that is not an object")
        nxt = doc.get("next_url") or doc.get("next_page")
        if not nxt:
            return None
        if not isinstance(nxt, str):
            raise FetchError(f"Kolada's next page link is not a URL: {nxt!r}")
        absolute = urljoin(current, nxt)
        # Only follow links back to the same service; a link elsewhere is not ours to fetch.
        base, target = urlsplit(self.base_url), urlsplit(absolute)
        if (target.scheme, target.netloc) != (base.scheme, base.netloc):
            raise FetchError(f"Kolada's next page points to another host: {absolute}")
        return absolute

    def fetch_kpi(
        self,
        kpi: str,
        municipality: str | None,
        years: Iterable[int] | None,
        out_dir: Path,
    ) -> list[Path]:
        """Fetch every page for one KPI, store each as
        `kolada_<kpi>_<municipality|all>_<first>-<last>_p<n>.json` (+ sidecar), return the paths.
        """
        if not kpi or not isinstance(kpi, str):
            raise ValueError("kpi must be a non-empty string")
        year_list = sorted({int(y) for y in years or []})
        batches = [
            year_list[i : i + YEARS_PER_REQUEST]
            for i in range(0, len(year_list), YEARS_PER_REQUEST)
        ] or [[]]
        paths: list[Path] = []
        for batch in batches:
            paths.extend(self._fetch_batch(kpi, municipality, batch, out_dir))
        return paths

    def fetch_peers(
        self, kpi: str, municipalities: Iterable[str], years: Iterable[int], out_dir: Path
    ) -> list[Path]:
        """One KPI for many municipalities: calls of at most 25 ids (and 25 years), each paged;
        stored as `kolada_<kpi>_peers-<digest>_<years>_p<n>.json`, one digest per call."""
        codes = sorted(set(municipalities))
        if not codes:
            return []
        year_list = sorted({int(y) for y in years})
        paths: list[Path] = []
        for batch in id_batches(codes):
            for y in range(0, max(len(year_list), 1), YEARS_PER_REQUEST):
                year_batch = year_list[y : y + YEARS_PER_REQUEST]
                stem = peer_file_stem(kpi, batch, year_batch)
                paths.extend(self._fetch_pages(stem, kpi, ",".join(batch), year_batch, out_dir))
        return paths

    def group_url(self, group_id: str) -> str:
        return f"{self.base_url}/municipality_group/{quote(group_id, safe='')}"

    def fetch_group(self, group_id: str, out_dir: Path) -> Path:
        """A municipality group's metadata (its members), stored as kolada_group_<id>.json."""
        url = self.group_url(group_id)
        response = self.http.get(url)
        path = out_dir / f"kolada_group_{_slug(group_id)}.json"
        store_response(path, response, {"source": "kolada", "municipality_group": group_id})
        return path

    def _fetch_batch(
        self, kpi: str, municipality: str | None, years: list[int], out_dir: Path
    ) -> list[Path]:
        stem = f"kolada_{_slug(kpi)}_{_slug(municipality or 'all')}_{year_span(years)}"
        return self._fetch_pages(stem, kpi, municipality, years, out_dir)

    def _fetch_pages(
        self, stem: str, kpi: str, municipality: str | None, years: list[int], out_dir: Path
    ) -> list[Path]:
        url: str | None = self.data_url(kpi, municipality, years)
        seen: set[str] = set()
        paths: list[Path] = []
        while url is not None:
            if url in seen or len(paths) >= MAX_PAGES:
                raise FetchError(f"Kolada paging does not end (revisited or too many pages): {url}")
            seen.add(url)
            response = self.http.get(url)
            page = len(paths) + 1
            path = out_dir / f"{stem}_p{page}.json"
            store_response(
                path,
                response,
                {
                    "source": "kolada",
                    "kpi": kpi,
                    "municipality": municipality,
                    "years": years,
                    "page": page,
                },
            )
            paths.append(path)
            url = self._next_url(url, response.content)
        return paths


def year_span(years: list[int]) -> str:
    if not years:
        return "all-years"
    span = f"{years[0]}-{years[-1]}"
    if years != list(range(years[0], years[-1] + 1)):
        span += "-" + short_digest(years, 6)  # gaps: keep apart from the full range
    return span


def id_batches(codes: list[str]) -> list[list[str]]:
    """Sorted ids in calls of at most IDS_PER_REQUEST."""
    ordered = sorted(set(codes))
    return [ordered[i : i + IDS_PER_REQUEST] for i in range(0, len(ordered), IDS_PER_REQUEST)]


def peer_file_stem(kpi: str, batch: list[str], years: list[int]) -> str:
    """File stem of one peer call; the digest keeps calls for different id lists apart."""
    return f"kolada_{_slug(kpi)}_peers-{short_digest(batch, 8)}_{year_span(years)}"
