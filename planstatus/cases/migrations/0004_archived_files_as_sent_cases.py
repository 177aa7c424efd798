"""Every file archived before cases were sent as a whole becomes a sent case of its own.

Before, each click on «lag saka» archived one file. Those files stay exactly as they were;
each is now the one document of a sent case carrying its fields, maker and time. They have
no digest (so they never block a new case) and no statuses (so the next case compares with
a closed round, as before).
"""

from django.db import migrations


def wrap_files(apps, schema_editor):
    SentCase = apps.get_model("cases", "SentCase")
    CaseDocument = apps.get_model("cases", "CaseDocument")
    for document in CaseDocument.objects.filter(sent_case__isnull=True).order_by("pk").iterator():
        sent = SentCase.objects.create(
            plan_id=document.plan_id,
            round_id=document.round_id,
            annual=document.annual,
            case_number=document.case_number,
            title=document.title,
            background=document.background,
            proposed_resolution=document.proposed_resolution,
            place=document.place,
            date=document.date,
            signer_name=document.signer_name,
            signer_title=document.signer_title,
            inputs_digest="",
            made_at=document.created_at,
            made_by_id=document.created_by_id,
            made_by_name=document.created_by_name,
            sent_at=document.created_at,
            sent_by_id=document.created_by_id,
            sent_by_name=document.created_by_name,
            sent_via=document.created_via,
        )
        # The historical model has no save() guard; update() writes the one column only.
        CaseDocument.objects.filter(pk=document.pk).update(sent_case=sent)


def unwrap_files(apps, schema_editor):
    CaseDocument = apps.get_model("cases", "CaseDocument")
    SentCase = apps.get_model("cases", "SentCase")
    legacy = SentCase.objects.filter(inputs_digest="")
    CaseDocument.objects.filter(sent_case__in=legacy).update(sent_case=None)
    legacy.delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_sent_cases")]

    operations = [migrations.RunPython(wrap_files, unwrap_files)]
