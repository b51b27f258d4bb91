"""The nightly job: every asset except the live statistics fetch, which is off by default so
the night runs offline on what lies in raw/survey/."""


import dagster as dg

from orchestration.defs import keys

nightly_selection = dg.AssetSelection.all() - dg.AssetSelection.assets(keys.SURVEY_FETCH)

nightly_job = dg.define_asset_job(
    name="nightly",
    selection=nightly_selection,
    description="Allt utom hämtning av statistik: läs raw/, bygg marten, kör kontrollerna "
    "och publicera.",
)


@dg.definitions
def jobs() -> dg.Definitions:
    return dg.Definitions(jobs=[nightly_job])
