from dataclasses import replace
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from planstatus.cases.models import CaseDocument
from planstatus.cases.services import (
    CaseError,
    build_case_content,
    case_details_for,
    generate_case,
    render_case,
)
from planstatus.lib.reports import FORMATS
from planstatus.plans.models import Plan
from planstatus.reporting.models import ReportingRound


class Command(BaseCommand):
    help = (
        "Write a plan's status case as Word, PDF or HTML, with the case fields saved last "
        "for the plan. PLAN is region/plan, e.g. hallingdal/regionplan; --round is a closed "
        "round's id or 'now'. With --archive the document is also kept in the plan's archive."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan", help="region/plan, e.g. hallingdal/regionplan")
        parser.add_argument("--round", default="now", help="a closed round's id, or 'now'")
        parser.add_argument("--format", choices=list(FORMATS), required=True)
        parser.add_argument("-o", "--output", required=True, help="the file to write")
        parser.add_argument("--case-number", help="use this case number, e.g. 16-25")
        parser.add_argument(
            "--archive", action="store_true", help="also keep it in the plan's archive"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        plan = _plan(options["plan"])
        round = _round(plan, options["round"])
        details = case_details_for(plan)
        if options["case_number"]:
            details = replace(details, case_number=options["case_number"].strip())
        if not details.case_number:
            raise CommandError(
                "Saka manglar saksnummer. Fyll det ut på sida for saka, eller bruk --case-number."
            )
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"Mappa {output.parent} finst ikkje.")
        try:
            # The archive entry and the file stand or fall together: if the file cannot be
            # written (a full disk), the archive entry is rolled back with it.
            with transaction.atomic():
                if options["archive"]:
                    document = generate_case(
                        plan=plan,
                        round=round,
                        details=details,
                        fmt=options["format"],
                        user=None,
                        via=CaseDocument.Via.COMMAND,
                        remember=False,
                    )
                    data = bytes(document.data)
                else:
                    content = build_case_content(plan=plan, round=round, details=details)
                    data = render_case(content, options["format"])
                _write(output, data)
        except CaseError as e:
            raise CommandError(str(e)) from None
        archived = " og arkivert" if options["archive"] else ""
        self.stdout.write(f"Skreiv sak {details.case_number} til {output}{archived}.")


def _plan(value: str) -> Plan:
    region_slug, _, plan_slug = value.partition("/")
    if not region_slug or not plan_slug:
        raise CommandError(
            f"Skriv planen som region/plan, til dømes hallingdal/regionplan, ikkje «{value}»."
        )
    plan = (
        Plan.objects.select_related("region")
        .filter(region__slug=region_slug, slug=plan_slug)
        .first()
    )
    if plan is None:
        raise CommandError(f"Fann ingen plan «{plan_slug}» i regionen «{region_slug}».")
    return plan


def _round(plan: Plan, value: str) -> ReportingRound | None:
    if value == "now":
        return None
    if not value.isdigit():
        raise CommandError(
            f"--round må vere nummeret på ein lukka runde eller «now», ikkje «{value}»."
        )
    round = ReportingRound.objects.filter(plan=plan, pk=int(value)).first()
    if round is None:
        raise CommandError(
            f"Planen «{plan.title}» har ingen rapporteringsrunde med nummer {value}."
        )
    if round.is_open:
        raise CommandError(
            f"Runden «{round.title}» er framleis open. Lukk han først, eller bruk --round now."
        )
    return round


def _write(output: Path, data: bytes) -> None:
    existed = output.exists()
    try:
        output.write_bytes(data)
    except OSError as e:
        # A half-written new file is worse than none; an existing one is left to its owner.
        if not existed and output.is_file():
            output.unlink(missing_ok=True)
        raise CommandError(f"Kan ikkje skrive fila {output}: {e.strerror}.") from None
