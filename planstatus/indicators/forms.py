from __future__ import annotations

import re
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from planstatus.indicators.models import VALUE_DIGITS, VALUE_PLACES, Indicator, validate_period
from planstatus.indicators.services import TargetRow
from planstatus.lib import jsonstat, valuetable
from planstatus.lib.indicators import (
    CHOOSE_CONTENT,
    NO_MUNICIPALITY_DIMENSION,
    NO_REGION_DATA,
    NO_TIME_DIMENSION,
    SEVERAL_CATEGORIES,
    UNKNOWN_CONTENT,
    unit_kind,
)
from planstatus.plans.models import Goal, Measure, Plan
from planstatus.regions.models import Municipality

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ACCEPT = ".json,.csv,.xlsx"

# One message per error code of the readers (planstatus/lib); %(detail)s is what was found.
FILE_ERRORS: dict[str, Any] = {
    jsonstat.EMPTY: _("The file is empty."),
    jsonstat.TOO_LARGE: _("The file is too large. The limit is 10 MB."),
    jsonstat.NOT_JSON: _("The file is not JSON. Save the table from SSB as JSON-stat 2.0."),
    jsonstat.NOT_DATASET: _("The file is JSON, but not a JSON-stat 2.0 dataset."),
    jsonstat.MALFORMED: _("The JSON-stat file is damaged or incomplete (%(detail)s)."),
    jsonstat.NO_DIMENSION: _("The file has no dimension “%(detail)s”."),
    NO_MUNICIPALITY_DIMENSION: _("The file has no dimension with municipalities (region)."),
    NO_TIME_DIMENSION: _("The file has no time dimension."),
    CHOOSE_CONTENT: _("The file holds several contents (%(detail)s). Write which one to read."),
    UNKNOWN_CONTENT: _("The file has no content with the code “%(detail)s”."),
    SEVERAL_CATEGORIES: _(
        "The dimension “%(detail)s” has several categories. Choose one of them at SSB and "
        "download the table again."
    ),
    NO_REGION_DATA: _("The file has no values for this region's municipalities."),
    valuetable.BAD_SPREADSHEET: _("The spreadsheet is damaged or not an Excel file (.xlsx)."),
    valuetable.NO_HEADER: _(
        "The columns “periode” and “verdi” were not found. Start from the template."
    ),
    valuetable.BAD_ROW: _(
        "Row %(row)s: write the period as a year or a date and the value as a number "
        "(found “%(detail)s”)."
    ),
    valuetable.TOO_MANY_ROWS: _("The file has too many rows. The limit is 20 000."),
    valuetable.UNPACKS_TOO_LARGE: _("The file unpacks to far too much data."),
    # jsonstat.TOO_HEAVY too
    valuetable.TOO_HEAVY: _(
        "The file needs too much memory or time to be read. Check that it is the right file, "
        "save it again from the program it was made in, or split it into smaller files."
    ),
    "unknown_municipality": _("Row %(row)s: “%(detail)s” is not a municipality of this region."),
    "repeated_row": _("The same period and municipality occur more than once."),
    "wrong_unit": _(
        "The file gives the values in “%(detail)s”, but the indicator is measured in "
        "another kind of unit. Check that you downloaded the right table or content."
    ),
    "share_out_of_range": _(
        "A share is between 0 and 100 %%, but the file has %(detail)s. Write shares in per "
        "cent, such as 42.5."
    ),
    "region_computed": _(
        "The region's value of this indicator is computed from its municipalities; "
        "enter the municipalities' values."
    ),
}


def file_error_message(error: jsonstat.JsonStatError | valuetable.TableError) -> str:
    row = getattr(error, "row", 0)
    template = FILE_ERRORS.get(error.code, FILE_ERRORS[jsonstat.MALFORMED])
    return str(template) % {"detail": error.detail[:80], "row": row}


class ValueForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        max_length=10,
        validators=[validate_period],
        help_text=_("A year (2024) or a date (2024-01-01)."),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("The whole region"),
    )
    value = forms.DecimalField(
        label=_("Value"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES
    )
    weight = forms.DecimalField(
        label=_("Weight"),
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        required=False,
        min_value=0,
    )
    source_note = forms.CharField(label=_("Source"), max_length=500, required=False)
    replace = forms.BooleanField(
        label=_("Replace the value already entered (the earlier one is kept in the history)"),
        required=False,
    )

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = indicator.plan.region.municipalities.order_by("number")
        if indicator.aggregation == Indicator.Aggregation.WEIGHTED_MEAN:
            self.fields["weight"].help_text = indicator.weight_label
        else:
            del self.fields["weight"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.indicator.is_computed and not data.get("municipality") and "value" in data:
            self.add_error("municipality", str(FILE_ERRORS["region_computed"]))
        value = data.get("value")
        if (
            value is not None
            and unit_kind(self.indicator.unit) == "share"
            and not 0 <= value <= 100
        ):
            self.add_error("value", _("A share is between 0 and 100 %. Write it in per cent."))
        weighted = self.indicator.aggregation == Indicator.Aggregation.WEIGHTED_MEAN
        if weighted and data.get("municipality") and data.get("weight") is None:
            self.add_error(
                "weight",
                _("A share needs its weight: %(weight)s.")
                % {"weight": self.indicator.weight_label or _("weight")},
            )
        return data


class ValueFileForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "JSON-stat 2.0 from SSB (.json), or the template filled in (.csv or .xlsx). "
            "At most 10 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    content = forms.CharField(
        label=_("Content code (JSON-stat)"),
        max_length=100,
        required=False,
        help_text=_("When the table has several contents (ContentsCode): the one to read."),
    )
    weight_content = forms.CharField(
        label=_("Weight content code (JSON-stat)"),
        max_length=100,
        required=False,
        help_text=_("For a share: the content that holds each municipality's weight."),
    )
    source_note = forms.CharField(label=_("Source"), max_length=500, required=False)
    replace = forms.BooleanField(
        label=_("Replace values already entered (the earlier ones are kept in the history)"),
        required=False,
    )

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        suffix = PurePath(f.name or "").suffix.lower()
        if suffix not in {".json", ".csv", ".xlsx"}:
            raise forms.ValidationError(
                _("Upload a JSON-stat file (.json), a CSV file or an Excel file (.xlsx).")
            )
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(str(FILE_ERRORS[jsonstat.TOO_LARGE]))
        if f.size == 0:
            raise forms.ValidationError(str(FILE_ERRORS[jsonstat.EMPTY]))
        return f


TARGET_LINE = re.compile(r"^\s*(\d{4})\s*[;:]\s*([^;]+?)\s*(?:;\s*(.*?))?\s*$")


class IndicatorForm(forms.ModelForm):
    """An indicator's definition. Targets are written one per line («2027; 600; note»),
    which is quick on a phone and reads like the plan's own wording."""

    goals = forms.ModelMultipleChoiceField(
        label=_("Goals"),
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    measure_codes = forms.CharField(
        label=_("Measures"),
        required=False,
        max_length=500,
        help_text=_("The measures' codes, separated by commas, such as 1.4.1, 1.4.3."),
    )
    targets_text = forms.CharField(
        label=_("Targets"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One target per line: year; value; a note if you like. For example: "
            "2027; 600; Goal 2.1."
        ),
    )

    class Meta:
        model = Indicator
        fields = [
            "name",
            "unit",
            "direction",
            "aggregation",
            "weight_label",
            "baseline_value",
            "baseline_year",
            "source",
            "definition",
        ]
        widgets = {"definition": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        goals = self.fields["goals"]
        assert isinstance(goals, forms.ModelMultipleChoiceField)
        goals.queryset = Goal.objects.filter(plan=plan).order_by("focus_area__order", "order")
        goals.label_from_instance = _goal_label  # type: ignore[method-assign,assignment]
        if self.instance.pk:
            self.initial.setdefault("goals", list(self.instance.goals.all()))
            self.initial.setdefault(
                "measure_codes",
                ", ".join(m.code for m in self.instance.measures.order_by("order")),
            )
            self.initial.setdefault(
                "targets_text",
                "\n".join(
                    "; ".join(part for part in (str(t.year), _number(t.value), t.note) if part)
                    for t in self.instance.targets.all()
                ),
            )

    def clean_measure_codes(self) -> list[Measure]:
        codes = [c.strip() for c in self.cleaned_data["measure_codes"].split(",") if c.strip()]
        by_code = {m.code: m for m in self.plan.measures().filter(code__in=codes)}
        unknown = [c for c in codes if c not in by_code]
        if unknown:
            raise forms.ValidationError(
                _("The plan has no measure %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return list(dict.fromkeys(by_code[c] for c in codes))

    def clean_targets_text(self) -> list[TargetRow]:
        targets: list[TargetRow] = []
        for number, line in enumerate(self.cleaned_data["targets_text"].splitlines(), start=1):
            if not line.strip():
                continue
            match = TARGET_LINE.match(line)
            try:
                value = valuetable.parse_number(match.group(2)) if match else None
            except ValueError:
                value = None
            if match is None or value is None or not 1900 <= int(match.group(1)) <= 2200:
                raise forms.ValidationError(
                    _(
                        "Line %(line)s: write a year, a semicolon and a number, such as "
                        "“2027; 600”. Found “%(text)s”."
                    )
                    % {"line": number, "text": line.strip()[:60]}
                )
            year = int(match.group(1))
            if any(t.year == year for t in targets):
                raise forms.ValidationError(
                    _("There are two targets for %(year)s. Keep one.") % {"year": year}
                )
            targets.append(TargetRow(year, value, (match.group(3) or "")[:300]))
        return targets

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("aggregation") == Indicator.Aggregation.WEIGHTED_MEAN and not data.get(
            "weight_label"
        ):
            self.add_error("weight_label", _("Say what each municipality's share is weighted by."))
        if "unit" in data and "aggregation" in data:
            refused = self.instance.refused_change(
                unit=data["unit"], aggregation=data["aggregation"]
            )
            if refused:
                self.add_error(None, refused)
        return data


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")


def _goal_label(goal: Goal) -> str:
    return f"{goal.code} {goal.text}"


class DeleteIndicatorForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, delete the indicator with its values and targets"),
        error_messages={"required": _("Tick the box if you mean to delete the indicator.")},
    )
