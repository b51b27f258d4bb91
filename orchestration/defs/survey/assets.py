"""Statistics: SCB (JSON-stat 2.0) and Kolada responses in raw/survey/. Reading them is part of
the nightly run; fetching them live (fetch.py) is a separate asset, off by default."""


import dagster as dg

from orchestration import landing
from orchestration.defs import keys
from orchestration.defs.ingest import load_source
from orchestration.defs.resources import Warehouse
from orchestration.readers.errors import SourceFileError
from orchestration.readers.jsonstat import jsonstat_observations
from orchestration.readers.kolada import read_kolada

TABLES = ["survey_scb", "survey_kolada"]


def read(item: landing.Delivery) -> landing.Loaded:
    path = item.paths[0]
    folder = item.name.split("/", 1)[0] if "/" in item.name else ""
    if folder == "scb" or path.name.lower().startswith("scb"):
        table = jsonstat_observations(path, source_file=item.name)
        return landing.Loaded(item.name, {"survey_scb": table})
    if folder == "kolada" or path.name.lower().startswith("kolada"):
        return landing.Loaded(item.name, {"survey_kolada": read_kolada(path,
                                                                       source_files=[item.name])})
    raise SourceFileError(item.name, "expected a file under survey/scb/ or survey/kolada/")


@dg.asset(
    key=keys.SURVEY,
    deps=[keys.SURVEY_FETCH],
    group_name="survey",
    kinds={"python", "duckdb"},
    description="Statistik från SCB och Kolada som ligger i raw/survey/ (läses offline).",
)
def survey(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    folder = warehouse.settings().source_dir("survey")
    return load_source(context, warehouse, "survey", landing.deliveries(folder, [".json"]),
                       read, TABLES)
