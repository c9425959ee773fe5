"""Texts of a chosen size in the shapes a hostile or broken input takes (in our own words), for the
linearity test and the size-curve benchmark."""
from __future__ import annotations

from pathlib import Path

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_acd56b5fc5c58b51.txt"
TOWNS = ("Kharkiv", "Sumy", "Odesa", "Kherson", "Dnipro", "Zaporizhzhia", "Belgorod", "Kursk", "Bryansk",
         "Mykolaiv", "Poltava", "Chernihiv", "Kramatorsk", "Sloviansk", "Pokrovsk", "Izium")


def _repeat(unit: str, size: int) -> str:
    """unit repeated to exactly size characters."""
    return (unit * (size // max(len(unit), 1) + 1))[:size]


def _reports(size: int, joiner: str) -> str:
    """Short casualty reports at changing places, each its own incident."""
    parts, total, n = [], 0, 0
    while total < size:
        part = (f"A drone strike on {TOWNS[n % len(TOWNS)]} killed {n % 7 + 1} people and injured {n % 5 + 2} "
                f"on Monday, the governor said.{joiner}")
        parts.append(part)
        total += len(part)
        n += 1
    return "".join(parts)[:size]


def shapes(size: int) -> dict[str, str]:
    """One text of about `size` characters per shape."""
    seed = SEED.read_text(encoding="utf-8")
    return {
        "casualty reports, one a paragraph": _reports(size, "\n\n"),
        "casualty reports in one paragraph": _reports(size, " "),
        "'said' repeated": _repeat("said ", size),
        "number words repeated": _repeat("twenty two thousand three hundred ", size),
        "one huge paragraph": _repeat(" ".join(seed.split()) + " ", size),
        "no punctuation": _repeat(" ".join(seed.replace(".", " ").replace(",", " ").split()) + " ", size),
        "ordinary article repeated": _repeat(seed + "\n\n", size),
    }
