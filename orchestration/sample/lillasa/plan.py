"""What Lillåsa's programme cost, month by month, and the problems planted in its delivery.

The yearly totals are round figures chosen so that the shared grant's shares come out whole
(docs/sample-data.md, "Lillåsa"); the generator hits every month's target to the öre."""

from __future__ import annotations

from dataclasses import dataclass

FIRST_MONTH = (2023, 1)
LAST_MONTH = (2024, 5)  # the ledger and payroll stand on 2024-06-14
AS_OF_DATE = "2024-06-14"


def months() -> list[tuple[int, int]]:
    out = []
    y, m = FIRST_MONTH
    while (y, m) <= LAST_MONTH:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@dataclass(frozen=True)
class CostCentre:
    """Where an initiative's cost is booked (no activity code: Lillåsa has no such dimension)."""

    initiative: str
    committee: str
    responsibility: str
    object_code: str
    project: str  # the mandate project code, "" when none
    staff: int
    monthly_salary: int  # SEK


CENTRES = {
    "fu_kfn": CostCentre("fritid_unga", "KFN", "4020", "310", "8400", 2, 34_000),
    "fu_son": CostCentre("fritid_unga", "SON", "3110", "311", "8400", 1, 32_000),
    "sn_bun": CostCentre("skolnarvaro", "BUN", "2120", "320", "", 1, 40_000),
    "sn_fsk": CostCentre("skolnarvaro", "BUN", "2510", "320", "", 0, 0),  # pattern 25*
    "th_son": CostCentre("trygg_hemma", "SON", "3500", "330", "", 1, 26_000),  # exact code
    "th_jour": CostCentre("trygg_hemma", "SON", "3020", "331", "", 0, 0),
    "cm_tn": CostCentre("centrummiljo", "TN", "5110", "340", "8400", 0, 0),
    "cm_ks": CostCentre("centrummiljo", "KS", "1020", "341", "8400", 1, 30_000),
}

# (centre, year) -> the year's cost in SEK, spread evenly over the year's months in the ledger.
YEARLY_COST = {
    ("fu_kfn", 2023): 1_200_000, ("fu_son", 2023): 600_000,
    ("sn_bun", 2023): 960_000, ("sn_fsk", 2023): 240_000,
    ("th_son", 2023): 480_000, ("th_jour", 2023): 120_000,
    ("cm_tn", 2023): 600_000, ("cm_ks", 2023): 540_000,
    ("fu_kfn", 2024): 500_000, ("fu_son", 2024): 250_000,
    ("sn_bun", 2024): 400_000, ("sn_fsk", 2024): 100_000,
    ("th_son", 2024): 200_000, ("th_jour", 2024): 50_000,
    ("cm_tn", 2024): 250_000, ("cm_ks", 2024): 225_000,
}


def monthly_targets() -> dict[tuple[str, int, int], int]:
    """(centre, year, month) -> the month's cost in öre; the last month takes the rest."""
    out: dict[tuple[str, int, int], int] = {}
    for (key, year), sek in YEARLY_COST.items():
        in_year = [m for y, m in months() if y == year]
        each = sek * 100 // len(in_year)
        for m in in_year:
            last = sek * 100 - each * (len(in_year) - 1)
            out[(key, year, m)] = each if m != in_year[-1] else last
    return out


# The problems planted in Lillåsa's delivery (docs/sample-data.md): what and where.
UNKNOWN_CODE_LINE = (2023, 9, "4020", "319", 15_600_00)  # object 319 on project 8400
PAYROLL_ONLY_ROW = (2024, 2, "sn_bun", 6_200_00)  # a correction paid but never posted
DOUBLE_COMPENSATION = (2023, 11, "cm_tn")  # KS compensates TN twice in November
MISSING_REPORT = ("BUN", "skolnarvaro", "uppfoljning", "2023-Q3")
LATE_REPORT = ("SON", "trygg_hemma", "uppfoljning", "2023-H2", 20)  # 20 days after due
