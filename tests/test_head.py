"""HEAD is answered wherever GET works (link checkers and `curl -I` use it): every address
the public walk reaches, downloads and the API included, and a member's downloads."""

from __future__ import annotations

from django.urls import reverse

from tests import test_public_pages


class HeadTests(test_public_pages.PublicPagesTests):
    def assert_head_like_get(self, url: str) -> None:
        got = self.client.get(url)
        head = self.client.head(url)
        self.assertEqual(head.status_code, got.status_code, url)
        self.assertEqual(head.get("Content-Type"), got.get("Content-Type"), url)
        self.assertEqual(head.content, b"", url)

    def test_head_is_answered_wherever_get_is(self) -> None:
        answered = 0
        for url in self.public_urls():
            if self.client.get(url).status_code == 200:
                self.assert_head_like_get(url)
                answered += 1
        self.assertGreater(answered, 20)
        for url in (
            reverse("plan_data", args=["testdal", "regionplan", "csv"]),
            reverse("plan_data", args=["testdal", "regionplan", "xlsx"]),
            "/api/v1/regions/testdal/plans/regionplan/measures",
        ):
            self.assert_head_like_get(url)
            self.assertEqual(self.client.head(url).status_code, 200)

    def test_a_members_downloads_answer_head_too(self) -> None:
        self.client.force_login(self.owner)
        for url in (
            reverse("import_template", args=["testdal", "xlsx"]),
            reverse("case_print", args=["testdal", "regionplan"]),
        ):
            self.assertEqual(self.client.head(url).status_code, 200, url)
            self.assert_head_like_get(url)

    # The public walk's own tests run in test_public_pages.
    test_no_public_response_shows_internal_details = None  # type: ignore[assignment]
    test_members_see_the_internal_details = None  # type: ignore[assignment]
