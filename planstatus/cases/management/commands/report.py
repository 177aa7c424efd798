from dataclasses import replace
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from planstatus.cases.models import SentCase
from planstatus.cases.services import (
    CaseAlreadySent,
    CaseError,
    case_details_for,
    existing_case,
    prepare_case,
    render_all,
    render_case,
    send_case,
)
from planstatus.core.commands import PlanstatusCommand
from planstatus.lib.reports import FORMATS
from planstatus.plans.models import Plan
from planstatus.reporting.models import ReportingRound


class Command(PlanstatusCommand):
    help = (
        "Write a plan's status case as Word, PDF or HTML, with the case fields saved last "
        "for the plan. PLAN is region/plan, e.g. hallingdal/regionplan; --round is a closed "
        "round's id or 'now'. With --send the case is also sent to political treatment: its "
        "PDF/A and Word file are archived together as one sent case, refused if a case with "
        "the same inputs was sent before (--archive means the same); --annual makes the "
        "annual report, with each goal's indicators."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan", help="region/plan, e.g. hallingdal/regionplan")
        parser.add_argument("--round", default="now", help="a closed round's id, or 'now'")
        parser.add_argument("--format", choices=list(FORMATS), required=True)
        parser.add_argument("-o", "--output", required=True, help="the file to write")
        parser.add_argument("--case-number", help="use this case number, e.g. 16-25")
        parser.add_argument(
            "--send",
            "--archive",
            dest="send",
            action="store_true",
            help="also send it to political treatment: archive its PDF and Word file",
        )
        parser.add_argument(
            "--annual",
            action="store_true",
            help="the annual report: the case with each goal's indicators",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        plan = _plan(options["plan"])
        round = _round(plan, options["round"])
        details = case_details_for(plan)
        if options["case_number"]:
            details = replace(details, case_number=options["case_number"].strip())
        if not details.case_number:
            raise CommandError(
                _("The case has no case number. Fill it in on the case page, or use --case-number.")
            )
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(
                _("The folder %(folder)s does not exist.") % {"folder": output.parent}
            )
        try:
            prepared = prepare_case(
                plan=plan, round=round, details=details, annual=options["annual"]
            )
            if not options["send"]:
                _write(output, render_case(prepared.content, options["format"]))
            else:
                # Refused before the seconds of rendering when it was sent already.
                sent = existing_case(plan, prepared.inputs_digest)
                if sent is not None:
                    raise CaseAlreadySent(sent)
                # Rendered before the transaction; the archive entry and the file then
                # stand or fall together: if the file cannot be written (a full disk), the
                # sent case is rolled back with it.
                rendered = render_all(prepared)
                data = {"pdf": rendered.pdf, "docx": rendered.docx}.get(
                    options["format"], rendered.html.encode("utf-8")
                )
                send_case(
                    plan=plan,
                    round=round,
                    details=details,
                    user=None,
                    via=SentCase.Via.COMMAND,
                    annual=options["annual"],
                    rendered=rendered,
                    before_commit=lambda sent: _write(output, data),
                )
        except CaseAlreadySent as e:
            raise CommandError(
                f"{e} "
                + _("The sent case is at %(path)s.") % {"path": e.existing.get_absolute_url()}
            ) from None
        except CaseError as e:
            raise CommandError(str(e)) from None
        if options["send"]:
            done = _("Wrote case %(number)s to %(file)s and sent it to political treatment.")
        else:
            done = _("Wrote case %(number)s to %(file)s.")
        self.stdout.write(done % {"number": details.case_number, "file": output})


def _plan(value: str) -> Plan:
    region_slug, __, plan_slug = value.partition("/")
    if not region_slug or not plan_slug:
        raise CommandError(
            _("Write the plan as region/plan, for example hallingdal/regionplan, not «%(value)s».")
            % {"value": value}
        )
    plan = (
        Plan.objects.select_related("region")
        .filter(region__slug=region_slug, slug=plan_slug)
        .first()
    )
    if plan is None:
        raise CommandError(
            _("Found no plan «%(plan)s» in the region «%(region)s».")
            % {"plan": plan_slug, "region": region_slug}
        )
    return plan


def _round(plan: Plan, value: str) -> ReportingRound | None:
    if value == "now":
        return None
    if not value.isdigit():
        raise CommandError(
            _("--round must be the number of a closed round or «now», not «%(value)s».")
            % {"value": value}
        )
    round = ReportingRound.objects.filter(plan=plan, pk=int(value)).first()
    if round is None:
        raise CommandError(
            _("The plan «%(plan)s» has no reporting round with number %(number)s.")
            % {"plan": plan.title, "number": value}
        )
    if round.is_open:
        raise CommandError(
            _("The round «%(round)s» is still open. Close it first, or use --round now.")
            % {"round": round.title}
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
        raise CommandError(
            _("Cannot write the file %(file)s: %(error)s.") % {"file": output, "error": e.strerror}
        ) from None
