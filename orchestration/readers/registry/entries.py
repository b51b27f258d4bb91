"""Field access on one registry entry, with errors that name the file and the key path."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from orchestration.readers.errors import SourceFileError
from orchestration.readers.registry.model import Origin


class Entry:
    """One mapping in the registry, with the place it came from for error messages."""

    def __init__(self, origin: Origin, value: Any, warnings: list[str]):
        if not isinstance(value, dict):
            raise SourceFileError(origin.file, "ska vara en mappning (nyckel: värde)",
                                  key=origin.key)
        self.origin = origin
        self.value = value
        self.warnings = warnings

    def fail(self, name: str | None, reason: str) -> SourceFileError:
        key = self.origin.key if name is None else f"{self.origin.key}.{name}"
        return SourceFileError(self.origin.file, reason, key=key)

    def known(self, *names: str) -> None:
        for extra in sorted(set(self.value) - set(names), key=str):
            self.warnings.append(
                f"{self.origin.file}, {self.origin.key}.{extra}: okänd nyckel, hoppas över"
            )

    def sub(self, name: str, required: bool = True) -> Entry | None:
        value = self.value.get(name)
        if value is None:
            if required:
                raise self.fail(name, "saknas")
            return None
        return Entry(Origin(self.origin.file, f"{self.origin.key}.{name}"), value, self.warnings)

    def text(self, name: str, required: bool = True) -> str | None:
        return _text(self.value.get(name), required, lambda r: self.fail(name, r))

    def integer(self, name: str, required: bool = True) -> int | None:
        value = self.value.get(name)
        if value is None:
            if required:
                raise self.fail(name, "saknas")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(name, f"ska vara ett heltal, inte {value!r}")
        return value

    def year_range(self) -> tuple[int, int]:
        first, last = self.integer("first_year"), self.integer("last_year")
        if first > last:
            raise self.fail("last_year", f"last_year {last} ligger före first_year {first}")
        return first, last

    def money(self, name: str, required: bool = True) -> Decimal | None:
        value = self.value.get(name)
        if value is None:
            if required:
                raise self.fail(name, "saknas")
            return None
        return _money(value, lambda r: self.fail(name, r))

    def number(self, name: str, required: bool = True) -> float | None:
        value = self.value.get(name)
        if value is None:
            if required:
                raise self.fail(name, "saknas")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(name, f"ska vara ett tal, inte {value!r}")
        return float(value)

    def flag(self, name: str, default: bool | None) -> bool | None:
        value = self.value.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.fail(name, f"ska vara true eller false, inte {value!r}")
        return value

    def texts(self, name: str, required: bool = False) -> list[str]:
        value = self.value.get(name)
        if value is None:
            if required:
                raise self.fail(name, "saknas")
            return []
        if not isinstance(value, list):
            value = [value] if isinstance(value, str) else value
        if not isinstance(value, list):
            raise self.fail(name, "ska vara en lista")
        out = []
        for i, item in enumerate(value):
            out.append(_text(item, True, lambda r, i=i: self.fail(f"{name}[{i}]", r)))
        return out


def _text(value: Any, required: bool, fail) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise fail("saknas eller är tomt")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise fail(f"ska vara text, inte {value!r}")
    # Codes written without quotes load as numbers; they are still codes.
    return str(value).strip()


def _money(value: Any, fail) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise fail(f"ska vara ett belopp i kronor, inte {value!r}")
    try:
        amount = Decimal(str(value).replace(" ", "").replace("_", ""))
    except InvalidOperation:
        raise fail(f"ska vara ett belopp i kronor, inte {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise fail(f"ska vara ett belopp som inte är negativt, inte {value!r}")
    if amount != amount.quantize(Decimal("0.01")):
        raise fail("har fler än två decimaler (öre)")
    return amount.quantize(Decimal("0.01"))
