"""The region's change log as entries, for tests that look for one change."""

from __future__ import annotations

from planstatus.pages.views import LOG_SOURCES
from planstatus.plans.audit import AuditEntry, LogFilters, region_change_log
from planstatus.regions.models import Region


def region_changes(region: Region) -> list[AuditEntry]:
    """The first page's single changes (an import's entry left out), newest first."""
    log = region_change_log(region, LogFilters(), sources=LOG_SOURCES)
    return [e for e in log.entries if isinstance(e, AuditEntry)]
