"""The governance registry: files in raw/registry/ merged, validated and cross-checked.

The registry is small (tens of entries), so plain Python walks it; every error names the file and
the key path inside that file (e.g. `initiatives[2].object_codes[0]`), with list indexes counted
within the file that holds the entry.

- `model`: what the registry holds;
- `yaml_files`: reading and merging the YAML files into one delivery;
- `entries`: field access with errors that name file and key path;
- `load`: `load_registry`, from the files in raw/registry/;
- `sections`: each section built from its entries (`ledger_settings` and `indicators` apart);
- `cross_checks`: references between sections;
- `periods`: the reporting calendar's periods;
- `tables`: the landing tables.
"""

from orchestration.readers.registry.load import load_registry
from orchestration.readers.registry.model import (
    FREQUENCIES,
    PROGRAMME,
    Allocation,
    Body,
    Committee,
    FundingSource,
    Indicator,
    Initiative,
    MandateProject,
    Origin,
    Registry,
    RequiredReport,
)
from orchestration.readers.registry.periods import period_bounds, report_calendar
from orchestration.readers.registry.tables import SCHEMAS, registry_tables

__all__ = [
    "FREQUENCIES",
    "PROGRAMME",
    "SCHEMAS",
    "Allocation",
    "Body",
    "Committee",
    "FundingSource",
    "Indicator",
    "Initiative",
    "MandateProject",
    "Origin",
    "Registry",
    "RequiredReport",
    "load_registry",
    "period_bounds",
    "registry_tables",
    "report_calendar",
]
