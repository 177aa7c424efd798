"""Indicators: quantified goals with a baseline, dated targets and a series of values, for the
region and per municipality.

Values are never overwritten silently: a value for a period (and municipality) that already
has one is changed only when the person says so, and django-simple-history keeps every
earlier value with who entered it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from planstatus.lib.indicators import parse_period
from planstatus.plans.models import Goal, Measure, Plan
from planstatus.regions.models import Municipality, Region

VALUE_DIGITS = 18
VALUE_PLACES = 4


def validate_period(value: str) -> None:
    if parse_period(value) is None:
        raise ValidationError(
            _("Write the period as a year (2024) or a date (2024-01-01)."), code="period"
        )


class Indicator(models.Model):
    class Direction(models.TextChoices):
        HIGHER = "higher", _("higher is better")
        LOWER = "lower", _("lower is better")

    class Aggregation(models.TextChoices):
        DIRECT = "direct", _("entered for the region")
        SUM = "sum", _("sum of the municipalities")
        WEIGHTED_MEAN = "weighted_mean", _("weighted mean of the municipalities")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("plan")
    )
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=50, help_text=_("For example %, km² or people."))
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    aggregation = models.CharField(
        _("region value"), max_length=20, choices=Aggregation.choices, default=Aggregation.DIRECT
    )
    weight_label = models.CharField(
        _("weight"),
        max_length=200,
        blank=True,
        help_text=_("What each municipality's share is weighted by, e.g. the number of founders."),
    )
    baseline_value = models.DecimalField(
        _("baseline value"),
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        null=True,
        blank=True,
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    definition = models.TextField(_("definition"), blank=True)
    # Explicit link models, each with its own history (and backed up as rows of their own).
    goals: models.ManyToManyField[Goal, IndicatorGoal] = models.ManyToManyField(
        Goal, through="IndicatorGoal", related_name="indicators", blank=True
    )
    measures: models.ManyToManyField[Measure, IndicatorMeasure] = models.ManyToManyField(
        Measure, through="IndicatorMeasure", related_name="indicators", blank=True
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(baseline_value__isnull=True)
                | models.Q(baseline_year__isnull=False),
                name="indicator_baseline_has_year",
            )
        ]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("indicator", args=[self.plan.region.slug, self.plan.slug, self.pk])

    @property
    def higher_is_better(self) -> bool:
        return self.direction == self.Direction.HIGHER

    @property
    def is_computed(self) -> bool:
        return self.aggregation != self.Aggregation.DIRECT

    def refused_change(self, *, unit: str, aggregation: str) -> str | None:
        """Why a change of unit or of how the region's value is found would misread the
        values already entered, or None when it is safe."""
        if self._state.adding:
            return None
        if unit.strip() != self.unit.strip() and self.values.exists():
            return str(
                _(
                    "The indicator has values in “%(unit)s”. A new unit would misread them; "
                    "make a new indicator instead."
                )
                % {"unit": self.unit}
            )
        computed = aggregation != self.Aggregation.DIRECT
        if computed and self.values.filter(municipality__isnull=True).exists():
            return str(
                _(
                    "The region's values are entered directly. To compute them from the "
                    "municipalities, the region's values would be set aside; make a new "
                    "indicator instead."
                )
            )
        return None


class IndicatorGoal(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="goal_links", verbose_name=_("indicator")
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="indicator_links", verbose_name=_("goal")
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "goal"], name="indicator_goal_once")
        ]
        verbose_name = _("indicator of a goal")
        verbose_name_plural = _("indicators of goals")

    def __str__(self) -> str:
        return f"{self.indicator_id} → {self.goal_id}"


class IndicatorMeasure(models.Model):
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="measure_links",
        verbose_name=_("indicator"),
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="indicator_links", verbose_name=_("measure")
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "measure"], name="indicator_measure_once")
        ]
        verbose_name = _("indicator of a measure")
        verbose_name_plural = _("indicators of measures")

    def __str__(self) -> str:
        return f"{self.indicator_id} → {self.measure_id}"


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("target year"))
    value = models.DecimalField(
        _("target value"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="one_target_per_year")
        ]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.year})"


class IndicatorValue(models.Model):
    """One value: the region's (no municipality) or one municipality's, for a year or a date."""

    class Source(models.TextChoices):
        WEB = "web", _("web form")
        FILE = "file", _("spreadsheet")
        JSONSTAT = "jsonstat", _("JSON-stat file")

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indicator")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicator_values",
        verbose_name=_("municipality"),
    )
    # "2024" for a year, "2024-01-01" for a date; `year` is derived for sorting and charts.
    period = models.CharField(_("period"), max_length=10, validators=[validate_period])
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    value = models.DecimalField(_("value"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    weight = models.DecimalField(
        _("weight"),
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        null=True,
        blank=True,
    )
    source_note = models.CharField(_("source note"), max_length=500, blank=True)
    entered_via = models.CharField(
        _("entered via"), max_length=10, choices=Source.choices, default=Source.WEB
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicator_values",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["period", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"],
                condition=models.Q(municipality__isnull=True),
                name="one_region_value_per_period",
            ),
            models.UniqueConstraint(
                fields=["indicator", "municipality", "period"],
                condition=models.Q(municipality__isnull=False),
                name="one_municipality_value_per_period",
            ),
        ]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")

    def __str__(self) -> str:
        where = self.municipality.name if self.municipality else _("region")
        return f"{self.indicator}: {self.value} ({where}, {self.period})"

    def save(self, *args: object, **kwargs: object) -> None:
        parsed = parse_period(self.period)
        if parsed is None:
            raise ValidationError({"period": _("Write the period as a year or a date.")})
        self.year = parsed[0]
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class StatedFact(models.Model):
    """A figure a document states for the whole region (population, area), kept with its
    source so it can be checked against the sum of the municipalities."""

    class Kind(models.TextChoices):
        POPULATION = "population", _("population")
        AREA = "area", _("area (km²)")

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="stated_facts", verbose_name=_("region")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    date = models.DateField(_("as of"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300)

    history = HistoricalRecords()

    class Meta:
        ordering = ["region", "kind", "date"]
        verbose_name = _("stated fact")
        verbose_name_plural = _("stated facts")

    def __str__(self) -> str:
        return f"{self.region}: {self.get_kind_display()} {self.value}"
