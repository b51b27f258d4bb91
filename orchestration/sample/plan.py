"""What the sample programme cost, month by month: the calibrated targets the ledger and payroll
are generated to hit exactly (to the öre). Every figure here is one of ../shared/domain.md's or
follows from them; docs/sample-data.md explains the choices."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

FIRST_MONTH = (2020, 1)
LAST_MONTH = (2023, 5)  # the ledger and payroll stand on 2023-06-15
AS_OF_DATE = "2023-06-15"


def months() -> list[tuple[int, int]]:
    out = []
    y, m = FIRST_MONTH
    while (y, m) <= LAST_MONTH:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@dataclass(frozen=True)
class CostCentre:
    """Where an initiative's cost is booked: committee, responsibility and activity code."""

    initiative: str
    committee: str
    responsibility: str
    activity: str
    object_code: str
    project: str  # mandate project code, "" when none
    staff: int  # programme employees on payroll at full build
    monthly_salary: int  # SEK, a typical monthly salary for the posts


CENTRES = {
    "tu_sn": CostCentre("trygga_unga", "SN", "4120", "569", "7101", "9120", 8, 41_500),
    "tu_kfn": CostCentre("trygga_unga", "KFN", "3020", "350", "7102", "9120", 9, 36_800),
    "lov": CostCentre("lovstod", "KFN", "3030", "350", "7201", "9120", 0, 0),
    "tss": CostCentre("trygg_saker_skola", "KS", "1020", "190", "7301", "9120", 1, 45_000),
    "tus_gsn": CostCentre("trygga_unga_skolan", "GSN", "5020", "440", "7401", "", 2, 39_000),
    "tus_gyn": CostCentre("trygga_unga_skolan", "GYN", "5520", "450", "7402", "", 1, 39_500),
    "ovr": CostCentre("ovriga_trygghetsinsatser", "KS", "1030", "190", "7501", "", 0, 0),
    "jc": CostCentre("jobbcentrum", "AVN", "6020", "610", "7601", "9130", 14, 38_000),
}

# Lovstöd follows the school holidays: share of a year's money per month.
_HOLIDAY_SHARE = {2: 10, 4: 10, 6: 20, 7: 25, 8: 15, 10: 8, 11: 7, 12: 5}  # percent


def _spread(total: int, shares: dict[int, int]) -> dict[int, Decimal]:
    """Split a whole-krona total over months by percent shares, the last month taking the rest."""
    out: dict[int, Decimal] = {}
    keys = sorted(shares)
    acc = Decimal(0)
    pct_sum = sum(shares.values())
    for k in keys[:-1]:
        part = (Decimal(total) * shares[k] / pct_sum).quantize(Decimal("1"))
        out[k] = part
        acc += part
    out[keys[-1]] = Decimal(total) - acc
    return out


def _even(total: int, month_numbers: list[int]) -> dict[int, Decimal]:
    return _spread(total, {m: 1 for m in month_numbers})


def monthly_targets() -> dict[tuple[str, int, int], Decimal]:
    """(centre, year, month) -> the month's full cost in SEK on that centre's object code."""
    t: dict[tuple[str, int, int], Decimal] = {}

    def put(centre: str, year: int, per_month: dict[int, Decimal]) -> None:
        for month, amount in per_month.items():
            t[(centre, year, month)] = amount

    # Trygga unga: recruiting from May 2021; 6.3 MSEK in 2021 (all from the grant);
    # Jan-Aug 2022 SN 5.0 and KFN 5.6 MSEK; 18.2 MSEK for 2022; about 20 MSEK a year at full build.
    put("tu_sn", 2021, _even(3_000_000, list(range(5, 13))))
    put("tu_kfn", 2021, _even(3_300_000, list(range(5, 13))))
    put("tu_sn", 2022, {**_even(5_000_000, list(range(1, 9))), **_even(3_600_000, [9, 10, 11, 12])})
    put("tu_kfn", 2022, {**_even(5_600_000, list(range(1, 9))),
                         **_even(4_000_000, [9, 10, 11, 12])})
    put("tu_sn", 2023, _even(4_500_000, [1, 2, 3, 4, 5]))
    put("tu_kfn", 2023, _even(5_000_000, [1, 2, 3, 4, 5]))
    # Lovstöd: 4.5 MSEK in 2020 (all mandate money), 4.2 in 2021 (all grant), 5.7 in 2022.
    put("lov", 2020, _spread(4_500_000, _HOLIDAY_SHARE))
    put("lov", 2021, _spread(4_200_000, _HOLIDAY_SHARE))
    put("lov", 2022, _spread(5_700_000, _HOLIDAY_SHARE))
    put("lov", 2023, _spread(1_000_000, {2: 50, 4: 50}))
    # Trygg och säker skola: one post at KLK from March 2022.
    put("tss", 2022, _even(700_000, list(range(3, 13))))
    put("tss", 2023, _even(360_000, [1, 2, 3, 4, 5]))
    # Trygga unga skolan: wholly the school-health grant, 2.5 MSEK a year.
    for year in (2021, 2022):
        put("tus_gsn", year, _even(1_500_000, list(range(1, 13))))
        put("tus_gyn", year, _even(1_000_000, list(range(1, 13))))
    put("tus_gsn", 2023, _even(625_000, [1, 2, 3, 4, 5]))
    put("tus_gyn", 2023, _even(420_000, [1, 2, 3, 4, 5]))
    # Smaller items on the ordinary frame.
    for year in (2020, 2021, 2022):
        put("ovr", year, _even(4_000_000, list(range(1, 13))))
    put("ovr", 2023, _even(1_700_000, [1, 2, 3, 4, 5]))
    # Jobbcentrum (the other mandate project, 20 MSEK a year).
    for year in (2020, 2021, 2022):
        put("jc", year, _even(19_200_000, list(range(1, 13))))
    put("jc", 2023, _even(8_000_000, [1, 2, 3, 4, 5]))
    return t


def staff_in_month(centre: CostCentre, year: int, month: int) -> int:
    """Programme employees on payroll: Trygga unga builds up from May 2021 to full in 2022."""
    if centre.staff == 0:
        return 0
    if centre.initiative == "trygga_unga":
        if (year, month) < (2021, 5):
            return 0
        if year == 2021:
            return max(2, centre.staff * (month - 2) // 12)
        return centre.staff
    if centre.initiative == "trygg_saker_skola" and (year, month) < (2022, 3):
        return 0
    return centre.staff


# The audit's problems, planted where the manifest says (docs/sample-data.md).
UNKNOWN_CODE_LINES = [  # (year, month, responsibility, activity, object code, öre)
    (2022, 3, "4120", "569", "7110", 23_400_00),
    (2023, 2, "3020", "350", "7190", 12_000_00),
]
PAYROLL_ONLY_ROW = (2022, 11, "tu_sn", 8_500_00)  # retroactive pay never posted to the ledger
COMPENSATION_SHORTFALL = (2022, 10, "tu_kfn", 45_000_00)
