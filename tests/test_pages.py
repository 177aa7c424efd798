from __future__ import annotations

from django.urls import reverse

from planstatus.lib.status import Status
from planstatus.plans.actions.status import record_status
from tests.base import BaseTestCase
from tests.html import find, parse, row, text


class PageTests(BaseTestCase):
    def test_index_lists_regions_with_published_plans(self) -> None:
        # Annandal has no plans at all: the public neither sees it listed nor finds its page.
        listed = parse(self.client.get(reverse("index"))).xpath("//main//a[@class='card-link']")
        self.assertEqual([text(find(a, ".//strong")) for a in listed], ["Testdal"])
        self.assertEqual([a.get("href") for a in listed], [reverse("region", args=["testdal"])])
        self.assertEqual(self.client.get(reverse("region", args=["annandal"])).status_code, 404)

    def test_region_page_shows_only_published_plans_to_the_public(self) -> None:
        url = reverse("region", args=["testdal"])
        response = self.client.get(url)
        self.assertContains(response, "Regionplan for Testdal")
        self.assertNotContains(response, "Utkast til ny plan")

    def test_members_see_unpublished_plans(self) -> None:
        self.client.force_login(self.colleague)
        response = self.client.get(reverse("region", args=["testdal"]))
        self.assertContains(response, "Utkast til ny plan")
        response = self.client.get(reverse("plan", args=["testdal", "utkast"]))
        self.assertContains(response, self.draft_measure.text)

    def test_plan_page_shows_measures_with_status_word_and_symbol(self) -> None:
        record_status(measure=self.measure, status=Status.STARTED, comment="I gang")
        response = self.client.get(reverse("plan", args=["testdal", "regionplan"]))
        self.assertContains(response, self.measure.text)
        self.assertContains(response, "Testdal regionråd")
        badge = find(row(parse(response), self.measure.code), './/*[@data-status="started"]')
        self.assertIn("status--yellow", badge.get("class"))
        self.assertEqual(text(badge), "◐ påstarta")

    def test_measure_page_shows_history_newest_first(self) -> None:
        record_status(measure=self.measure, status=Status.STARTED, comment="Første melding")
        record_status(measure=self.measure, status=Status.DONE, comment="Ferdig", user=self.owner)
        self.client.force_login(self.colleague)
        html = self.client.get(self.measure.get_absolute_url()).content.decode()
        self.assertLess(html.index("Ferdig"), html.index("Første melding"))
        self.assertIn("owner", html)

    def test_public_sees_only_public_comments_and_no_reporter(self) -> None:
        record_status(measure=self.measure, status=Status.STARTED, comment="Intern merknad")
        record_status(
            measure=self.measure,
            status=Status.DONE,
            comment="Offentleg merknad",
            comment_is_public=True,
            user=self.owner,
        )
        for user in [None, self.outsider]:
            if user:
                self.client.force_login(user)
            response = self.client.get(self.measure.get_absolute_url())
            self.assertContains(response, "Offentleg merknad")
            self.assertNotContains(response, "Intern merknad")
            self.assertNotContains(response, "owner")
            self.assertNotContains(response, "Endringslogg")

    def test_unknown_objects_are_404(self) -> None:
        for url in [
            reverse("region", args=["nowhere"]),
            reverse("plan", args=["testdal", "nothing"]),
            reverse("measure", args=["testdal", "regionplan", 999999]),
        ]:
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_measure_of_another_plan_is_404_under_this_plan(self) -> None:
        self.client.force_login(self.owner)
        url = reverse("measure", args=["testdal", "regionplan", self.draft_measure.pk])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_measure_rows_link_to_their_page_and_flag_a_code_written_otherwise(self) -> None:
        # The row's link is built from one reverse() per plan (Plan.measure_url), and a
        # renamed plan's rows point at the new address, not a remembered one.
        self.measure.written_code = "1.1 a)"
        self.measure.save()
        page = parse(self.client.get(reverse("plan", args=["testdal", "regionplan"])))
        link = find(row(page, self.measure.code), ".//a")
        self.assertEqual(
            link.get("href"), reverse("measure", args=["testdal", "regionplan", self.measure.pk])
        )
        flag = find(row(page, self.measure.code), './/span[@class="flag"]')
        self.assertIn("1.1 a)", text(flag))
        plan = self.measure.focus_area.plan
        self.assertEqual(plan.measure_url(7), reverse("measure", args=["testdal", "regionplan", 7]))
        plan.slug = "ny-plan"
        self.assertEqual(plan.measure_url(7), reverse("measure", args=["testdal", "ny-plan", 7]))


class OutsiderTests(BaseTestCase):
    """Unpublished plans do not exist for the public or for logged-in outsiders."""

    def urls(self) -> list[str]:
        return [
            reverse("plan", args=["testdal", "utkast"]),
            reverse("measure", args=["testdal", "utkast", self.draft_measure.pk]),
        ]

    def test_anonymous_is_refused(self) -> None:
        for url in self.urls():
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_outsider_is_refused(self) -> None:
        self.client.force_login(self.outsider)
        for url in self.urls():
            self.assertEqual(self.client.get(url).status_code, 404, url)
        response = self.client.get(reverse("region", args=["testdal"]))
        self.assertNotContains(response, "Utkast til ny plan")

    def test_region_with_only_unpublished_plans_is_hidden(self) -> None:
        self.plan.published = False
        self.plan.save()
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(reverse("region", args=["testdal"])).status_code, 404)
        self.assertNotContains(self.client.get(reverse("index")), "Testdal")

    def test_admin_is_for_installation_admins_only(self) -> None:
        for user in [self.outsider, self.owner]:
            self.client.force_login(user)
            response = self.client.get(reverse("admin:plans_plan_changelist"))
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("admin:login"), response["Location"])


class LanguageTests(BaseTestCase):
    def test_nynorsk_whatever_the_browser_asks_for(self) -> None:
        for accept in ["en-US,en;q=0.9", "nb-NO,nb;q=0.9", "de"]:
            response = self.client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=accept)
            self.assertContains(response, "Logg inn")
            self.assertContains(response, '<html lang="nn"')
