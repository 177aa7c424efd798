from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from planstatus.core.status import status_label
from planstatus.imports.programme import DEFAULT_SLUG
from planstatus.imports.services import actor_name_limit, max_length
from planstatus.lib.importers.base import (
    MAX_UPLOAD_BYTES,
    STATUSES,
    ColumnReading,
    TableReading,
)
from planstatus.lib.programme import MAX_BYTES as PROGRAMME_MAX_BYTES
from planstatus.plans.forms import TEXT_MAX
from planstatus.plans.models import FocusArea, Measure, Plan, validate_plan_slug
from planstatus.regions.models import Region

ACCEPT = ".txt,.docx,.odt,.pdf,.xlsx,.ods,.csv"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Plan document"),
        help_text=_(
            "Word (.docx), PDF with text, Excel (.xlsx), LibreOffice (.odt, .ods), CSV or plain "
            "text. At most 10 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    target_plan = forms.ModelChoiceField(
        label=_("Revise an existing plan"),
        queryset=Plan.objects.none(),
        required=False,
        empty_label=_("No – import as a new plan"),
    )

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = self.fields["target_plan"]
        assert isinstance(target, forms.ModelChoiceField)
        target.queryset = region.plans.all()

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is too large (%(size)s MB). The limit is 10 MB."),
                params={"size": f"{f.size / 1_000_000:.1f}"},
            )
        return f


def split_names(value: str) -> list[str]:
    return [n.strip() for n in re.split(r"[;\n]", value) if n.strip()]


def check_actor_names(value: str) -> str:
    limit = actor_name_limit()
    for name in split_names(value):
        if len(name) > limit:
            raise forms.ValidationError(
                _("The actor name «%(name)s…» has %(length)s characters; at most %(limit)s fit."),
                params={"name": name[:40], "length": len(name), "limit": limit},
            )
    return value


class MeasureRowForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=max_length(Measure, "code"), required=False)
    text = forms.CharField(
        label=_("Measure"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("The measure needs a text.")},
    )
    timing = forms.CharField(
        label=_("Time"), max_length=max_length(Measure, "timing_text"), required=False
    )
    responsible = forms.CharField(
        label=_("Responsible"),
        max_length=1000,
        required=False,
        help_text=_("Separate actors with ;"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    involved = forms.CharField(
        label=_("Involved"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    status = forms.ChoiceField(label=_("Status"), choices=[(s, status_label(s)) for s in STATUSES])

    def clean_responsible(self) -> str:
        return check_actor_names(self.cleaned_data["responsible"])

    def clean_involved(self) -> str:
        return check_actor_names(self.cleaned_data["involved"])


MeasureRowFormSet = forms.formset_factory(MeasureRowForm, extra=0, max_num=5000)


class HeadingForm(forms.Form):
    # A plan without a goal level reads one goal with no text: nothing to require.
    text = forms.CharField(
        max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


HeadingFormSet = forms.formset_factory(HeadingForm, extra=0, max_num=2000)


class AreaHeadingForm(forms.Form):
    # A goal's text has no limit below TEXT_MAX; a focus area's name has its column's.
    text = forms.CharField(
        max_length=max_length(FocusArea, "name"), widget=forms.Textarea(attrs={"rows": 2})
    )


AreaHeadingFormSet = forms.formset_factory(AreaHeadingForm, extra=0, max_num=2000)


class PlanDetailsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=max_length(Plan, "title"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Plan.Kind.choices)


# The roles a person can give a table's column, in the order the picker offers them.
COLUMN_ROLES = [
    ("measure", _("Measure")),
    ("code", _("Code")),
    ("timing", _("Time")),
    ("responsible", _("Responsible")),
    ("involved", _("Involved")),
    ("status", _("Status")),
    ("comment", _("Status comment")),
    ("note", _("Note")),
    ("area", _("Focus area heading")),
    ("goal", _("Goal heading")),
    ("goal_code", _("Goal code")),
    ("ignore", _("Not read")),
]
# What a line of a list or text document can be made.
LINE_ROLES = [
    ("area", _("Focus area heading")),
    ("goal", _("Goal")),
    ("measure", _("Measure")),
    ("description", _("Description of the focus area")),
    ("ignore", _("Not read")),
]
# Rows offered as the header row: the reader looks for one among the first rows.
HEADER_ROWS = 10


class TableRolesForm(forms.Form):
    """The role pickers over one table's columns, and the row its headers stand in."""

    header_row = forms.TypedChoiceField(
        label=_("Header row"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args: Any, reading: TableReading, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"t{reading.block}")
        super().__init__(*args, **kwargs)
        self.reading = reading
        rows = max(HEADER_ROWS, (reading.header_row or 0) + 1)
        header = self.fields["header_row"]
        assert isinstance(header, forms.TypedChoiceField)
        header.choices = [("", _("None: the table has no header row"))] + [
            (str(n), _("Row %(number)s") % {"number": n + 1}) for n in range(rows)
        ]
        header.initial = "" if reading.header_row is None else str(reading.header_row)
        known = {value for value, _label in COLUMN_ROLES}
        for column in reading.columns:
            self.fields[f"col_{column.index}"] = forms.ChoiceField(
                label=column.header or _("Column %(number)s") % {"number": column.index + 1},
                choices=COLUMN_ROLES,
                initial=column.role if column.role in known else "ignore",
            )

    def columns(self) -> list[tuple[ColumnReading, forms.BoundField]]:
        return [(c, self[f"col_{c.index}"]) for c in self.reading.columns]

    def choice(self) -> dict[str, Any]:
        """As `PlanImport.table_choices` keeps it."""
        roles = {str(c.index): self.cleaned_data[f"col_{c.index}"] for c in self.reading.columns}
        return {"roles": roles, "header_row": self.cleaned_data["header_row"]}


class LineRolesForm(forms.Form):
    """What each line of one page of a list or text document is read as."""

    def __init__(self, *args: Any, lines: list[dict[str, Any]], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "l")
        super().__init__(*args, **kwargs)
        self.lines = lines
        known = {value for value, _label in LINE_ROLES}
        for line in lines:
            read_as = str(line.get("as", ""))
            initial = "ignore" if read_as == "ignored" else read_as
            choices = list(LINE_ROLES)
            if initial not in known:
                # Title, page furniture, a section heading: kept as read unless changed.
                choices.insert(0, ("", _("As read")))
                initial = ""
            self.fields[f"line_{line['block']}"] = forms.ChoiceField(
                label=str(line.get("text", "")), choices=choices, initial=initial, required=False
            )

    def rows(self) -> list[tuple[dict[str, Any], forms.BoundField]]:
        seen: set[int] = set()
        out = []
        for line in self.lines:
            if line["block"] in seen:
                continue  # several items in one paragraph share its picker
            seen.add(line["block"])
            out.append((line, self[f"line_{line['block']}"]))
        return out

    def choices(self) -> dict[str, str]:
        """The lines the person changed, as `PlanImport.line_choices` keeps them."""
        return {
            name.removeprefix("line_"): value
            for name, value in self.cleaned_data.items()
            if value and name in self.changed_data
        }


class ProgrammeOptionsForm(forms.Form):
    """Where a programme page is saved: its short name, and whether a programme already
    saved there is archived (`import-programme --slug --replace`)."""

    slug = forms.SlugField(
        label=_("Short name"),
        max_length=max_length(Plan, "slug"),
        initial=DEFAULT_SLUG,
        help_text=_("Part of the plan's address. Letters, digits and hyphens."),
        validators=[validate_plan_slug],
    )
    replace = forms.BooleanField(
        label=_("Replace the programme already saved under this short name (it is archived)"),
        required=False,
    )

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.region = region

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        slug = data.get("slug")
        existing = self.region.plans.filter(slug=slug).first() if slug else None
        if existing is not None and existing.kind != Plan.Kind.PROGRAMME:
            self.add_error(
                "slug",
                _("The region has a plan «%(title)s» under this short name. Choose another.")
                % {"title": existing.title},
            )
        elif existing is not None and not data.get("replace"):
            self.add_error(
                "replace",
                _(
                    "The region already has the programme «%(title)s» under this short name. "
                    "Tick the box to archive it and save this page instead, or choose another "
                    "short name."
                )
                % {"title": existing.title},
            )
        return data


class ProgrammeUploadForm(ProgrammeOptionsForm):
    file = forms.FileField(
        label=_("Programme page"),
        help_text=_(
            "The region's page from Byregionprogrammet, saved as a web page (.html) or copied "
            "into a text file (.txt). At most 1 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.html,.htm"}),
    )
    field_order = ["file", "slug", "replace"]

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > PROGRAMME_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large for a programme page (at most 1 MB).")
            )
        return f
