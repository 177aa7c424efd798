from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Region slugs are the first segment of public URLs, so they must not shadow our own.
RESERVED_SLUGS = {"admin", "static", "media", "api", "accounts", "konto", "helse", "r", "sprak"}
RESERVED_SLUGS |= {"ny-region", "mitt-arbeid"}


def validate_region_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is reserved; choose another short name."), params={"slug": value}
        )


class Region(models.Model):
    slug = models.SlugField(_("short name"), unique=True, validators=[validate_region_slug])
    name = models.CharField(_("name"), max_length=200)
    council_name = models.CharField(_("council"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    # The web sites that may frame the embed of any of the region's plans
    # («https://gol.kommune.no»), normalised by lib/origins.py.
    embed_origins = models.JSONField(_("sites that may embed"), default=list, blank=True)
    # Made-up data that shows the product at work (the demo's Eksempelregionen): every page
    # of the region says so.
    is_example = models.BooleanField(_("example data"), default=False, db_default=False)
    # How long an address left with input from the public is kept (to answer it).
    input_email_days = models.PositiveSmallIntegerField(
        _("keep e-mail addresses with input for (days)"), default=90, db_default=90
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    def total_area_km2(self):
        """Sum of the municipalities' areas, or None when any area is unknown."""
        areas = [m.area_km2 for m in self.municipalities.all()]
        if not areas or any(a is None for a in areas):
            return None
        return sum(areas)


class Municipality(models.Model):
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="municipalities", verbose_name=_("region")
    )
    name = models.CharField(_("name"), max_length=100)
    # Municipality numbers changed with the county reforms of 2020 and 2024; statistics
    # use the number valid in their own year, so we keep all three.
    number = models.CharField(_("municipality number"), max_length=4, unique=True)
    number_2020_2023 = models.CharField(_("number 2020–2023"), max_length=4, blank=True)
    number_before_2020 = models.CharField(_("number before 2020"), max_length=4, blank=True)
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    # Older documents use the name before a reform (Nes, now Nesbyen); they are matched by it.
    former_names = models.JSONField(_("former names"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name

    def known_names(self) -> list[str]:
        return [self.name, *self.former_names]

    def latest_population(self) -> MunicipalityPopulation | None:
        populations = sorted(self.populations.all(), key=lambda p: p.date)
        return populations[-1] if populations else None


class MunicipalityPopulation(models.Model):
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="populations",
        verbose_name=_("municipality"),
    )
    date = models.DateField(_("date"))
    count = models.PositiveIntegerField(_("population"))

    class Meta:
        ordering = ["municipality", "date"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "date"], name="one_population_per_date")
        ]
        verbose_name = _("population")
        verbose_name_plural = _("populations")

    def __str__(self) -> str:
        return f"{self.municipality}: {self.count} ({self.date})"


class Actor(models.Model):
    class Kind(models.TextChoices):
        COUNCIL = "council", _("regional council")
        MUNICIPALITY = "municipality", _("municipality")
        MUNICIPALITIES = "municipalities", _("the municipalities")
        COUNTY = "county", _("county authority")
        STATE = "state", _("state agency")
        EDUCATION = "education", _("education")
        COMPANY = "company", _("company")
        NETWORK = "network", _("network or forum")
        COMMITTEE = "committee", _("committee")
        ROLE = "role", _("role or office")
        OTHER = "other", _("other")

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="actors", verbose_name=_("region")
    )
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    # Plans spell one body several ways (Regionråd/Regionrådet); every form seen is kept
    # so that importers can match it and the measure can show what was written.
    aliases = models.JSONField(_("written variants"), default=list, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    note = models.TextField(_("note"), blank=True)
    # A municipality reports as itself; its actor is tied to the region's Municipality row so
    # that groups, matrices and statistics can name the same body.
    municipality = models.OneToOneField(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actor",
        verbose_name=_("municipality"),
    )
    # The secretariat decides whether an actor such as «Kommunane» or «Ordførarane» is one body
    # (it reports once) or a group whose members each report for themselves.
    is_group = models.BooleanField(_("reports as a group of members"), default=False)
    members = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="groups",
        verbose_name=_("members"),
    )

    # Members are kept in the history too, so the change log shows who joined or left a group.
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="unique_actor_name_per_region")
        ]
        verbose_name = _("actor")
        verbose_name_plural = _("actors")

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def written_forms(self) -> list[str]:
        """Every form this actor may be written in, name first, without repeats."""
        forms = [self.name, self.short_name, *self.aliases]
        return list(dict.fromkeys(f for f in forms if f))

    def reporting_bodies(self) -> list[Actor]:
        """Who reports for this actor: its members when it is a group, else the actor itself."""
        if self.is_group:
            return sorted(self.members.all(), key=lambda a: a.name)
        return [self]

    def clean(self) -> None:
        if self.municipality is not None and self.municipality.region_id != self.region_id:
            raise ValidationError({"municipality": _("The municipality is in another region.")})
        if not isinstance(self.aliases, list) or not all(isinstance(a, str) for a in self.aliases):
            raise ValidationError({"aliases": _("Written variants must be a list of names.")})


class ContactPerson(models.Model):
    """A person who reports for an actor: each gets a link of their own in a round.

    Personal data: only the secretariat sees it. It is in the backup, and in no public
    page, API answer or export. Reports keep the actor's name when a person is removed.
    """

    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="contact_persons", verbose_name=_("actor")
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["actor", "email"], name="one_person_per_address")
        ]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self) -> str:
        return f"{self.name} ({self.actor})"
