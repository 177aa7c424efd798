"""The review of an import: the plan shown as forms, page by page, and the person's edits
written back into it; the edits carried over when the document is read again.

A page holds as many rows as fit in a form of FIELD_BUDGET fields (Django refuses a form of
more than DATA_UPLOAD_MAX_NUMBER_FIELDS, 1 000), so a plan of any length is reviewed and
saved a page at a time; the draft on the server holds the rest.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from planstatus.imports.forms import split_names
from planstatus.imports.services import NEW, actor_name_limit
from planstatus.lib.importers.base import (
    ParsedArea,
    ParsedGoal,
    ParsedMeasure,
    ParsedPlan,
    check_numbering,
)
from planstatus.lib.timing import parse_timing
from planstatus.regions.models import Region

ROW_FIELDS = ("code", "text", "timing", "responsible", "involved", "status")
# Fields of one page's form, kept well under Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1 000):
# the title, the kind, the token and the buttons come on top.
FIELD_BUDGET = 800
# Rows on one page however few fields they have: a page stays quick to read and to send.
MAX_ROWS = 100


def row_initial(m: ParsedMeasure) -> dict[str, str]:
    """One measure as the review's row form shows it."""
    return {
        "code": m.code,
        "text": m.text,
        "timing": m.timing.text,
        "responsible": "; ".join(m.responsible),
        "involved": "; ".join(m.involved),
        "status": m.status,
    }


def all_goals(parsed: ParsedPlan) -> list[ParsedGoal]:
    return [g for a in parsed.areas for g in a.goals]


# ---------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------


@dataclass
class Page:
    """A run of the plan's outline: the measures [start, end) and the area and goal
    headings that begin on this page (edited here), by their index in the plan."""

    number: int  # from 1
    start: int = 0
    end: int = 0
    areas: list[int] = field(default_factory=list)
    goals: list[int] = field(default_factory=list)


def paginate(parsed: ParsedPlan) -> list[Page]:
    """Split the outline into pages whose forms stay within FIELD_BUDGET: a row costs its
    six fields and two for each actor name first seen on the page, a heading one."""
    pages = [Page(1)]
    cost, names, measure, goal_index = 0, set[str](), 0, 0
    for area_index, area in enumerate(parsed.areas):
        items: list[tuple[str, int, Any]] = [("area", area_index, None)]
        for goal in area.goals:
            items.append(("goal", goal_index, None))
            goal_index += 1
            items += [("measure", -1, m) for m in goal.measures]
        for kind, index, m in items:
            page = pages[-1]
            if kind == "measure":
                new = {n for n in [*m.responsible, *m.involved] if n not in names}
                item_cost = len(ROW_FIELDS) + 2 * len(new)
            else:
                new, item_cost = set(), 1
            rows = page.end - page.start
            if (cost + item_cost > FIELD_BUDGET or rows >= MAX_ROWS) and cost:
                page = Page(len(pages) + 1, start=measure, end=measure)
                pages.append(page)
                cost, names = 0, set()
                if kind == "measure":
                    new = {n for n in [*m.responsible, *m.involved]}
                    item_cost = len(ROW_FIELDS) + 2 * len(new)
            cost += item_cost
            names |= new
            if kind == "area":
                page.areas.append(index)
            elif kind == "goal":
                page.goals.append(index)
            else:
                measure += 1
                page.end = measure
    return pages


def page_names(parsed: ParsedPlan, page: Page) -> list[str]:
    """The actor names written in the page's rows, in order of first appearance."""
    measures = parsed.measures()[page.start : page.end]
    return list(dict.fromkeys(n for m in measures for n in [*m.responsible, *m.involved]))


# ---------------------------------------------------------------------------------------
# Edits
# ---------------------------------------------------------------------------------------


def apply_edits(
    parsed: ParsedPlan,
    *,
    title: str,
    rows: dict[int, dict[str, Any]],
    areas: dict[int, dict[str, Any]],
    goals: dict[int, dict[str, Any]],
) -> ParsedPlan:
    """Write the reviewed cells of one page (by their index in the whole plan) into the
    plan and recompute the numbering warnings."""
    parsed.title = title
    for index, data in areas.items():
        parsed.areas[index].name = data["text"]
    goal_list = all_goals(parsed)
    for index, data in goals.items():
        goal_list[index].text = data["text"]
    measures = parsed.measures()
    for index, row in rows.items():
        _apply_row(measures[index], row)
    if measures:
        check_numbering(parsed)
    return parsed


