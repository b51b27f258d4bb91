"""Statistics: SCB (JSON-stat 2.0) and Kolada responses in raw/survey/, and the municipality's
own measurements (raw/survey/egna/*.csv). Reading them is part of the nightly run; fetching
them live (fetch.py) is a separate asset, off by default."""


import dagster as dg

from orchestration import landing
from orchestration.defs import keys
from orchestration.defs.ingest import load_source
from orchestration.defs.resources import Warehouse
from orchestration.readers.errors import SourceFileError
from orchestration.readers.jsonstat import OBSERVATION_SCHEMA, jsonstat_observations, load_json
from orchestration.readers.kolada import (
    GROUP_SCHEMA,
    KOLADA_SCHEMA,
    is_group_response,
    read_kolada,
    read_kolada_group,
)
from orchestration.readers.survey_csv import OWN_SCHEMA, read_own_measurements

# Each table exists even before its first file (load_source creates it empty from here), so a
# municipality without SCB, Kolada or own measurements still builds.
SCHEMAS = {"survey_scb": OBSERVATION_SCHEMA, "survey_kolada": KOLADA_SCHEMA,
           "survey_own": OWN_SCHEMA, "survey_kolada_groups": GROUP_SCHEMA}
TABLES = list(SCHEMAS)


def read(item: landing.Delivery) -> landing.Loaded:
    path = item.paths[0]
    folder = item.name.split("/", 1)[0] if "/" in item.name else ""
    if path.suffix.lower() == ".csv":
        table = read_own_measurements(path, source_file=item.name)
        return landing.Loaded(item.name, {"survey_own": table})
    if folder == "scb" or path.name.lower().startswith("scb"):
        table = jsonstat_observations(path, source_file=item.name)
        return landing.Loaded(item.name, {"survey_scb": table})
    if folder == "kolada" or path.name.lower().startswith("kolada"):
        if is_group_response(load_json(path, item.name)):
            table = read_kolada_group(path, source_file=item.name)
            return landing.Loaded(item.name, {"survey_kolada_groups": table})
        table = read_kolada(path, source_files=[item.name])
        return landing.Loaded(item.name, {"survey_kolada": table})
    raise SourceFileError(item.name, "expected a file under survey/scb/ or survey/kolada/, or "
                          "a CSV of the municipality's own measurements")


@dg.asset(
    key=keys.SURVEY,
    deps=[keys.SURVEY_FETCH],
    group_name="survey",
    kinds={"python", "duckdb"},
    description="Statistik från SCB och Kolada och kommunens egna mätningar som ligger i "
    "raw/survey/ (läses offline).",
)
def survey(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    folder = warehouse.settings().source_dir("survey")
    return load_source(context, warehouse, "survey",
                       landing.deliveries(folder, [".json", ".csv"]), read, TABLES, schemas=SCHEMAS)
