import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from planstatus.core.commands import PlanstatusCommand
from planstatus.imports.matching import known_actor_forms
from planstatus.imports.messages import refusal_text, warning_dict, warning_text, where_text
from planstatus.imports.services import DoesNotFit, import_plan, length_problems
from planstatus.lib.capped import run_capped
from planstatus.lib.importers import detect_format, read_plan
from planstatus.lib.importers.base import Code, ParsedPlan, UnreadableDocument
from planstatus.lib.vocabulary import ROLES
from planstatus.plans.models import Plan
from planstatus.regions.models import Region


def _columns(text: str) -> dict[str, str]:
    """«Nr=code,Tiltak=measure» → {"Nr": "code", "Tiltak": "measure"}."""
    columns: dict[str, str] = {}
    for pair in text.split(","):
        header, sign, role = pair.rpartition("=")
        header, role = header.strip(), role.strip().casefold()
        if not sign or not header or role not in ROLES:
            raise CommandError(
                _("Cannot read the column “%(pair)s”: write header=role, with one of: %(roles)s.")
                % {"pair": pair.strip(), "roles": ", ".join(ROLES)}
            )
        columns[header] = role
    return columns


class Command(PlanstatusCommand):
    help = (
        "Read a plan from a document (.txt, .docx, .pdf, .xlsx, .csv). With --dry-run nothing "
        "is written; with --json the parsed plan is printed as JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--region", help="the region's short name, e.g. hallingdal")
        parser.add_argument("--dry-run", action="store_true", help="read only; write nothing")
        parser.add_argument("--json", action="store_true", help="print the parsed plan as JSON")
        parser.add_argument("--title", help="the plan's title (default: read from the document)")
        parser.add_argument(
            "--kind", choices=[k.value for k in Plan.Kind], default=Plan.Kind.REGIONAL_PLAN
        )
        parser.add_argument(
            "--columns",
            help=(
                "what each column holds, overriding the reader's guess: header=role pairs "
                'separated by commas, e.g. "Nr=code,Tiltak=measure,Ansvarlig=responsible"; '
                "a header may also be a column number (1 is the first). Roles: " + ", ".join(ROLES)
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if options["title"] is not None and (
            problems := length_problems(parsed=ParsedPlan(title=None), title=options["title"])
        ):
            raise CommandError(" ".join(problems))
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise CommandError(_("Found no file %(file)s.") % {"file": path}) from None
        except OSError:
            raise CommandError(_("Cannot read the file %(file)s.") % {"file": path}) from None
        region = None
        if options["region"]:
            region = Region.objects.filter(slug=options["region"]).first()
            if region is None:
                raise CommandError(
                    _("Found no region «%(region)s».") % {"region": options["region"]}
                )
        columns = _columns(options["columns"]) if options["columns"] else None
        try:
            parsed = run_capped(
                read_plan,
                data,
                filename=path.name,
                known_actors=known_actor_forms(region) if region else [],
                columns=columns,
                too_heavy=UnreadableDocument(Code.TOO_HEAVY),
            )
        except UnreadableDocument as e:
            raise CommandError(refusal_text(e).replace("\n", " ")) from None

        if options["json"]:
            result = parsed.as_dict()
            result["format"] = detect_format(data, path.name)
            # Each warning's message in the command's language, beside its code and parameters.
            result["warnings"] = [warning_dict(w) for w in parsed.warnings]
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            measures = parsed.measures()
            self.stdout.write(
                _(
                    "%(file)s: %(areas)s focus areas, %(goals)s goals, %(measures)s measures, "
                    "%(warnings)s warnings."
                )
                % {
                    "file": path.name,
                    "areas": len(parsed.areas),
                    "goals": sum(len(a.goals) for a in parsed.areas),
                    "measures": len(measures),
                    "warnings": len(parsed.warnings),
                }
            )
            for w in parsed.warnings:
                self.stdout.write(f"  {where_text(w.where)}: {warning_text(w)}")
        if options["dry_run"]:
            return
        if region is None:
            raise CommandError(_("Give --region to save the plan, or use --dry-run."))
        try:
            plan = import_plan(
                region=region,
                parsed=parsed,
                title=options["title"] or parsed.title or path.stem,
                kind=options["kind"],
                source_name=path.name,
            )
        except DoesNotFit as e:
            raise CommandError("\n".join([_("Nothing was saved."), *e.problems])) from None
        self.stderr.write(
            _("Saved as «%(title)s» (%(url)s), not published.")
            % {"title": plan.title, "url": plan.get_absolute_url()}
        )
