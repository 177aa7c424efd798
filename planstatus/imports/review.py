"""Turning the review page's forms into an edited plan, and the plan back into forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from planstatus.imports.forms import split_names
from planstatus.imports.services import NEW, actor_name_limit
from planstatus.lib.importers.base import ParsedPlan, check_numbering
from planstatus.lib.timing import parse_timing
from planstatus.regions.models import Region


def row_initial(parsed: ParsedPlan) -> list[dict[str, Any]]:
    return [
        {
            "code": m.code,
            "text": m.text,
            "timing": m.timing.text,
            "responsible": "; ".join(m.responsible),
            "involved": "; ".join(m.involved),
            "status": m.status,
        }
        for m in parsed.measures()
    ]


def heading_initial(parsed: ParsedPlan) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    areas = [{"text": a.name} for a in parsed.areas]
    goals = [{"text": g.text} for a in parsed.areas for g in a.goals]
    return areas, goals


def apply_edits(
    parsed: ParsedPlan,
    *,
    title: str,
    rows: list[dict[str, Any]],
    areas: list[dict[str, Any]],
    goals: list[dict[str, Any]],
) -> ParsedPlan:
    """Write the reviewed cells into the plan and recompute the numbering warnings."""
    parsed.title = title
    for area, data in zip(parsed.areas, areas, strict=True):
        area.name = data["text"]
    all_goals = [g for a in parsed.areas for g in a.goals]
    for goal, data in zip(all_goals, goals, strict=True):
        goal.text = data["text"]
    for measure, row in zip(parsed.measures(), rows, strict=True):
        if row["code"] != measure.code and not measure.written_code:
            measure.written_code = measure.code
        measure.code = row["code"]
        measure.text = row["text"]
        measure.timing = parse_timing(row["timing"])
        measure.responsible = split_names(row["responsible"])
        measure.involved = split_names(row["involved"])
        measure.status = row["status"]
    check_numbering(parsed)
    return parsed


class ActorChoicesForm(forms.Form):
    """For each actor name in the document: an existing actor, or a new one.

    Giving two names the same actor merges them; a new actor's name can be changed, and two
    names given the same new name become one new actor.
    """

    def __init__(
        self, *args: Any, names: list[str], region: Region, choices: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.names = names
        options = [("new", _("New actor"))] + [
            (str(a.pk), a.name) for a in region.actors.order_by("name")
        ]
        for i, name in enumerate(names):
            choice = choices.get(name, f"{NEW}{name}")
            is_new = choice.startswith(NEW)
            self.fields[f"actor_{i}"] = forms.ChoiceField(
                label=name, choices=options, initial="new" if is_new else choice
            )
            self.fields[f"new_{i}"] = forms.CharField(
                label=_("Name of the new actor"),
                max_length=actor_name_limit(),
                required=False,
                initial=choice.removeprefix(NEW) if is_new else name,
            )

    def rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(n, self[f"actor_{i}"], self[f"new_{i}"]) for i, n in enumerate(self.names)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i, name in enumerate(self.names):
            if f"new_{i}" in self.errors:
                continue  # a name too long: said already, not "write a name"
            if data.get(f"actor_{i}") == "new" and not (data.get(f"new_{i}") or "").strip():
                self.add_error(
                    f"new_{i}", _("Write a name for the new actor “%(name)s”.") % {"name": name}
                )
        return data

    def choices(self) -> dict[str, str]:
        result = {}
        for i, name in enumerate(self.names):
            value = self.cleaned_data[f"actor_{i}"]
            result[name] = (
                f"{NEW}{self.cleaned_data[f'new_{i}'].strip()}" if value == "new" else value
            )
        return result
