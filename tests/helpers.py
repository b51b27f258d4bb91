"""Test helpers: an independent, deliberately simple reading of the sample's raw files, so
that tests compare the pipeline against the files themselves, not against its own code."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import yaml

TRANS = re.compile(r'^\s*#TRANS (\d+) \{([^}]*)\} (-?\d+\.\d\d)')
VER = re.compile(r'^#VER (\S+) (\d+) (\d{8})')
OBJECT = re.compile(r'(\d+) "([^"]*)"')


def registry(raw: Path) -> dict:
    merged: dict = {}
    for f in sorted((raw / "registry").glob("*.yaml")):
        for key, value in yaml.safe_load(f.read_text(encoding="utf-8")).items():
            # lists of entries add up across files, as the registry reader merges them
            if isinstance(value, list) and isinstance(merged.get(key), list):
                merged[key] = merged[key] + value
            else:
                merged[key] = value
    return merged


def ledger_rows(raw: Path) -> Iterator[tuple[str, str, str, dict[int, str], Decimal]]:
    """(series, date, account, {dimension: code}, amount) for every #TRANS of every file."""
    for path in sorted((raw / "ledger").glob("*.se")):
        series = day = None
        for line in path.read_bytes().decode("cp437").splitlines():
            if m := VER.match(line):
                series, day = m.group(1), m.group(3)
            elif m := TRANS.match(line):
                objects = {int(d): c for d, c in OBJECT.findall(m.group(2))}
                yield series, day, m.group(1), objects, Decimal(m.group(3))


def payroll_people(raw: Path) -> tuple[set[str], set[str]]:
    """Every personnummer and full name in the sample's payroll files."""
    numbers, names = set(), set()
    for path in (raw / "payroll").glob("*.csv"):
        for line in path.read_text(encoding="utf-8-sig").splitlines()[1:]:
            fields = line.split(";")
            numbers.add(fields[2])
            names.add(fields[3])
    return numbers, names
