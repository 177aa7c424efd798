import json
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.core.validators import validate_slug
from django.utils.translation import gettext as _

from planstatus.core.commands import PlanstatusCommand
from planstatus.core.status import status_label
from planstatus.imports.programme import (
    DEFAULT_SLUG,
    ProgrammeImportError,
    compare_municipalities,
    compare_stated_facts,
    error_message,
    import_programme,
    warning_message,
)
from planstatus.lib.capped import run_capped
from planstatus.lib.programme import (
    MAX_BYTES,
    TOO_HEAVY,
    ProgrammePage,
    ProgrammePageError,
    read_programme,
)
from planstatus.lib.status import Status
from planstatus.plans.models import Plan, validate_plan_slug
from planstatus.regions.models import Region


class Command(PlanstatusCommand):
    help = (
        "Read a region's page from Byregionprogrammet (saved as text) into a plan of kind "
        "programme. With --dry-run nothing is written; with --json what was read is printed "
        "as JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--region", help="the region's short name, e.g. hallingdal")
        parser.add_argument("--dry-run", action="store_true", help="read only; write nothing")
        parser.add_argument("--json", action="store_true", help="print what was read as JSON")
        parser.add_argument(
            "--slug", default=DEFAULT_SLUG, help=f"the plan's short name (default {DEFAULT_SLUG})"
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="archive a programme already saved under the short name and import anew",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        slug = options["slug"]
        if not options["dry_run"]:
            if not options["region"]:
                raise CommandError(_("Give --region to save the programme, or use --dry-run."))
            try:
                validate_slug(slug)
                validate_plan_slug(slug)
            except ValidationError as e:
                raise CommandError(" ".join(e.messages)) from None
        data = self._read(path)
        region = None
        if options["region"]:
            region = Region.objects.filter(slug=options["region"]).first()
            if region is None:
                raise CommandError(
                    _("Found no region «%(region)s».") % {"region": options["region"]}
                )
        try:
            page = run_capped(read_programme, data, too_heavy=ProgrammePageError(TOO_HEAVY))
        except ProgrammePageError as e:
            raise CommandError(f"{path.name}: {error_message(e)}") from None

        # With --json, stdout is the JSON alone; everything else goes to stderr.
        notes = self.stderr if options["json"] else self.stdout
        if options["json"]:
            result = page.as_json()
            for item, warning in zip(result["warnings"], page.warnings, strict=True):
                item["message"] = warning_message(warning)
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(self._summary(path, page))
            for warning in page.warnings:
                self.stdout.write(f"  {warning_message(warning)}")
        if region is not None:
            for line in self._comparisons(region, page):
                notes.write(f"  {line}")
        if options["dry_run"] or region is None:
            return
        earlier = Plan.objects.filter(region=region, slug=slug).values_list("pk", flat=True)
        earlier_pk = earlier.first()
        try:
            plan = import_programme(
                region=region,
                page=page,
                slug=slug,
                replace=options["replace"],
                source_name=path.name,
            )
        except ProgrammeImportError as e:
            raise CommandError(str(e)) from None
        if earlier_pk is not None:
            archived = Plan.objects.get(pk=earlier_pk)
            self.stderr.write(
                _("The earlier programme is archived as «%(slug)s».") % {"slug": archived.slug}
            )
        self.stderr.write(
            _("Saved as «%(title)s» (%(url)s), not published.")
            % {"title": plan.title, "url": plan.get_absolute_url()}
        )

    def _read(self, path: Path) -> bytes:
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(
                    _("%(file)s: The file is too large for a programme page (at most 1 MB).")
                    % {"file": path.name}
                )
            return path.read_bytes()
        except FileNotFoundError:
            raise CommandError(_("Found no file %(file)s.") % {"file": path}) from None
        except (IsADirectoryError, PermissionError, OSError):
            raise CommandError(_("Cannot read the file %(file)s.") % {"file": path}) from None

    def _summary(self, path: Path, page: ProgrammePage) -> str:
        counts = Counter(r.status for r in page.results)
        statuses = ", ".join(f"{counts[s]} {status_label(s)}" for s in Status if counts[s])
        return _(
            "%(file)s: «%(region)s» – goals: %(goals)s, focus areas: %(areas)s, results: "
            "%(results)s (%(statuses)s), advice: %(advice)s, warnings: %(warnings)s."
        ) % {
            "file": path.name,
            "region": page.region or "?",
            "goals": len(page.goals),
            "areas": len(page.focus_areas),
            "results": len(page.results),
            "statuses": statuses or "-",
            "advice": len(page.advice),
            "warnings": len(page.warnings),
        }

    def _comparisons(self, region: Region, page: ProgrammePage) -> list[str]:
        lines = []
        if page.region and page.region.casefold() != region.name.casefold():
            lines.append(
                _("The page is about «%(page)s», the region is «%(region)s».")
                % {"page": page.region, "region": region.name}
            )
        lines.extend(c.describe() for c in compare_stated_facts(region=region, page=page))
        unknown, unnamed = compare_municipalities(region=region, page=page)
        if unknown:
            lines.append(
                _(
                    "Named on the page but not among the region's municipalities (names may "
                    "have changed since): %(names)s."
                )
                % {"names": ", ".join(unknown)}
            )
        if unnamed:
            lines.append(
                _("The page does not name these municipalities of the region: %(names)s.")
                % {"names": ", ".join(unnamed)}
            )
        return lines
