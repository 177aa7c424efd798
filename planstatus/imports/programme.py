"""A region's Byregionprogrammet page into the database, and the words for what the reader
(planstatus/lib/programme.py) reports.

The reader returns codes with parameters; the messages below turn them into the person's
language. `import_programme()` saves a page as a plan of kind programme: its goals for the
whole plan, its focus areas, and its results as measures with the status the page states in
words, all in one transaction.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from planstatus.accounts.roles import known_user
from planstatus.imports.services import tag_import_row
from planstatus.indicators.models import StatedFact
from planstatus.lib import programme as reader
from planstatus.lib.programme import ProgrammePage, ProgrammePageError, ProgrammeWarning
from planstatus.lib.status import Status
from planstatus.plans.actions.programme import store_programme_details
from planstatus.plans.audit import import_reason
from planstatus.plans.models import FocusArea, Goal, Measure, Plan, StatusUpdate
from planstatus.regions.models import Region

DEFAULT_SLUG = "byregionprogrammet"

# ---------------------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------------------

ERROR_MESSAGES: dict[str, Any] = {
    reader.EMPTY: gettext_lazy("The file is empty."),
    reader.TOO_LARGE: gettext_lazy("The file is too large for a programme page (at most 1 MB)."),
    reader.NOT_TEXT: gettext_lazy(
        "The file is not text. Copy the programme page into a plain text file (.txt) and try again."
    ),
    reader.NOT_PROGRAMME_PAGE: gettext_lazy(
        "This does not look like a region's page from Byregionprogrammet: none of its "
        "headings were found («Mål for …», «Innsatsområde», «Resultat», «Fakta» …)."
    ),
    reader.TOO_HEAVY: gettext_lazy(
        "The file needs too much memory or time to be read. Check that it is the right file, "
        "save it again from the program it was made in, or split it into smaller files."
    ),
}

PART_NAMES: dict[str, Any] = {
    "region": gettext_lazy("the region's name"),
    "intro": gettext_lazy("the introduction"),
    "goals": gettext_lazy("the goals («Mål for …»)"),
    "focus_areas": gettext_lazy("the focus areas («Innsatsområde»)"),
    "results": gettext_lazy("the results («Resultat»)"),
    "advice": gettext_lazy("the advice for cooperation («Råd for samarbeid»)"),
    "follow_up": gettext_lazy("what the region works on after the programme"),
    "application_excerpt": gettext_lazy("the excerpt from the application"),
    "facts": gettext_lazy("the facts («Fakta»)"),
    "document": gettext_lazy("the file"),
}

FACT_NAMES: dict[str, Any] = {
    "applicant_municipality": gettext_lazy("applicant municipality"),
    "partner_municipalities": gettext_lazy("partner municipalities"),
    "population": gettext_lazy("population"),
    "population_date": gettext_lazy("date of the population"),
    "area_km2": gettext_lazy("area"),
}

WARNING_MESSAGES: dict[str, Any] = {
    reader.MISSING_PART: gettext_lazy("Found no %(part)s; it is left empty."),
    reader.EMPTY_PART: gettext_lazy(
        "The heading «%(heading)s» (line %(line)s) has nothing under it; %(part)s is left empty."
    ),
    reader.MISSING_FACT: gettext_lazy("The facts give no %(fact)s; it is left empty."),
    reader.UNREADABLE_NUMBER: gettext_lazy(
        "Line %(line)s: «%(text)s» could not be read as the %(fact)s; it is left empty."
    ),
    reader.UNREADABLE_DATE: gettext_lazy(
        "Line %(line)s: «%(text)s» could not be read as a date; the date of the population "
        "is left empty."
    ),
    reader.SKIPPED_TEXT: gettext_lazy("Line %(line)s was not used: «%(text)s»."),
    reader.IGNORED_SECTION: gettext_lazy(
        "The section «%(heading)s» on line %(line)s is not part of a programme page; what "
        "is under it was left out."
    ),
    reader.REPEATED_HEADING: gettext_lazy(
        "The heading «%(heading)s» on line %(line)s comes again; what follows it is added to "
        "%(part)s."
    ),
    reader.DECODED_AS_CP1252: gettext_lazy(
        "The file is not UTF-8; it was read as Windows-1252. Check the letters æ, ø and å."
    ),
}


def error_message(error: ProgrammePageError) -> str:
    return str(ERROR_MESSAGES.get(error.code, ERROR_MESSAGES[reader.NOT_PROGRAMME_PAGE]))


def warning_message(warning: ProgrammeWarning) -> str:
    params = dict(warning.params)
    params["part"] = str(PART_NAMES.get(warning.where, warning.where))
    if "fact" in params:
        params["fact"] = str(FACT_NAMES.get(params["fact"], params["fact"]))
    params.setdefault("line", "?")
    template = WARNING_MESSAGES.get(warning.code)
    if template is None:
        return warning.code
    try:
        return str(template) % params
    except (KeyError, ValueError, TypeError):
        return warning.code


# ---------------------------------------------------------------------------------------
# Comparing with what the region has
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FactComparison:
    kind: str  # StatedFact.Kind: "population" or "area"
    stated: Decimal
    date: datetime.date | None
    stored: Decimal | None  # the region's figure for the same kind and date, if any

    @property
    def outcome(self) -> str:
        if self.stored is None:
            return "new"
        return "same" if self.stored == self.stated else "differs"

    def describe(self) -> str:
        values = {
            "stated": _number(self.stated),
            "stored": _number(self.stored) if self.stored is not None else "",
            "date": self.date.isoformat() if self.date else _("no date"),
        }
        if self.kind == "population":
            messages = {
                "new": _("The page states a population of %(stated)s (%(date)s); it is saved."),
                "same": _("The population %(stated)s (%(date)s) is already stated."),
                "differs": _(
                    "The page states a population of %(stated)s (%(date)s), the region has "
                    "%(stored)s stored."
                ),
            }
        else:
            messages = {
                "new": _("The page states an area of %(stated)s km²; it is saved."),
                "same": _("The area %(stated)s km² is already stated."),
                "differs": _(
                    "The page states an area of %(stated)s km², the region has %(stored)s km² "
                    "stored."
                ),
            }
        return messages[self.outcome] % values


def _number(value: Decimal | int) -> str:
    """«20 566», «3 025,5»: grouped, and without the stored decimals when they are zero."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    elif isinstance(value, Decimal):
        value = value.normalize()
    return number_format(value, force_grouping=True)


