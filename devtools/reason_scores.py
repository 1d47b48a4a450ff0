"""Precision and recall of the stated-reason classifier (search/reasons.py) against the labels the
team made by reading real rationales (tests/labels/reasons.json, rules in REASONS_RULES.md).

The labelled items are split by file, alternately in name order, into the half the rules were
first written against ("dev") and the other half ("held-out"). The first rules measured on the
held-out half, unread, at 0.58-0.77 precision on the three hardest labels (not_recommended,
exceeds_limits, no_functional_improvement; the issue-14 note): that is what rules written from
half of these documents did on documents nobody had read. The held-out half has since been read
to find the kinds of sentence the rules misread, and each fix was written as a rule about a kind
of sentence and kept only if the dev half did not lose by it; the two halves are still printed
apart, but neither is unseen any more. ``manage.py reason_scores`` prints them;
tests/test_reasons.py holds the floors.
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from search.reasons import LABELS

LABEL_FILE = Path(__file__).resolve().parent.parent / "tests" / "labels" / "reasons.json"


@dataclass(frozen=True)
class Score:
    examples: int  # items the labels give this reason
    found: int  # items the classifier gives it
    right: int  # items both give it

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.examples if self.examples else 1.0


def hand_labels() -> list[dict]:
    return json.loads(LABEL_FILE.read_text())["items"]


def halves(entries: list[dict]) -> dict[str, Callable[[str], bool]]:
    files = sorted({entry["file"] for entry in entries})
    dev = {name for number, name in enumerate(files) if number % 2 == 0}
    return {"all": lambda name: True, "dev": lambda name: name in dev, "held-out": lambda name: name not in dev}


def scores(entries: list[dict], found: Mapping[tuple[str, int], list[str]],
           keep: Callable[[str], bool] = lambda name: True) -> dict[str, Score]:
    """Per label, over the labelled items whose file ``keep`` keeps: ``found`` maps (file, position)
    to the labels the classifier gave the item."""
    examples, given, right = Counter(), Counter(), Counter()
    for entry in entries:
        if not keep(entry["file"]):
            continue
        want, got = set(entry["reasons"]), set(found[(entry["file"], entry["pos"])])
        examples.update(want)
        given.update(got)
        right.update(want & got)
    return {label: Score(examples[label], given[label], right[label]) for label in LABELS}


def table(entries: list[dict], found: Mapping[tuple[str, int], list[str]]) -> str:
    lines = []
    for name, keep in halves(entries).items():
        count = sum(1 for entry in entries if keep(entry["file"]))
        lines.append(f"{name} ({count} items)")
        lines.append(f"  {'label':<28} {'examples':>8} {'found':>6} {'precision':>9} {'recall':>7}")
        for label, score in scores(entries, found, keep).items():
            lines.append(f"  {label:<28} {score.examples:>8} {score.found:>6} {score.precision:>9.2f} {score.recall:>7.2f}")
    return "\n".join(lines)
