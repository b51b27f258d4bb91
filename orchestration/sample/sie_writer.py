"""Writes one fiscal year of the sample ledger as an SIE 4E file (CP437, CRLF), streaming the
vouchers to disk and adding the declarations and balances once the year is complete; or, for a
municipality that delivers period files, one file per month of the year (SiePeriodWriter)."""

from __future__ import annotations

import shutil
from collections import defaultdict
from pathlib import Path

from orchestration.sample.formats import sie_amount, sie_objects, sie_quote

# account -> (name, SIE account type: T asset, S liability/equity, K cost, I revenue)
ACCOUNTS: dict[str, tuple[str, str]] = {
    "1930": ("Bank", "T"),
    "2010": ("Eget kapital", "S"),
    "2440": ("Leverantörsskulder", "S"),
    "2820": ("Upplupna löner och avgifter", "S"),
    "3110": ("Taxor och avgifter", "I"),
    "3510": ("Riktade statsbidrag", "I"),
    "3690": ("Interna intäkter, ersättning från KLK", "I"),
    "4010": ("Förbrukningsmaterial", "K"),
    "4020": ("Livsmedel", "K"),
    "4610": ("Lämnade bidrag till föreningar", "K"),
    "4680": ("Intern ersättning till nämnder", "K"),
    "4690": ("Interna köp av verksamhet", "K"),
    "5020": ("Månadslön tillsvidareanställda", "K"),
    "5021": ("Månadslön visstidsanställda", "K"),
    "5022": ("Timlön", "K"),
    "5610": ("Arbetsgivaravgifter", "K"),
    "6110": ("Lokalhyror", "K"),
    "6420": ("Konsulttjänster", "K"),
    "7010": ("Köp av övriga tjänster", "K"),
    "8010": ("Kommunalskatt", "I"),
}
DIMENSION_NAMES = {1: "Ansvar", 6: "Projekt", 21: "Verksamhet", 22: "Objekt"}
OPENING_BALANCES = {  # 2020-01-01, öre; sums to zero
    "1930": 300_000_000_00,
    "2010": -240_000_000_00,
    "2440": -45_000_000_00,
    "2820": -15_000_000_00,
}