def compare_stated_facts(*, region: Region, page: ProgrammePage) -> list[FactComparison]:
    """The page's population and area beside the figures the region has stated for the
    same kind and date (the seed keeps Byregionprogrammet's figures the same way)."""
    wanted: list[tuple[str, Decimal, datetime.date | None]] = []
    if page.facts.population is not None:
        wanted.append(
            (StatedFact.Kind.POPULATION, Decimal(page.facts.population), page.facts.population_date)
        )
    if page.facts.area_km2 is not None:
        # Stated facts keep two decimals; compare what would be stored.
        wanted.append((StatedFact.Kind.AREA, page.facts.area_km2.quantize(Decimal("0.01")), None))
    comparisons = []
    for kind, value, date in wanted:
        stored = (
            StatedFact.objects.filter(region=region, kind=kind, date=date)
            .order_by("pk")
            .values_list("value", flat=True)
            .first()
        )
        comparisons.append(FactComparison(str(kind), value, date, stored))
    return comparisons


def _municipality_key(name: str) -> str:
    return re.sub(r"\s+kommune$", "", " ".join(name.split()).casefold())


def compare_municipalities(*, region: Region, page: ProgrammePage) -> tuple[list[str], list[str]]:
    """(named on the page but not among the region's municipalities, the region's
    municipalities the page does not name). Empty when the page names none."""
    named = [page.facts.applicant_municipality, *page.facts.partner_municipalities]
    named = [n for n in named if n]
    if not named:
        return [], []
    # A municipality may be named as it was called then: Nes is Nesbyen since 2020.
    municipalities = list(region.municipalities.all())
    known = {_municipality_key(n): m.name for m in municipalities for n in m.known_names()}
    keys = {_municipality_key(n) for n in named}
    unknown = [n for n in named if _municipality_key(n) not in known]
    unnamed = [
        m.name
        for m in municipalities
        if not any(_municipality_key(n) in keys for n in m.known_names())
    ]
    return unknown, unnamed


