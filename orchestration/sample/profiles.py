"""The sample municipalities the generator can write: Eskilstuna (the default, the audit's
programme) and Lillåsa (an invented small municipality of another shape)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Profile:
    name: str
    title: str  # for the console, in Swedish
    default_seed: int
    generate: Callable[..., dict[str, Any]]


def _eskilstuna(raw_dir: Path, scale: str, seed: int, **_: Any) -> dict[str, Any]:
    from orchestration.sample.generate import generate

    return generate(raw_dir, scale=scale, seed=seed)


def _lillasa(raw_dir: Path, scale: str, seed: int, ledger_style: str = "period",
             **options: Any) -> dict[str, Any]:
    from orchestration.sample.lillasa.generate import generate

    return generate(raw_dir, scale=scale, seed=seed, ledger_style=ledger_style, **options)


PROFILES = {
    "eskilstuna": Profile("eskilstuna", "Exempelkommunen (Eskilstuna)", 484, _eskilstuna),
    "lillasa": Profile("lillasa", "Lillåsa kommun (påhittad)", 799, _lillasa),
}
DEFAULT_PROFILE = "eskilstuna"


def generate_profile(name: str, raw_dir: Path, scale: str = "S", seed: int | None = None,
                     **options: Any) -> dict[str, Any]:
    """Write the named profile's raw/ into raw_dir; returns its manifest."""
    profile = PROFILES[name]
    return profile.generate(raw_dir, scale, profile.default_seed if seed is None else seed,
                            **options)
