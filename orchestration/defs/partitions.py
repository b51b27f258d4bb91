"""Months: the partitions that payroll and the ledger share.

Both sources arrive monthly, and Dagster runs one partitions definition per job, so the
ledger is partitioned by month like payroll rather than by fiscal year. A payroll month is
its file; a ledger month is loaded from the SIE file(s) of the fiscal year that holds it,
since SIE exports are per fiscal year (materialising 2023-05 of the ledger loads the 2023
file; loading is idempotent, so several months of one year read it once). A run without a
partition key (the nightly job) loads every new or changed file of both sources.

The partitions are dynamic: a month becomes a partition when its data first loads, or when
the raw/ sensor sees its file arrive."""

from collections.abc import Iterable

import dagster as dg

MONTHS = dg.DynamicPartitionsDefinition(name="months")
# a backfill of many months is one run: each source reads the files of those months once
SINGLE_RUN = dg.BackfillPolicy.single_run()


def requested_months(context: dg.AssetExecutionContext) -> list[str] | None:
    """The months a run was started for (one, or a backfill's range); None without a key."""
    if context.has_partition_key or context.has_partition_key_range:
        return list(context.partition_keys)
    return None


def register_months(context: dg.AssetExecutionContext, months: Iterable[str]) -> None:
    known = set(context.instance.get_dynamic_partitions(MONTHS.name))
    if new := sorted(set(months) - known):
        context.instance.add_dynamic_partitions(MONTHS.name, new)


def mark_months_loaded(context: dg.AssetExecutionContext, months: Iterable[str]) -> None:
    """Dagster's partition view learns of a month only from a materialisation with its key.
    A run's own materialisation covers the months it was started for (none for the nightly
    job); the other months its files brought in (the rest of a ledger year) get one event
    each."""
    covered = set(requested_months(context) or [])
    for month in sorted(set(months) - covered):
        context.log_event(dg.AssetMaterialization(
            asset_key=context.asset_key, partition=month,
            description="Inläst tillsammans med andra månader: i nattjobbet, eller med "
            "räkenskapsårets SIE-fil när en annan månad kördes."))