# ---------------------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------------------


class ProgrammeImportError(ValueError):
    """The page cannot be saved as asked; the message is for the person, in their language.
    Nothing was written."""


def programme_title(*, region: Region, page: ProgrammePage) -> str:
    return f"Byregionprogrammet – {page.region or region.name}"[:300]


@transaction.atomic
def import_programme(
    *,
    region: Region,
    page: ProgrammePage,
    user: User | AnonymousUser | None = None,
    slug: str | None = None,
    replace: bool = False,
    source_name: str = "",
) -> Plan:
    """Save a programme page as a new, unpublished plan of kind programme.

    A programme already saved under the same short name is never overwritten: without
    `replace` this refuses; with it the earlier plan is archived under a new short name,
    with its history, and its stated figures that differ from the page's are replaced
    (the audit trail keeps the earlier ones)."""
    slug = slug or DEFAULT_SLUG
    existing = Plan.objects.select_for_update().filter(region=region, slug=slug).first()
    if existing is not None:
        if existing.kind != Plan.Kind.PROGRAMME:
            raise ProgrammeImportError(
                _(
                    "The region already has a plan with the short name «%(slug)s», and it is "
                    "not a programme. Choose another short name."
                )
                % {"slug": slug}
            )
        if not replace:
            raise ProgrammeImportError(
                _(
                    "The region already has a programme with the short name «%(slug)s». "
                    "Choose to replace it (the earlier programme is archived with its "
                    "history), or choose another short name."
                )
                % {"slug": slug}
            )
        _archive(existing, user=user)

    plan = Plan(
        region=region,
        slug=slug,
        kind=Plan.Kind.PROGRAMME,
        title=programme_title(region=region, page=page),
        description=page.intro,
        state=Plan.State.DRAFT,
        published=False,
        note=_(
            "Imported from Byregionprogrammet's page for %(region)s (%(file)s). The page does "
            "not tie its results to the focus areas: a result is placed under a focus area "
            "only when it begins with the focus area's name. Each status is read from the "
            "words of the result."
        )
        % {"region": page.region or region.name, "file": source_name or "-"},
    )
    _set_history_user(plan, user)
    plan.save()
    # The change log shows the import's rows as one entry (plans/audit.py).
    reason = import_reason(plan)
    Plan.history.filter(id=plan.pk).update(history_change_reason=reason)  # type: ignore[attr-defined]
    _save_programme_details(plan, page, user=user)

    counters = {"main": 0, "sub": 0, "goal": 0}
    prefixes = {"main": "H", "sub": "D", "goal": "M"}
    for order, goal in enumerate(page.goals, start=1):
        counters[goal.level] = counters.get(goal.level, 0) + 1
        code = f"{prefixes.get(goal.level, 'M')}{counters[goal.level]}"
        tag_import_row(Goal(plan=plan, code=code, text=goal.text, order=order), reason, user).save()

    areas = [
        tag_import_row(
            FocusArea(plan=plan, code=str(order), name=_fit(name, 300), order=order), reason, user
        )
        for order, name in enumerate(page.focus_areas, start=1)
    ]
    for new_area in areas:
        new_area.save()
    placed: dict[int, list[reader.ProgrammeResult]] = {area.pk: [] for area in areas}
    unplaced: list[reader.ProgrammeResult] = []
    for result in page.results:
        area = _focus_area_of(result.text, areas, page.focus_areas)
        (placed[area.pk] if area is not None else unplaced).append(result)
    groups = [(area, placed[area.pk]) for area in areas]
    if unplaced:
        other = tag_import_row(
            FocusArea(
                plan=plan,
                code="R",
                name=_("Results not tied to a focus area"),
                order=len(areas) + 1,
            ),
            reason,
            user,
        )
        other.save()
        groups.append((other, unplaced))

    order = 0
    for area, results in groups:
        for number, result in enumerate(results, start=1):
            order += 1
            measure = tag_import_row(
                Measure(
                    focus_area=area, code=f"{area.code}.{number}", order=order, text=result.text
                ),
                reason,
                user,
            )
            measure.save()
            if result.status != Status.UNKNOWN:
                tag_import_row(
                    StatusUpdate(
                        measure=measure,
                        status=Status(result.status),
                        previous_status=Status.UNKNOWN,
                        comment=_("Read from the words of the result on the programme page."),
                        source=StatusUpdate.Source.IMPORT,
                        created_by=known_user(user),
                    ),
                    reason,
                    user,
                ).save()
    _save_stated_facts(region=region, page=page, replace=replace)
    return plan


