"""The embed for other web sites (issue 23): status counts, progress and a link to the plan,
for one focus area or one actor if asked; no JavaScript; framable only by the sites the
secretariat lists for the plan or its region, while the rest of the site refuses frames; and
the form that lists them accepts origins only."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from planstatus.lib.status import Status
from planstatus.plans.actions.status import record_status
from planstatus.plans.models import FocusArea, Measure, MeasureActor, Plan
from planstatus.regions.models import Actor, Region
from tests.base import BaseTestCase
from tests.html import by_testid, parse, text


def frame_ancestors(response: Any) -> list[str]:
    for directive in response["Content-Security-Policy"].split(";"):
        name, *values = directive.split()
        if name == "frame-ancestors":
            return values
    raise AssertionError("no frame-ancestors")


class EmbedTests(BaseTestCase):
    def setUp(self) -> None:
        self.url = reverse("embed", args=["testdal", "regionplan"])
        record_status(measure=self.measure, status=Status.DONE)
        self.area2 = FocusArea.objects.create(plan=self.plan, code="2", name="Samferdsel", order=2)
        self.gol = Actor.objects.create(region=self.region, name="Gol kommune")
        for n, status in enumerate([Status.STARTED, Status.STARTED, Status.NOT_STARTED]):
            m = Measure.objects.create(
                focus_area=self.area2, code=f"2.{n + 1}", text=f"Veg {n}", order=n
            )
            record_status(measure=m, status=status)
            if n < 2:
                MeasureActor.objects.create(
                    measure=m,
                    actor=self.gol,
                    role=[MeasureActor.Role.RESPONSIBLE, MeasureActor.Role.INVOLVED][n],
                )

    def counts(self, response: Any) -> dict[str, str]:
        items = by_testid(parse(response), "embed-counts").xpath("./li")
        return {li.get("data-status"): text(li.xpath(".//strong")[0]) for li in items}

    def test_counts_progress_and_link_without_script(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.counts(response), {"done": "1", "started": "2", "not_started": "1"})
        doc = parse(response)
        self.assertEqual(
            text(by_testid(doc, "embed-progress")), "1 av 4 tiltak er gjennomførte (25 %)"
        )
        # Each status in the bar is named in words beside it, not by its colour alone.
        bar = doc.xpath("//svg")[0]
        self.assertEqual(
            [r.get("data-status") for r in bar.xpath(".//rect")], ["not_started", "started", "done"]
        )
        self.assertIn("påstarta: 2", text(bar.xpath(".//desc")[0]))
        # Coordinates are SVG numbers, never Nynorsk decimals («25,000»).
        for rect in bar.xpath(".//rect"):
            float(rect.get("x"))
            float(rect.get("width"))
        [link] = doc.xpath("//a")
        self.assertEqual(link.get("href"), "http://testserver" + self.plan.get_absolute_url())
        self.assertEqual(doc.xpath("//script | //form | //*[@onclick]"), [])

    def test_one_area_or_one_actor(self) -> None:
        area = self.client.get(self.url, {"omrade": self.area2.pk})
        self.assertEqual(self.counts(area), {"started": "2", "not_started": "1"})
        self.assertIn("Samferdsel", text(by_testid(parse(area), "embed-scope")))
        gol = self.client.get(self.url, {"aktor": self.gol.pk})
        self.assertEqual(self.counts(gol), {"started": "2"})  # responsible or involved
        both = self.client.get(
            self.url, {"aktor": self.gol.pk, "omrade": self.measure.focus_area_id}
        )
        self.assertEqual(by_testid(parse(both), "embed-empty").tag, "p")

    def test_an_actor_counts_the_measures_of_its_groups(self) -> None:
        kommunane = Actor.objects.create(region=self.region, name="Kommunane", is_group=True)
        kommunane.members.add(self.gol)
        MeasureActor.objects.create(
            measure=self.measure, actor=kommunane, role=MeasureActor.Role.RESPONSIBLE
        )
        gol = self.client.get(self.url, {"aktor": self.gol.pk})
        self.assertEqual(self.counts(gol), {"done": "1", "started": "2"})
        self.assertIn("òg som medlem av Kommunane", text(by_testid(parse(gol), "embed-scope")))

    def test_unknown_area_or_actor_shows_the_whole_plan_and_says_so(self) -> None:
        other = Actor.objects.create(region=self.other_region, name="Anna kommune")
        params: dict[str, str]
        for params in [{"omrade": "999999"}, {"aktor": str(other.pk)}, {"omrade": "x' or 1=1"}]:
            response = self.client.get(self.url, params)
            self.assertEqual(response.status_code, 400, params)
            by_testid(parse(response), "embed-refused")
            self.assertEqual(len(self.counts(response)), 3)

    def test_framable_only_by_the_listed_sites(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(frame_ancestors(response), ["'self'"])
        self.assertEqual(response["X-Frame-Options"], "SAMEORIGIN")
        Plan.objects.filter(pk=self.plan.pk).update(embed_origins=["https://www.gol.kommune.no"])
        Region.objects.filter(pk=self.region.pk).update(
            embed_origins=["https://hallingdal.no", "https://www.gol.kommune.no"]
        )
        response = self.client.get(self.url)
        self.assertEqual(
            frame_ancestors(response),
            ["'self'", "https://www.gol.kommune.no", "https://hallingdal.no"],
        )
        self.assertFalse(response.has_header("X-Frame-Options"))
        # Every other page keeps refusing to be framed.
        for url in [
            self.plan.get_absolute_url(),
            reverse("timeline", args=["testdal", "regionplan"]),
        ]:
            page = self.client.get(url)
            self.assertEqual(frame_ancestors(page), ["'none'"], url)
            self.assertEqual(page["X-Frame-Options"], "DENY", url)

    def test_an_unpublished_plan_has_no_embed_whoever_asks(self) -> None:
        url = reverse("embed", args=["testdal", "utkast"])
        for user in [None, self.outsider, self.owner]:
            if user is not None:
                self.client.force_login(user)
            self.assertEqual(self.client.get(url).status_code, 404)


class EmbedSettingsTests(BaseTestCase):
    def setUp(self) -> None:
        self.url = reverse("plan_embed_settings", args=["testdal", "regionplan"])
        self.region_url = reverse("region_embed_settings", args=["testdal"])

    def test_secretariat_lists_sites_and_they_are_normalised_with_history(self) -> None:
        self.client.force_login(self.owner)
        before = self.plan.history.count()  # type: ignore[attr-defined]
        response = self.client.post(
            self.url,
            {
                "origins": "HTTPS://WWW.Gol.Kommune.no/\n\n  https://ål.kommune.no \nhttp://127.0.0.1:8001\nhttps://www.gol.kommune.no"
            },
        )
        self.assertEqual(response.status_code, 302)
        self.plan.refresh_from_db()
        self.assertEqual(
            self.plan.embed_origins,
            ["https://www.gol.kommune.no", "https://xn--l-1fa.kommune.no", "http://127.0.0.1:8001"],
        )
        self.assertEqual(self.plan.history.count(), before + 1)  # type: ignore[attr-defined]
        page = parse(self.client.get(self.url))
        self.assertIn("https://www.gol.kommune.no", text(page.xpath("//textarea")[0]))
        self.assertIn("/testdal/regionplan/innebygd/", text(by_testid(page, "embed-code")))

    def test_anything_but_an_origin_is_refused_line_by_line_and_nothing_saved(self) -> None:
        self.client.force_login(self.owner)
        Plan.objects.filter(pk=self.plan.pk).update(embed_origins=["https://hallingdal.no"])
        bad = [
            "https://gol.kommune.no/tiltak",
            "gol.kommune.no",
            "javascript:alert(1)",
            "https://*.kommune.no",
            "https://user:pw@gol.kommune.no",
            "https://gol.kommune.no:99999",
            "https://gol.kommune.no?x=1",
            "'self'",
            "https://gol.kommune.no; script-src *",
            "https://" + "a" * 300 + ".no",
        ]
        response = self.client.post(self.url, {"origins": "https://ok.no\n" + "\n".join(bad)})
        self.assertEqual(response.status_code, 400)
        messages = text(parse(response).xpath('//*[contains(@class, "ds-validation-message")]')[0])
        for n in range(2, 2 + len(bad)):
            self.assertIn(f"Linje {n}", messages)
        self.assertNotIn("Linje 1,", messages)
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.embed_origins, ["https://hallingdal.no"])

    def test_region_list_applies_to_every_plan(self) -> None:
        self.client.force_login(self.owner)
        response = self.client.post(self.region_url, {"origins": "https://hallingdal.no"})
        self.assertEqual(response.status_code, 302)
        embed = self.client.get(reverse("embed", args=["testdal", "regionplan"]))
        self.assertIn("https://hallingdal.no", frame_ancestors(embed))

    def test_readers_may_not_change_the_lists(self) -> None:
        self.client.force_login(self.colleague)
        for url in [self.url, self.region_url]:
            self.assertEqual(self.client.post(url, {"origins": "https://x.no"}).status_code, 403)
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.embed_origins, [])
