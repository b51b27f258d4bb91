"""One contract problem: what a controller reads when a delivery does not follow the contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["blocker", "warning"]


@dataclass(frozen=True)
class Problem:
    """`blocker`: the mart would be meaningless, so the night stops before dbt and the last
    published version stays. `warning`: the night goes on, and the problem becomes a finding.
    `message` is a whole Swedish sentence naming the file and place, what was found and what
    was expected; `place` is the key path (`initiatives[2].owner`) or line, when there is one."""

    severity: Severity
    file: str
    place: str | None
    message: str


def where(file: str, place: str | None) -> str:
    return f"{file}, {place}" if place else file
