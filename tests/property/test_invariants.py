"""Invariants for any municipality, over random registry shapes and deliveries (hypothesis):
committees with one to three responsibility patterns, initiatives with any funding order,
with or without a mandate project, grants shared by up to three initiatives, other SIE
dimension numbers and object codes, counterpart and free dimensions, and the ledger as whole
years, the year to date or period files. The pipeline runs end to end (a real nightly) on one
rich example with a fixed seed: a run takes seconds, not milliseconds. The pure-Python
properties run more examples."""

from __future__ import annotations

import tempfile
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import answers
import duckdb
import invariants
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from isolated_run import run_nightly_on
from shapes import Shape, deliver_in_styles, shapes, write_raw

PIPELINE_EXAMPLES = 1  # a whole nightly run
# Fixed seed, no example database, and no shrinking: a failing example is reported as drawn
# (shrinking would run the pipeline dozens of times).
_NO_SHRINK = (Phase.explicit, Phase.generate)
_pipeline = settings(max_examples=PIPELINE_EXAMPLES, derandomize=True, deadline=None,
                     database=None, phases=_NO_SHRINK, suppress_health_check=list(HealthCheck))
_fast = settings(max_examples=40, derandomize=True, deadline=None, database=None,
                 phases=_NO_SHRINK, suppress_health_check=[HealthCheck.too_slow])


def _rich(shape: Shape) -> bool:
    """Shapes worth a whole nightly: a grant shared by initiatives, a mandate project that pays
    more than one initiative, committees with several patterns, a planted unknown code."""
    on_project = Counter(i.mandate_project for i in shape.initiatives if i.mandate_project)
    return (any(len(g[3]) > 1 for g in shape.grants) and any(n > 1 for n in on_project.values())
            and any(len(p) > 1 for p in shape.committees.values())
            and bool(shape.unknown_lines))


# One nightly, rich on purpose (a nightly costs seconds, not milliseconds): a ledger of two
# export styles at once (2023 as period files, 2024 as the year to date, the earlier file
# replaced by the later) and a registry with counterpart and free dimensions. The yearly style
# and a registry without them are the two profiles' (tests/integration/test_profiles.py, the
# same invariants on the session's nightly). Nothing is published: the invariants read the
# working warehouse, and publishing is tested elsewhere.
PIPELINE_STYLES = ("period", "year_to_date")
PIPELINE_EXTRA_DIMENSIONS = ("counterpart", "omrade", "malgrupp")


@pytest.mark.integration
@_pipeline
@given(shape=shapes(activity_dimension=None, extra_dimensions=PIPELINE_EXTRA_DIMENSIONS,
                    styles=PIPELINE_STYLES).filter(_rich))
def test_invariants_hold_for_any_registry_shape(shape: Shape) -> None:
    with tempfile.TemporaryDirectory(prefix="prop_") as tmp:
        raw = Path(tmp) / "raw"
        write_raw(shape, raw)
        a = answers.compute(raw)  # from the whole years, before they are cut
        files = deliver_in_styles(shape, raw)
        report = run_nightly_on(raw, Path(tmp), publish=False)
        assert report.success, report.failed_steps
        with duckdb.connect(str(Path(tmp) / "warehouse" / "governance.duckdb"),
                            read_only=True) as conn:
            # every file loads but the year to date through February, which the one through
            # the last month replaces
            status = dict(conn.execute(
                "select file_name, status from landing.files where source = 'ledger' "
                "qualify row_number() over (partition by file_name order by seen_at desc) = 1"
            ).fetchall())
            assert set(status) == {f.name for f in files} and len(files) == 5 + 2
            assert {n for n, s in status.items() if s != "loaded"} == {
                "prov_2024_hittills_2024-02.se"}, status
            invariants.programme_lines_equal_the_mart(conn, a)
            invariants.dimensions_reach_the_mart(conn, a)
            invariants.ledger_staging_has_every_dimension(conn)
            invariants.funding_sums_to_cost(conn, a)
            invariants.no_source_pays_more_than_it_has(conn, answers.decisions(raw), a)
            invariants.planted_found_and_nothing_else(conn, shape.planted())


@_fast
@given(shape=shapes(activity_dimension=None))
def test_the_reference_reading_keeps_its_own_rules(shape: Shape) -> None:
    """The independent reading the pipeline is compared with: every line written is read back,
    funding adds up to the cost, and no source gives more than it has."""
    with tempfile.TemporaryDirectory(prefix="prop_") as tmp:
        raw = Path(tmp)
        write_raw(shape, raw)
        a = answers.compute(raw)
    written: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    initiative_of = {c: i.id for i in shape.initiatives for c in i.object_codes}
    for code, year, _, ore in shape.costs:
        written[(initiative_of[code], year)] += Decimal(ore) / 100
    assert a.cost == dict(written)
    for (i, y), cost in a.cost.items():
        assert sum(a.funding[(i, y, s)] for s in ("state_grant", "mandate", "frame")) == cost
        assert a.funding[(i, y, "state_grant")] >= 0 and a.funding[(i, y, "mandate")] >= 0
    for gid, _, sek, _, _ in shape.grants:
        assert sum(v for (g, _), v in a.grant_shares.items() if g == gid) <= sek
    assert all(sum(v for v in [line.amount for line in a.lines if line.file == f]) == 0
               for f in {line.file for line in a.lines})


@settings(max_examples=15, derandomize=True, deadline=None, database=None, phases=_NO_SHRINK)
@given(order=st.permutations(range(15)), extra=st.lists(
    st.sampled_from(["adress", "utbetalningsdag", "kostnadsstalle_namn", "lonekorning"]),
    max_size=3, unique=True), upper=st.booleans())
def test_payroll_columns_in_any_order_with_extra_columns(order: list[int], extra: list[str],
                                                         upper: bool) -> None:
    """The payroll reader finds its columns by header name, in any order and case, and
    ignores columns the contract does not name."""
    from orchestration.readers.payroll import PAYROLL_COLUMNS, read_payroll

    rows = [["2023-01", "000001", "19800101-9801", "Test Testsson", "Kurator", "110",
             "Månadslön", "165,00", "30 000,00", "5020", "2120", "", "", "320", "100"],
            ["2023-01", "000002", "19810202-9802", "Prov Provsson", "Kurator", "910",
             "Arbetsgivaravgift", "", "9 426,00", "5610", "2120", "", "", "320", "100"]]
    header = [PAYROLL_COLUMNS[i] for i in order] + extra
    header = [h.upper() if upper else h for h in header]
    lines = [";".join(header)] + [";".join([r[i] for i in order] + ["x"] * len(extra))
                                  for r in rows]
    with tempfile.TemporaryDirectory(prefix="prop_") as tmp:
        path = Path(tmp) / "lon_202301.csv"
        path.write_text("\r\n".join(lines) + "\r\n", "utf-8")
        table = read_payroll(path, b"key")
    assert table.num_rows == 2
    assert sorted(zip(table["account"].to_pylist(), table["amount"].to_pylist(),
                      strict=True)) == [("5020", Decimal("30000.00")),
                                        ("5610", Decimal("9426.00"))]
    assert set(table["object_code"].to_pylist()) == {"320"}
