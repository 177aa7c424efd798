"""The audit trail: changes made through the web are recorded with who, when, before and after."""

from __future__ import annotations

from django.urls import reverse

from planstatus.lib.status import Status
from planstatus.plans.actions.status import record_status
from planstatus.plans.audit import measure_audit_log, region_audit_log
from planstatus.plans.models import Measure
from planstatus.regions.models import Actor
from tests.base import BaseTestCase


class AuditTrailTests(BaseTestCase):
    def status_url(self) -> str:
        return reverse("measure_status", args=["testdal", "regionplan", self.measure.pk])

    def test_status_change_through_the_web_is_recorded_with_before_and_after(self) -> None:
        seen = record_status(measure=self.measure, status=Status.NOT_STARTED)
        self.client.force_login(self.owner)
        response = self.client.post(
            self.status_url(),
            {"status": "started", "comment": "Arbeidet er i gang", "expected_previous": seen.pk},
        )
        self.assertRedirects(response, self.measure.get_absolute_url())

        update = self.measure.status_updates.first()
        assert update is not None
        self.assertEqual((update.status, update.previous_status), ("started", "not_started"))
        self.assertEqual(update.created_by, self.owner)

        [entry] = [e for e in region_audit_log(self.region) if e.user == self.owner]
        self.assertEqual(entry.action, "+")
        change = entry.changes[0]
        self.assertEqual((change.old, change.new), ("ikkje påstarta", "påstarta"))

        # The secretariat reads it on the region's log, and on the measure's own page.
        log = self.client.get(reverse("region_log", args=["testdal"]))
        self.assertContains(log, "ikkje påstarta</del> → <ins>påstarta")
        self.assertContains(log, "owner")
        page = self.client.get(self.measure.get_absolute_url())
        self.assertContains(page, "Endringslogg")
        self.assertContains(page, "ikkje påstarta</del> → <ins>påstarta")

    def test_measure_edit_is_recorded_with_the_old_text(self) -> None:
        self.client.force_login(self.owner)
        url = reverse("measure_edit", args=["testdal", "regionplan", self.measure.pk])
        old_text = self.measure.text
        response = self.client.post(
            url, {"text": "Ny tekst for tiltaket", "timing_text": "2025–2026", "note": ""}
        )
        self.assertRedirects(response, self.measure.get_absolute_url())
        measure = Measure.objects.get(pk=self.measure.pk)
        self.assertEqual((measure.start_year, measure.end_year), (2025, 2026))

        [entry] = [e for e in measure_audit_log(measure) if e.action == "~"]
        changes = {c.field: (c.old, c.new) for c in entry.changes}
        self.assertEqual(changes["tiltak"], (old_text, "Ny tekst for tiltaket"))
        self.assertEqual(changes["tid som skrive"], ("2025", "2025–2026"))
        self.assertEqual(entry.user, self.owner)

    def test_actor_changes_and_deletes_are_recorded(self) -> None:
        actor = Actor.objects.create(region=self.region, name="Næringsforum")
        actor.email = "forum@example.org"
        actor.save()
        actor.delete()
        actions = [e.action for e in region_audit_log(self.region) if e.label == "Næringsforum"]
        self.assertEqual(actions, ["-", "~", "+"])

    def test_log_is_for_members_only(self) -> None:
        url = reverse("region_log", args=["testdal"])
        self.client.force_login(self.colleague)
        self.assertEqual(self.client.get(url).status_code, 200)
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.logout()
        self.assertRedirects(self.client.get(url), f"{reverse('login')}?next={url}")