def _save_programme_details(
    plan: Plan, page: ProgrammePage, *, user: User | AnonymousUser | None
) -> None:
    """Keep what the page says besides its goals and results: the introduction, advice,
    follow-up, application excerpt and the municipalities, as the plan's ProgrammeDetails.
    Population and area go to the region's stated facts (_save_stated_facts)."""
    prose, items = [], []
    for line in page.follow_up.splitlines():
        if line.startswith("• "):
            items.append(line.removeprefix("• ").strip())
        else:
            prose.append(line)
    store_programme_details(
        plan=plan,
        intro=page.intro,
        application_excerpt=page.application_excerpt,
        advice=page.advice,
        follow_up="\n".join(prose),
        follow_up_items=items,
        applicant=page.facts.applicant_municipality,
        partners=page.facts.partner_municipalities,
        user=user,
    )
    long_areas = [name for name in page.focus_areas if len(name) > 300]
    if long_areas:
        note = f"{_('Focus areas in full')}:\n" + "\n".join(long_areas)
        plan.note = "\n\n".join([plan.note, note]).strip()
        plan.save()


def _save_stated_facts(*, region: Region, page: ProgrammePage, replace: bool) -> None:
    source = f"Byregionprogrammet – {page.region or region.name}"[:300]
    for comparison in compare_stated_facts(region=region, page=page):
        if comparison.outcome == "new":
            StatedFact.objects.create(
                region=region,
                kind=comparison.kind,
                value=comparison.stated,
                date=comparison.date,
                source=source,
            )
        elif comparison.outcome == "differs" and replace:
            fact = (
                StatedFact.objects.filter(region=region, kind=comparison.kind, date=comparison.date)
                .order_by("pk")
                .first()
            )
            if fact is not None:
                fact.value = comparison.stated
                fact.source = source
                fact.save()


def _archive(plan: Plan, *, user: User | AnonymousUser | None) -> None:
    """Archive a plan under a free short name, so the name can be used again."""
    base = plan.slug[:40]
    taken = set(Plan.objects.filter(region=plan.region).values_list("slug", flat=True))
    number = 1
    while f"{base}-arkiv-{number}" in taken:
        number += 1
    plan.slug = f"{base}-arkiv-{number}"
    plan.state = Plan.State.ARCHIVED
    _set_history_user(plan, user)
    plan.save()


def _set_history_user(obj: Any, user: User | AnonymousUser | None) -> None:
    if user is not None and user.is_authenticated:
        obj._history_user = user


def _focus_area_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _focus_area_of(text: str, areas: list[FocusArea], names: list[str]) -> FocusArea | None:
    """The focus area whose name (as the page writes it) the result begins with; the
    longest such name wins, so «Hallingdal 2020» beats «Hallingdal»."""
    key = _focus_area_key(text)
    best: tuple[int, FocusArea] | None = None
    for area, name in zip(areas, names, strict=True):
        prefix = _focus_area_key(name)
        if not prefix or not key.startswith(prefix):
            continue
        following = key[len(prefix) : len(prefix) + 1]
        if following and following.isalnum():
            continue  # «Kompetanse» is not the start of «Kompetansesenter»
        if best is None or len(prefix) > best[0]:
            best = (len(prefix), area)
    return best[1] if best else None


def _fit(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
