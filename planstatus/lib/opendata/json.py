"""A plan as one JSON document, with the same field names as the REST API.

Every field is always present: fields a public reader may not see are null, so a script
written against the public file also reads the internal one. «<», «>» and «&» are escaped
(\\u003c …), so the text stays inert even if a browser is talked into reading it as HTML.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from planstatus.lib.opendata.model import (
    ActorEntry,
    HistoryEntry,
    MeasureEntry,
    MemberEntry,
    PlanDocument,
    StatusValue,
)

FORMAT = "planstatus-plan"
FORMAT_VERSION = 1

_HTML_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def _time(value: datetime.datetime | datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def status_dict(status: StatusValue) -> dict[str, str]:
    return {
        "code": status.code,
        "word": status.word,
        "colour": status.colour,
        "symbol": status.symbol,
    }


def _actor(actor: ActorEntry) -> dict[str, Any]:
    return {
        "id": actor.id,
        "name": actor.name,
        "short_name": actor.short_name,
        "written_as": actor.written_as,
    }


def _history(entry: HistoryEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": _time(entry.at),
        "status": status_dict(entry.status),
        "previous_status": status_dict(entry.previous_status),
        "source": entry.source,
        "comment": entry.comment,
        "comment_is_public": entry.comment_is_public,
        "member": entry.member,
        "evidence_url": entry.evidence_url,
        "reported_by": entry.reported_by,
        "reported_by_actor": entry.reported_by_actor,
        "round_title": entry.round_title,
    }


def measure_dict(m: MeasureEntry) -> dict[str, Any]:
    """A measure with the API's field names: the one serialiser of a measure, for this file
    and for the REST API's answers (api/api.py)."""
    return {
        "id": m.id,
        "code": m.code,
        "written_code": m.written_code or m.code,
        "text": m.text,
        "timing": {
            "text": m.timing_text,
            "start_year": m.start_year,
            "end_year": m.end_year,
            "yearly": m.yearly,
            "continuous": m.continuous,
        },
        "note": m.note,
        "focus_area_id": m.focus_area.id,
        "goal_id": m.goal.id if m.goal else None,
        "responsible": [_actor(a) for a in m.responsible],
        "involved": [_actor(a) for a in m.involved],
        "status": status_dict(m.status),
        "status_at": _time(m.status_at),
        "url": m.url,
        "milestones": [
            {
                "id": ms.id,
                "text": ms.text,
                "due_on": _time(ms.due_on),
                "done_on": _time(ms.done_on),
            }
            for ms in m.milestones
        ],
        "members": [_member(member) for member in m.members],
    }


def _member(member: MemberEntry) -> dict[str, Any]:
    return {
        "actor_id": member.actor_id,
        "name": member.name,
        "status": status_dict(member.status),
        "reported_at": _time(member.reported_at),
        "comment": member.comment,
    }


def _measure(m: MeasureEntry) -> dict[str, Any]:
    return measure_dict(m) | {"history": [_history(h) for h in m.history]}


def plan_dict(doc: PlanDocument) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "generated_at": _time(doc.generated_at),
        "internal": doc.internal,
        "region": {"slug": doc.region_slug, "name": doc.region_name},
        "plan": {
            "slug": doc.slug,
            "title": doc.title,
            "kind": doc.kind,
            "state": doc.state,
            "description": doc.description,
            "period_start": doc.period_start,
            "period_end": doc.period_end,
            "adopted_by": doc.adopted_by,
            "adopted_on": _time(doc.adopted_on),
            "published": doc.published,
            "url": doc.url,
        },
        "statuses": [status_dict(s) for s in doc.statuses],
        "focus_areas": [{"id": a.id, "code": a.code, "name": a.name} for a in doc.focus_areas],
        "goals": [
            {"id": g.id, "code": g.code, "text": g.text, "focus_area_id": g.focus_area_id}
            for g in doc.goals
        ],
        "measures": [_measure(m) for m in doc.measures],
    }


def build_json(doc: PlanDocument) -> bytes:
    text = json.dumps(plan_dict(doc), ensure_ascii=False, indent=2)
    return text.translate(_HTML_ESCAPES).encode("utf-8")
