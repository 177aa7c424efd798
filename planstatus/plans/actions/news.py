"""Updates per measure («Kva har skjedd»): a dated text from the secretariat with files.

Every file is identified by its content first (lib/attachments); one bad file refuses the
whole update, with nothing written. The files go to disk before the rows, and a failure
after that removes them again, so no row points at a missing file and no file is left
without a row.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction

from planstatus.accounts.roles import known_user
from planstatus.lib.attachments import AttachmentError, Kind, download_name, identify
from planstatus.plans import attachments
from planstatus.plans.models import Measure, MeasureNews, NewsAttachment


@dataclass(frozen=True)
class Upload:
    name: str  # as the person's computer named it
    data: bytes


class AttachmentRefused(ValueError):
    """One of the files is not an attachment we take; `name` says which."""

    def __init__(self, name: str, error: AttachmentError) -> None:
        super().__init__(f"{name}: {error.problem.value}")
        self.name = name
        self.problem = error.problem


def add_news(
    *,
    measure: Measure,
    date: datetime.date,
    text: str,
    files: list[Upload],
    user: User | AnonymousUser | None = None,
) -> MeasureNews:
    checked: list[tuple[Upload, Kind]] = []
    for upload in files:
        try:
            checked.append((upload, identify(upload.data)))
        except AttachmentError as e:
            raise AttachmentRefused(upload.name, e) from e
    written: list[str] = []
    try:
        for upload, _kind in checked:
            written.append(attachments.write_file(upload.data))
        with transaction.atomic():
            news = MeasureNews(
                measure=measure,
                date=date,
                text=text,
                created_by=known_user(user),
            )
            if news.created_by is not None:
                news._history_user = news.created_by  # type: ignore[attr-defined]
            news.save()
            NewsAttachment.objects.bulk_create(
                NewsAttachment(
                    news=news,
                    stored_name=stored,
                    filename=download_name(upload.name, kind),
                    content_type=kind.content_type,
                    size=len(upload.data),
                    sha256=hashlib.sha256(upload.data).hexdigest(),
                )
                for stored, (upload, kind) in zip(written, checked, strict=True)
            )
    except BaseException:
        for stored in written:
            attachments.delete_file(stored)
        raise
    return news
