"""Examples beside the rules: each named rule carries sentences written for it and the rows they
must give, as Duckling keeps a corpus beside each dimension's rules. `tests/test_rule_examples.py`
runs every example; `examples_of(rule)` lists one rule's.

    @example("Russian shelling killed two people, one in Kupiansk and another in Izium.",
             "casualties", {"place": "Kupiansk", "killed": 1}, {"place": "Izium", "killed": 1})
    def _shares(...): ...

An example's rows are the whole table for its text: the table must have exactly that many rows,
and each expected row must match one of them on the keys it gives.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

F = TypeVar("F", bound=Callable)
PUBLISHED = "2025-03-06"  # the publication date examples resolve their dates against


@dataclass(frozen=True)
class Example:
    """A text written for a rule and the rows one table must hold for it."""

    rule: str
    text: str
    table: str
    rows: tuple[dict, ...]
    published: str = PUBLISHED


EXAMPLES: list[Example] = []


def example(text: str, table: str, *rows: dict, published: str = PUBLISHED) -> Callable[[F], F]:
    """Attach an example to the rule it decorates."""
    def mark(rule: F) -> F:
        EXAMPLES.append(Example(rule.__name__.lstrip("_"), text, table, tuple(rows), published))
        return rule
    return mark


def examples_of(rule: str) -> list[Example]:
    """The examples of one rule, by its name without a leading underscore."""
    return [e for e in EXAMPLES if e.rule == rule]


def mismatches(expected: tuple[dict, ...], rows: list[dict]) -> list[str]:
    """What keeps a table's rows from being the expected ones (empty where they are)."""
    problems = [] if len(rows) == len(expected) else [f"{len(rows)} rows, expected {len(expected)}"]
    free = list(rows)
    for want in expected:
        hit = next((r for r in free if all(r.get(k) == v for k, v in want.items())), None)
        if hit is None:
            problems.append(f"no row with {want}")
        else:
            free.remove(hit)
    return problems
