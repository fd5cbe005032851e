"""Evaluation results as plain dataclasses, with JSON and Markdown forms."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Scores:
    """Accuracy and weighted precision / recall over ``n`` values (``None`` when n is 0)."""

    n: int
    accuracy: float | None
    precision: float | None
    recall: float | None


@dataclass
class SplitGroup:
    """One condition of a split: its size, overall scores, and scores per attribute."""

    n: int
    overall: Scores
    per_attribute: dict[str, Scores]


@dataclass
class Split:
    """A partition of the test set. ``unit`` is ``"records"`` (whole samples; overall
    is the mean over attributes) or ``"cells"`` (record-attribute values; overall is
    pooled over the group's cells)."""

    name: str
    unit: str
    description: str
    groups: dict[str, SplitGroup]


@dataclass
class EvaluationReport:
    """Scores of one model on one test set of one attribute set."""

    schema: str
    n: int
    overall: Scores
    per_attribute: dict[str, Scores]
    splits: dict[str, Split] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls, data: Mapping) -> EvaluationReport:
        def scores(d):
            return Scores(**d)

        def group(d):
            per = {a: scores(s) for a, s in d["per_attribute"].items()}
            return SplitGroup(d["n"], scores(d["overall"]), per)

        splits = {
            k: Split(s["name"], s["unit"], s["description"], {g: group(v) for g, v in s["groups"].items()})
            for k, s in data.get("splits", {}).items()
        }
        return cls(
            data["schema"],
            data["n"],
            scores(data["overall"]),
            {a: scores(s) for a, s in data["per_attribute"].items()},
            splits,
        )

    @classmethod
    def from_json(cls, text: str) -> EvaluationReport:
        return cls.from_dict(json.loads(text))

    def to_markdown(self, *, title: str | None = None) -> str:
        """Per-attribute table with the overall mean, then one table per split."""
        lines = [f"## {title}", ""] if title else []
        lines += [f"{self.n} samples, {self.schema} attributes.", ""]
        rows = [(a, s) for a, s in self.per_attribute.items()] + [("**Mean**", self.overall)]
        lines += _table(["Attribute", "Accuracy", "Precision", "Recall"], [[a, *_fmt3(s)] for a, s in rows])
        for split in self.splits.values():
            lines += ["", f"### Split: {split.description}", ""]
            names = list(split.groups)
            header = ["Attribute"] + [f"{g} (n={split.groups[g].n})" for g in names]
            body = [
                [a] + [_acc_n(split.groups[g].per_attribute[a]) for g in names]
                for a in self.per_attribute
            ]
            label = "**Mean**" if split.unit == "records" else "**Pooled**"
            body.append([label] + [_acc_n(split.groups[g].overall, with_n=False) for g in names])
            lines += ["Accuracy (n) per group:", ""] + _table(header, body)
            lines += ["", "Overall precision / recall per group:", ""]
            lines += _table(
                ["Group", "n", "Accuracy", "Precision", "Recall"],
                [[g, str(split.groups[g].n), *_fmt3(split.groups[g].overall)] for g in names],
            )
        return "\n".join(lines) + "\n"


def compare(reports: Mapping[str, EvaluationReport]) -> str:
    """Markdown table of per-attribute accuracy, one column per model, then the
    overall accuracy / precision / recall rows (the paper's Tables 5-6 and Figs 7-8)."""
    names = list(reports)
    if len(names) == 1:
        return reports[names[0]].to_markdown(title=names[0])
    first = reports[names[0]]
    lines = [f"{first.n} samples, {first.schema} attributes. Per-attribute accuracy:", ""]
    body = [[a] + [_f(reports[m].per_attribute[a].accuracy) for m in names] for a in first.per_attribute]
    for metric in ("accuracy", "precision", "recall"):
        body.append([f"**Mean {metric}**"] + [_f(getattr(reports[m].overall, metric)) for m in names])
    lines += _table(["Attribute", *names], body)
    for key, split in first.splits.items():
        if not all(key in r.splits for r in reports.values()):
            continue
        lines += ["", f"### Split: {split.description} (accuracy)", ""]
        rows = [
            [g, str(split.groups[g].n)]
            + [_f(reports[m].splits[key].groups[g].overall.accuracy) for m in names]
            for g in split.groups
        ]
        lines += _table(["Group", "n", *names], rows)
    return "\n".join(lines) + "\n"


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def _fmt3(s: Scores) -> list[str]:
    return [_f(s.accuracy), _f(s.precision), _f(s.recall)]


def _acc_n(s: Scores, *, with_n: bool = True) -> str:
    if not s.n:
        return "-"
    return f"{s.accuracy:.3f} ({s.n})" if with_n else f"{s.accuracy:.3f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out