class SieYearWriter:
    def __init__(self, path: Path, year: int, organisation: tuple[str, str], generated_on: str,
                 dimension_names: dict[int, str] | None = None,
                 accounts: dict[str, tuple[str, str]] | None = None):
        self.path = path
        self.year = year
        self.org_name, self.org_no = organisation
        self.generated_on = generated_on
        self.dimension_names = dimension_names or DIMENSION_NAMES
        self.accounts = accounts or ACCOUNTS
        self._body_path = path.with_suffix(".body.tmp")
        self._body = self._body_path.open("w", encoding="cp437", newline="\r\n")
        self._numbers: dict[str, int] = defaultdict(int)
        self.account_sums: dict[str, int] = defaultdict(int)
        self.budgets: list[tuple[int, str, dict[int, str], int]] = []
        self.transactions = 0

    def voucher(self, series: str, day: str, text: str,
                lines: list[tuple[str, dict[int, str], int, str | None]]) -> None:
        """lines: (account, object codes by dimension, amount in öre, transaction text)."""
        self._numbers[series] += 1
        out = [f"#VER {series} {self._numbers[series]} {day} {sie_quote(text)} {day}", "{"]
        for account, objects, ore, row_text in lines:
            rec = f"   #TRANS {account} {sie_objects(objects)} {sie_amount(ore)}"
            if row_text:
                rec += f' "" {sie_quote(row_text)}'
            out.append(rec)
            self.account_sums[account] += ore
        out.append("}")
        self._body.write("\n".join(out) + "\n")
        self.transactions += len(lines)

    def budget(self, period: int, account: str, objects: dict[int, str], ore: int) -> None:
        self.budgets.append((period, account, objects, ore))

    def close(self, opening: dict[str, int], objects: dict[int, dict[str, str]]) -> dict[str, int]:
        """Write the final file; return the closing balances (the next year's opening)."""
        self._body.close()
        head, closing = self._head(opening, objects)
        self._write(self.path, head)
        return self._year_end(closing)

    def _head(self, opening: dict[str, int], objects: dict[int, dict[str, str]]
              ) -> tuple[list[str], dict[str, int]]:
        """The declarations and balances (#UB and #RES as of the vouchers written so far)."""
        y = self.year
        head = [
            "#FLAGGA 0",
            "#FORMAT PC8",
            "#SIETYP 4",
            '#PROGRAM "Uppfoljning exempelkommun" 1.0',
            f"#GEN {self.generated_on.replace('-', '')}",
            f"#FNAMN {sie_quote(self.org_name)}",
            f"#ORGNR {self.org_no}",
            f"#RAR 0 {y}0101 {y}1231",
            f"#RAR -1 {y - 1}0101 {y - 1}1231",
            "#VALUTA SEK",
        ]
        for account, (name, kind) in self.accounts.items():
            head += [f"#KONTO {account} {sie_quote(name)}", f"#KTYP {account} {kind}"]
        for dim, name in self.dimension_names.items():
            head.append(f"#DIM {dim} {sie_quote(name)}")
        for dim, codes in objects.items():
            for code, name in sorted(codes.items()):
                head.append(f"#OBJEKT {dim} {sie_quote(code)} {sie_quote(name)}")
        closing: dict[str, int] = {}
        for account in self.accounts:
            if account[0] in "12":
                ib = opening.get(account, 0)
                ub = ib + self.account_sums.get(account, 0)
                closing[account] = ub
                head += [f"#IB 0 {account} {sie_amount(ib)}", f"#UB 0 {account} {sie_amount(ub)}"]
            elif account in self.account_sums:
                head.append(f"#RES 0 {account} {sie_amount(self.account_sums[account])}")
        for period, account, objs, ore in self.budgets:
            head.append(f"#PBUDGET 0 {period} {account} {sie_objects(objs)} {sie_amount(ore)}")
        return head, closing

    def _write(self, path: Path, head: list[str]) -> None:
        with path.open("wb") as out:
            out.write(("\r\n".join(head) + "\r\n").encode("cp437"))
            with self._body_path.open("rb") as body:
                shutil.copyfileobj(body, out, 16 * 1024 * 1024)
        self._body_path.unlink()

    def _year_end(self, closing: dict[str, int]) -> dict[str, int]:
        # The year's result moves to equity before the next year opens.
        result = sum(v for a, v in self.account_sums.items() if a[0] not in "12")
        closing["2010"] = closing.get("2010", 0) + result
        return closing


class SiePeriodWriter(SieYearWriter):
    """One fiscal year as one SIE file per month (`<stem>_YYYY-MM.se`), as a program exports
    the month just closed: each file holds that month's vouchers only, the year's #IB, and
    #UB/#RES as they stand at the end of its month (so the last file's balances close the
    year). Voucher numbers run on through the year; #PBUDGET is repeated in every file."""

    def __init__(self, folder: Path, stem: str, year: int, organisation: tuple[str, str],
                 dimension_names: dict[int, str] | None = None,
                 accounts: dict[str, tuple[str, str]] | None = None):
        self.folder = folder
        self.stem = stem
        self.month: int | None = None
        super().__init__(folder / f"{stem}_{year}.se", year, organisation, f"{year}-01-05",
                         dimension_names, accounts)

    def start_month(self, month: int, opening: dict[str, int],
                    objects: dict[int, dict[str, str]]) -> None:
        """Close the previous month's file (if any) and begin the next one."""
        if self.month is not None:
            self._finish_month(opening, objects)
            self._body = self._body_path.open("w", encoding="cp437", newline="\r\n")
        self.month = month

    def _finish_month(self, opening: dict[str, int], objects: dict[int, dict[str, str]]) -> None:
        assert self.month is not None
        self._body.close()
        y, m = (self.year, self.month + 1) if self.month < 12 else (self.year + 1, 1)
        self.generated_on = f"{y}-{m:02d}-05"  # exported a few days after the month closed
        head, _ = self._head(opening, objects)
        self._write(self.folder / f"{self.stem}_{self.year}-{self.month:02d}.se", head)

    def close(self, opening: dict[str, int], objects: dict[int, dict[str, str]]) -> dict[str, int]:
        self._finish_month(opening, objects)
        closing = {a: opening.get(a, 0) + self.account_sums.get(a, 0)
                   for a in self.accounts if a[0] in "12"}
        return self._year_end(closing)
