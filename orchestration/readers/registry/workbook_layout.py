"""The registry workbook's layout: which sheet holds which part, and each column's Swedish
header, the registry field it fills and the kind of value it holds.

One description serves the writer (orchestration/onboarding/workbook_writer.py) and the reader
(workbook.py), so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.readers.registry.model import PROGRAMME

WORKBOOK_NAME = "styrmodell.xlsx"
INSTRUCTIONS = "Instruktioner"
SETTINGS = "Kommun"
TODO_SHEET = "Att göra"
IGNORED_SHEETS = (TODO_SHEET,)  # written for people (by init), never read

# Kinds of cell value: text, code (text even when typed as a number), integer, year, money,
# number, flag (ja/nej), codes (comma-separated list), frequency (Swedish word).
# level (a goal's level) and area kind are Swedish words too.
TEXT, CODE, INTEGER, YEAR, MONEY, NUMBER, FLAG, CODES, FREQUENCY, LEVEL, AREA_KIND = (
    "text", "code", "integer", "year", "money", "number", "flag", "codes", "frequency",
    "level", "area_kind")

# Drop-down lists: which column of which sheet the allowed values come from.
COMMITTEE_IDS = "committees"
RECEIVER_IDS = "receivers"  # committees and bodies
FUNDING_IDS = "funding_sources"
PROJECT_CODES = "mandate_projects"
INITIATIVE_IDS = "initiatives"
INDICATOR_IDS = "indicators"
FREQUENCY_WORDS = "frequencies"
YES_NO = "yes_no"
SOURCE_KINDS = "source_kinds"
AREA_IDS = "areas"  # the districts, and the whole municipality (its code)
GOAL_IDS = "goals"
PEER_SET_IDS = "peer_sets"
GOAL_LEVEL_WORDS = "goal_levels"
AREA_KIND_WORDS = "area_kinds"


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # the registry field; dotted for nested (source.kind)
    kind: str = TEXT
    required: bool = False
    width: int = 14
    choices: str | None = None  # the allowed values (one of the list names above)
    note: str = ""
    allow: tuple[str, ...] = ()  # values allowed besides the list's (e.g. programme)


@dataclass(frozen=True)
class Sheet:
    name: str
    section: str  # the registry's top-level key
    columns: tuple[Column, ...]
    purpose: str


FREQUENCY_SV = {
    "yearly": "årlig",
    "half_yearly": "halvår",
    "tertial": "tertial",
    "quarterly": "kvartal",
    "monthly": "månad",
}
FREQUENCY_EN = {sv: en for en, sv in FREQUENCY_SV.items()}
DIMENSION_SV = {
    "responsibility": "ansvar",
    "project": "projekt",
    "activity": "verksamhet",
    "object": "objekt",
}
DIMENSION_EN = {sv: en for en, sv in DIMENSION_SV.items()}
LEVEL_SV = {"vision": "vision", "strategic": "strategiskt mål", "process": "processmål"}
LEVEL_EN = {sv: en for en, sv in LEVEL_SV.items()}
AREA_KIND_SV = {"kommun": "kommun", "stadsdel": "stadsdel", "regso": "regso", "deso": "deso",
                "other": "annat"}
AREA_KIND_EN = {sv: en for en, sv in AREA_KIND_SV.items()}
# Områden's first row may stand for the whole municipality (kind kommun, id = its code): it
# is written so the area drop-downs offer the code, and is not an area of its own.
WHOLE_MUNICIPALITY = "kommun"
YES, NO = "ja", "nej"

# The Kommun sheet: one setting a row (Inställning | Värde), keyed by the Swedish label.
SETTING_ROWS: tuple[tuple[str, str, str], ...] = (
    ("Kommunkod", "municipality.code", CODE),
    ("Kommunnamn", "municipality.name", TEXT),
    ("Löneserie", "ledger.payroll_series", CODE),
    ("Konto för intern kompensation", "ledger.internal_compensation_account", CODE),
    ("Kontoprefix för statsbidragsintäkter", "ledger.grant_income_account_prefix", CODE),
    ("Kostnadskontoklasser", "ledger.cost_account_classes", CODES),
)
SETTING_HEADERS = ("Inställning", "Värde", "Förklaring")

SHEETS: tuple[Sheet, ...] = (
    Sheet("Dimensioner", "ledger.dimensions", (
        Column("Dimension", "name", TEXT, True, 16,
               note="ansvar, projekt, verksamhet, objekt eller eget namn"),
        Column("SIE-nummer", "number", INTEGER, True, 12),
        Column("Namn i SIE-filen", "sie_name", TEXT, False, 30, note="bara upplysning"),
    ), "Vilket SIE-dimensionsnummer (#DIM) som är ansvar, projekt, objekt osv."),
    Sheet("Nämnder", "committees", (
        Column("Id", "id", CODE, True, 10),
        Column("Namn", "name", TEXT, True, 40),
        Column("Ansvarskoder", "responsibility_codes", CODES, False, 24,
               note="mönster åtskilda med komma, t.ex. 41*, 42*"),
    ), "Nämnder som äger ansvarskoder i redovisningen."),
    Sheet("Mottagare", "bodies", (
        Column("Id", "id", CODE, True, 10),
        Column("Namn", "name", TEXT, True, 40),
        Column("Slag", "kind", TEXT, False, 14),
    ), "Organ som tar emot rapporter men inte äger koder (beredningar, myndigheter)."),
    Sheet("Finansiering", "funding_sources", (
        Column("Id", "id", CODE, True, 14),
        Column("Namn", "name", TEXT, True, 30),
    ), "Finansieringskällor: statsbidrag, mandatperiodsmedel, ram ..."),
    Sheet("Mandatprojekt", "mandate_projects", (
        Column("Projektkod", "code", CODE, True, 12),
        Column("Namn", "name", TEXT, True, 44),
        Column("Ansvarig nämnd", "holder", CODE, False, 16, COMMITTEE_IDS),
        Column("Första år", "first_year", YEAR, True, 11),
        Column("Sista år", "last_year", YEAR, True, 11),
        Column("Anslag per år (kr)", "allocation_per_year", MONEY, False, 18),
        Column("Överförs mellan år", "carry_over", FLAG, False, 18, YES_NO),
    ), "Mandatperiodens projekt (projektdimensionen)."),
    Sheet("Satsningar", "initiatives", (
        Column("Id", "id", CODE, True, 24),
        Column("Namn", "name", TEXT, True, 36),
        Column("Ägare", "owner", CODE, True, 10, COMMITTEE_IDS),
        Column("Utförs av", "run_by", CODES, False, 16, COMMITTEE_IDS,
               note="nämnder åtskilda med komma"),
        Column("Mandatprojekt", "mandate_project", CODE, False, 14, PROJECT_CODES),
        Column("Första år", "first_year", YEAR, True, 11),
        Column("Sista år", "last_year", YEAR, True, 11),
        Column("Mål", "goal", CODE, False, 20, GOAL_IDS),
        # "Finansiering 1", "Finansiering 2", ... follow: the funding order, one source a cell.
    ), "Satsningarna i programmet; objektkoderna står i bladet Objektkoder."),
    Sheet("Objektkoder", "initiatives.object_codes", (
        Column("Objektkod", "code", CODE, True, 12),
        Column("Satsning", "initiative", CODE, False, 24, INITIATIVE_IDS,
               note="tom: koden hör inte till programmet"),
        Column("Namn i SIE-filen", "sie_name", TEXT, False, 36, note="bara upplysning"),
    ), "Vilka objektkoder som hör till vilken satsning (en kod hör till en satsning). "
       "En rad utan satsning är bara ett förslag och läses inte."),
    Sheet("Anslag", "allocations", (
        Column("Satsning", "initiative", CODE, True, 24, INITIATIVE_IDS),
        Column("År", "year", YEAR, True, 8),
        Column("Källa", "source", CODE, True, 14, FUNDING_IDS),
        Column("Belopp (kr)", "amount", MONEY, True, 16),
    ), "Beslutade medel per satsning, år och finansieringskälla."),
    Sheet("Områden", "areas", (
        Column("Id", "id", CODE, True, 14),
        Column("Namn", "name", TEXT, True, 30),
        Column("Slag", "kind", AREA_KIND, False, 12, AREA_KIND_WORDS,
               note="stadsdel, regso, deso eller annat (tomt: stadsdel); raden kommun med "
                    "kommunkoden står för hela kommunen"),
        Column("Kod", "code", CODE, False, 14, note="SCB:s RegSO- eller DeSO-kod, eller egen"),
    ), "Områden (stadsdelar, RegSO, DeSO) som indikatorer följs upp för."),
    Sheet("Mål", "goals", (
        Column("Id", "id", CODE, True, 20),
        Column("Namn", "name", TEXT, True, 40),
        Column("Nivå", "level", LEVEL, True, 16, GOAL_LEVEL_WORDS),
        Column("Överordnat mål", "parent", CODE, False, 20, GOAL_IDS,
               note="tomt bara för visionen"),
        Column("Indikatorer", "indicators", CODES, False, 30, INDICATOR_IDS,
               note="åtskilda med komma"),
        Column("Satsningar", "initiatives", CODES, False, 30, INITIATIVE_IDS,
               note="åtskilda med komma"),
    ), "Målträdet: vision, strategiska mål och processmål."),
    Sheet("Jämförelsegrupper", "peer_sets", (
        Column("Id", "id", CODE, True, 20),
        Column("Namn", "name", TEXT, False, 36),
        Column("Kolada-grupp", "kolada_group", CODE, False, 14, note="t.ex. G12345"),
        Column("Kommuner", "municipalities", CODES, False, 30,
               note="fyrsiffriga kommunkoder åtskilda med komma"),
        Column("Standard", "default", FLAG, False, 10, YES_NO,
               note="ja: gruppen för Kolada-indikatorer som inte anger någon"),
    ), "Jämförbara kommuner: en Kolada-kommungrupp eller en lista kommunkoder."),
    Sheet("Indikatorer", "indicators", (
        Column("Id", "id", CODE, True, 20),
        Column("Namn", "name", TEXT, True, 44),
        Column("Källa", "source.kind", CODE, True, 9, SOURCE_KINDS),
        Column("SCB-tabell", "source.table", CODE, False, 13),
        Column("SCB-innehållskod", "source.contents_code", CODE, False, 17),
        Column("SCB-region", "source.region", CODE, False, 11),
        Column("Kolada-KPI", "source.kpi", CODE, False, 11),
        Column("Kolada-kommun", "source.municipality", CODE, False, 14),
        Column("Enhet", "unit", TEXT, False, 9),
        Column("Högre är bättre", "higher_is_better", FLAG, False, 15, YES_NO),
        Column("Basår", "baseline.year", YEAR, False, 8),
        Column("Basvärde", "baseline.value", NUMBER, False, 10),
        Column("Satsningar", "initiatives", CODES, False, 30, INITIATIVE_IDS,
               note="åtskilda med komma"),
        Column("Tolerans", "tolerance", NUMBER, False, 10,
               note="en förändring på högst så mycket räknas som oförändrad (tomt: 0)"),
        Column("Andel för delvis uppfyllt", "partial_share", NUMBER, False, 12,
               note="andel av vägen från basvärde till mål, t.ex. 0,5 (tomt: 0,5)"),
        Column("Mål", "goal", CODE, False, 20, GOAL_IDS),
        Column("Jämförelsegrupp", "peer_set", CODE, False, 20, PEER_SET_IDS),
    ), "Indikatorer med källa (SCB, Kolada eller egen mätning: survey), basår och basvärde."),
    Sheet("Indikatorområden", "indicators.areas", (
        Column("Indikator", "indicator", CODE, True, 20, INDICATOR_IDS),
        Column("Område", "area", CODE, True, 14, AREA_IDS),
        Column("Basvärde", "baseline", NUMBER, False, 10,
               note="tomt: indikatorns basvärde, eller områdets utfall basåret"),
    ), "Vilka områden en indikator följs upp för (inga rader: bara hela kommunen), med "
       "områdets eget basvärde."),
    Sheet("Målvärden", "indicators.targets", (
        Column("Indikator", "indicator", CODE, True, 20, INDICATOR_IDS),
        Column("År", "year", YEAR, True, 8),
        Column("Målvärde", "target", NUMBER, True, 10),
        Column("Område", "area", CODE, False, 14, AREA_IDS,
               note="tomt: hela kommunen; ett område ger områdets eget målvärde"),
    ), "Målvärde per indikator och år, och per område där området har ett eget."),
    Sheet("Rapporter", "required_reports", (
        Column("Mottagare", "body", CODE, True, 12, RECEIVER_IDS),
        Column("Satsning", "initiative", CODE, True, 24, INITIATIVE_IDS,
               note="eller programme för hela programmet", allow=(PROGRAMME,)),
        Column("Slag", "kind", CODE, True, 24),
        Column("Frekvens", "frequency", FREQUENCY, True, 10, FREQUENCY_WORDS),
        Column("Dagar efter perioden", "due_days_after_period", INTEGER, True, 20),
        Column("Första år", "first_year", YEAR, True, 11),
        Column("Sista år", "last_year", YEAR, True, 11),
    ), "Rapporteringskalendern (årshjulet): vem ska ha vilken rapport, hur ofta."),
)
SHEET_BY_NAME = {s.name: s for s in SHEETS}
FUNDING_HEADER = "Finansiering"  # Satsningar's "Finansiering 1", "Finansiering 2", ...
MIN_FUNDING_COLUMNS = 3
HEADER_ROW = 1

# What a drop-down list is called in a message ("nämnden X finns inte i bladet Nämnder").
CHOICE_WORDS = {
    COMMITTEE_IDS: ("nämnden", "Nämnder"),
    RECEIVER_IDS: ("mottagaren", "Nämnder eller Mottagare"),
    FUNDING_IDS: ("finansieringskällan", "Finansiering"),
    PROJECT_CODES: ("mandatprojektet", "Mandatprojekt"),
    INITIATIVE_IDS: ("satsningen", "Satsningar"),
    INDICATOR_IDS: ("indikatorn", "Indikatorer"),
    AREA_IDS: ("området", "Områden"),
    GOAL_IDS: ("målet", "Mål"),
    PEER_SET_IDS: ("jämförelsegruppen", "Jämförelsegrupper"),
}
