"""The reports' chart specifications are valid Vega-Lite (checked against the schema Altair
ships) and render to SVG offline; a wrong one is caught."""

from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor

import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema.core import load_schema

from orchestration.followup_report import charts

MONTHS = [{"month_label": f"2022-{m:02d}", "outcome_mnkr": 0.5 * m, "budget_mnkr": 1.0}
          for m in range(1, 13)]
FUNDING = [{"year": y, "source_label": s, "mnkr": 1.5, "order": k}
           for y in (2021, 2022) for k, s in enumerate(charts.SOURCE_COLOURS, 1)]
INDICATOR = [{"year": 2020, "outcome": 61.0, "target": None},
             {"year": 2021, "outcome": None, "target": 63.0},
             {"year": 2022, "outcome": 64.5, "target": 65.0}]


def _jobs() -> list[charts.ChartJob]:
    return [charts.monthly_outcome(MONTHS, "Utfall mot budget"),
            charts.funding_by_year(FUNDING, "Finansiering per år"),
            charts.indicator_vs_target(INDICATOR, "procent", "Indikator mot mål")]


@pytest.mark.parametrize("job", _jobs(), ids=["monthly", "funding", "indicator"])
def test_each_chart_is_valid_vega_lite_and_renders(job: charts.ChartJob) -> None:
    validate_jsonschema(job.spec, load_schema())
    with ThreadPoolExecutor(1) as pool:
        charts.render_all([job], pool)
    assert job.svg.startswith("<svg") and "<text" in job.svg
    html = job.html()
    assert html.startswith('<svg role="img" aria-label=') and 'role="graphics' not in html


def test_a_wrong_specification_is_caught() -> None:
    spec = copy.deepcopy(_jobs()[1].spec)
    spec["encoding"]["y"]["type"] = "quantity"  # not a Vega-Lite type
    with pytest.raises(Exception, match="quantity"):
        validate_jsonschema(spec, load_schema())


def test_kept_charts_are_not_drawn_again_and_a_bad_cache_is_no_cache(tmp_path) -> None:
    cache = tmp_path / "charts.json"
    with ThreadPoolExecutor(2) as pool:
        charts._DRAWN.clear()
        first = _jobs()
        assert charts.render_all(first, pool) == 3
        charts.keep(cache, first)
        charts._DRAWN.clear()  # as in the next night's process
        assert charts.remember(cache) == 3
        again = _jobs()
        again[0] = charts.monthly_outcome(MONTHS[:-1], "Utfall mot budget")  # one changed
        assert charts.render_all(again, pool) == 1
        assert [j.svg for j in again[1:]] == [j.svg for j in first[1:]]
        assert again[0].svg != first[0].svg
        for bad in ("{not json", '["a list"]', '{"key": 1}'):
            cache.write_text(bad, encoding="utf-8")
            charts._DRAWN.clear()
            assert charts.remember(cache) == 0
            assert charts.render_all(_jobs(), pool) == 3


def test_a_cache_that_cannot_be_written_is_skipped(tmp_path) -> None:
    jobs = _jobs()
    with ThreadPoolExecutor(1) as pool:
        charts.render_all(jobs, pool)
    where = tmp_path / "not-a-folder"
    where.write_text("a file where the cache's folder should be", encoding="utf-8")
    charts.keep(where / "charts.json", jobs)  # no exception: the publication goes on
    # written, then the rename fails (a folder stands where the file goes): no leftover
    blocked = tmp_path / "charts.json"
    blocked.mkdir()
    charts.keep(blocked, jobs)
    assert blocked.is_dir() and sorted(p.name for p in tmp_path.iterdir()) == [
        "charts.json", "not-a-folder"]
