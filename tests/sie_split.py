"""A small SIE 4 splitter for tests, independent of the sample generator and the reader: it
cuts a yearly file into year-to-date files or period files (a month each), as accounting
programs export them, with the head's #UB and #RES restated for the months each file holds
(#IB and #PBUDGET stay, as every export repeats them)."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

_VER = re.compile(r'^#VER\s+\S+\s+\S+\s+(\d{8})')
_TRANS = re.compile(r'^\s*#TRANS\s+(\d+)\s+\{[^}]*\}\s+(-?\d+(?:\.\d+)?)')
_BALANCE = re.compile(r'^#(IB|UB|RES)\s+0\s+(\d+)\s+(-?\d+(?:\.\d+)?)')


class SieYear:
    def __init__(self, path: Path) -> None:
        lines = path.read_bytes().decode("cp437").split("\r\n")
        first = next(i for i, line in enumerate(lines) if line.startswith("#VER"))
        self.head = [line for line in lines[:first] if line]
        self.opening = {m.group(2): Decimal(m.group(3)) for line in self.head
                        if (m := _BALANCE.match(line)) and m.group(1) == "IB"}
        # voucher blocks (their lines) by month, in file order
        self.months: dict[str, list[list[str]]] = defaultdict(list)
        block: list[str] = []
        for line in lines[first:]:
            if not line:
                continue
            block.append(line)
            if line == "}":
                day = _VER.match(block[0]).group(1)
                self.months[f"{day[:4]}-{day[4:6]}"].append(block)
                block = []

    def write(self, path: Path, months: list[str], booked_to: list[str], drop: int = 0,
              restate: bool = True) -> Path:
        """A file of the vouchers of `months`, whose #UB and #RES hold for the vouchers of
        `booked_to` (for a period file: every month up to its own). `drop` leaves out the
        last vouchers (a file cut short), also from the restated balances unless `restate`
        is off (then the head stays as it was: the cut shows only against the balances)."""
        blocks = {m: list(self.months.get(m, [])) for m in sorted(set(months) | set(booked_to))}
        for _ in range(drop):
            last = max(m for m in months if blocks[m])
            blocks[last].pop()
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for month in booked_to:
            for block in blocks.get(month, []):
                for line in block:
                    if m := _TRANS.match(line):
                        sums[m.group(1)] += Decimal(m.group(2))
        if not restate:
            body = [line for month in months for block in blocks[month] for line in block]
            path.write_bytes(("\r\n".join(self.head + body) + "\r\n").encode("cp437"))
            return path
        head = [line for line in self.head if not line.startswith(("#UB", "#RES"))]
        for account in sorted(set(self.opening) | {a for a in sums if a[0] in "12"}):
            head.append(f"#UB 0 {account} {self.opening.get(account, 0) + sums[account]:.2f}")
        for account in sorted(a for a in sums if a[0] not in "12"):
            head.append(f"#RES 0 {account} {sums[account]:.2f}")
        body = [line for month in months for block in blocks[month] for line in block]
        path.write_bytes(("\r\n".join(head + body) + "\r\n").encode("cp437"))
        return path

    def year_to_date(self, folder: Path, stem: str, through: list[str]) -> list[Path]:
        months = sorted(self.months)
        return [self.write(folder / f"{stem}_{end}.se", [m for m in months if m <= end],
                           [m for m in months if m <= end]) for end in through]

    def periods(self, folder: Path, stem: str) -> list[Path]:
        months = sorted(self.months)
        return [self.write(folder / f"{stem}_{month}.se", [month],
                           [m for m in months if m <= month]) for month in months]


def with_vouchers(data: bytes, vouchers: bytes, booked: dict[str, str]) -> bytes:
    """A file with vouchers appended and its #UB/#RES restated for what they book
    ({account: amount}), as the accounting program would export it again."""
    text = data.decode("cp437")
    first_voucher = text.index("#VER")
    head, body = text[:first_voucher], text[first_voucher:]
    for account, amount in booked.items():
        tag = "UB" if account[0] in "12" else "RES"
        line = re.search(rf"^#{tag} 0 {account} (-?\d+\.\d\d)\r$", head, re.M)
        if line:
            new = Decimal(line.group(1)) + Decimal(amount)
            head = head.replace(line.group(0), f"#{tag} 0 {account} {new:.2f}\r")
        else:
            head += f"#{tag} 0 {account} {Decimal(amount):.2f}\r\n"
    return (head + body).encode("cp437") + vouchers