def _apply_row(measure: ParsedMeasure, row: dict[str, Any]) -> None:
    if row["code"] != measure.code:
        if measure.code_generated:
            # The person wrote a code where the document had none: theirs, not made up,
            # and nothing the document wrote.
            measure.code_generated = False
        elif not measure.written_code:
            measure.written_code = measure.code
    measure.code = row["code"]
    measure.text = row["text"]
    if row["timing"] != measure.timing.text:
        measure.timing = parse_timing(row["timing"])
    measure.responsible = split_names(row["responsible"])
    measure.involved = split_names(row["involved"])
    measure.status = row["status"]


@dataclass
class Carried:
    plan: ParsedPlan
    # The texts of the measures, goals and areas whose edits could not be carried over:
    # the new reading has none with the code and text they were read with.
    lost: list[str] = field(default_factory=list)
    count: int = 0  # edits carried over


def carry_edits(before: ParsedPlan, edited: ParsedPlan, after: ParsedPlan) -> Carried:
    """The person's edits (`edited` against `before`, the reading they were made on)
    applied to a new reading `after`, matched by the code and text each item was read
    with. Values are compared as the review shows them."""
    result = Carried(copy.deepcopy(after))
    if edited.title != before.title:
        result.plan.title = edited.title
        result.count += 1
    pairs: list[tuple[Any, Any, str]] = [
        (b, e, "area") for b, e in zip(before.areas, edited.areas, strict=True)
    ]
    pairs += [(b, e, "goal") for b, e in zip(all_goals(before), all_goals(edited), strict=True)]
    pairs += [(b, e, "measure") for b, e in zip(before.measures(), edited.measures(), strict=True)]
    targets: dict[tuple[str, str, str], list[Any]] = {}
    items: list[ParsedArea | ParsedGoal | ParsedMeasure] = [
        *result.plan.areas,
        *all_goals(result.plan),
        *result.plan.measures(),
    ]
    for item in items:
        targets.setdefault(_key(item), []).append(item)
    for b, e, _kind in pairs:
        changes = _changes(b, e)
        if not changes:
            continue
        found = targets.get(_key(b))
        if not found:
            result.lost.append(_label(e))
            continue
        for target in found:
            for name, value in changes.items():
                setattr(target, name, copy.deepcopy(value))
        result.count += 1
    if result.plan.measures():
        check_numbering(result.plan)
    return result


def _key(item: ParsedArea | ParsedGoal | ParsedMeasure) -> tuple[str, str, str]:
    if isinstance(item, ParsedArea):
        return ("area", item.code, item.name)
    if isinstance(item, ParsedGoal):
        return ("goal", item.code, item.text)
    return ("measure", item.code, item.text)


def _label(item: ParsedArea | ParsedGoal | ParsedMeasure) -> str:
    text = item.name if isinstance(item, ParsedArea) else item.text
    return f"{item.code} {text}".strip()


def _changes(before: Any, edited: Any) -> dict[str, Any]:
    if isinstance(before, ParsedArea):
        names = ["name"]
    elif isinstance(before, ParsedGoal):
        names = ["text"]
    else:
        names = [
            "code",
            "text",
            "timing",
            "responsible",
            "involved",
            "status",
            "written_code",
            "code_generated",
        ]
    return {n: getattr(edited, n) for n in names if getattr(edited, n) != getattr(before, n)}


def edit_count(before: ParsedPlan, edited: ParsedPlan) -> int:
    """How many items the person has changed since the document was read."""
    pairs: list[tuple[Any, Any]] = list(zip(before.areas, edited.areas, strict=False))
    pairs += list(zip(all_goals(before), all_goals(edited), strict=False))
    pairs += list(zip(before.measures(), edited.measures(), strict=False))
    count = sum(1 for b, e in pairs if _changes(b, e))
    return count + (edited.title != before.title)


# ---------------------------------------------------------------------------------------
# Actors
# ---------------------------------------------------------------------------------------


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
