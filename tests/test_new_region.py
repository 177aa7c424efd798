"""A new region, as an installation administrator makes it: on the web (with its first
secretariat invited by mail) and with `planstatus create-region`; bad input changes nothing."""

from __future__ import annotations

from io import StringIO

from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from planstatus.accounts.models import Membership
from planstatus.regions.models import Municipality, Region
from tests.base import BaseTestCase
from tests.html import by_testid, find, parse, text

VALDRES = {
    "name": "Valdres",
    "slug": "",
    "council_name": "Valdres regionråd",
    "municipalities": "3451 Nord-Aurdal\n3452; Sør-Aurdal\n\n3453 Etnedal\n3454 Vang\n"
    "3455 Vestre Slidre\n3456 Øystre Slidre\n",
    "secretariat_email": "kari@valdres.example",
}


class NewRegionPageTests(BaseTestCase):
    def setUp(self) -> None:
        self.admin = User.objects.create_superuser("root", "root@example.org", "root-pass-123")
        self.client.force_login(self.admin)

    def assert_nothing_made(self) -> None:
        self.assertEqual(Region.objects.count(), 2)
        self.assertFalse(Municipality.objects.exists())
        self.assertFalse(User.objects.filter(email="kari@valdres.example").exists())
        self.assertEqual(mail.outbox, [])

    def test_the_front_page_offers_it_to_installation_administrators_only(self) -> None:
        link = f'//a[@href="{reverse("region_create")}"]'
        self.assertEqual(len(parse(self.client.get(reverse("index"))).xpath(link)), 1)
        for user in [self.owner, self.colleague]:
            self.client.force_login(user)
            self.assertEqual(parse(self.client.get(reverse("index"))).xpath(link), [])

    def test_only_installation_administrators_may_make_a_region(self) -> None:
        self.client.logout()
        response = self.client.get(reverse("region_create"))
        self.assertRedirects(response, f"{reverse('login')}?next={reverse('region_create')}")
        for user in [self.owner, self.colleague, self.outsider]:
            self.client.force_login(user)
            self.assertEqual(self.client.get(reverse("region_create")).status_code, 404)
            self.assertEqual(self.client.post(reverse("region_create"), VALDRES).status_code, 404)
        self.assert_nothing_made()

    def test_a_region_with_its_municipalities_and_an_invited_secretariat(self) -> None:
        response = self.client.post(reverse("region_create"), VALDRES)
        self.assertRedirects(response, reverse("region", args=["valdres"]))
        region = Region.objects.get(slug="valdres")
        self.assertEqual(region.council_name, "Valdres regionråd")
        self.assertEqual(
            list(region.municipalities.order_by("number").values_list("number", "name")),
            [
                ("3451", "Nord-Aurdal"),
                ("3452", "Sør-Aurdal"),
                ("3453", "Etnedal"),
                ("3454", "Vang"),
                ("3455", "Vestre Slidre"),
                ("3456", "Øystre Slidre"),
            ],
        )
        kari = User.objects.get(email="kari@valdres.example")
        self.assertFalse(kari.has_usable_password())
        self.assertEqual(Membership.objects.get(user=kari).role, Membership.Role.SECRETARIAT)
        self.assertEqual(Membership.objects.get(user=kari).region, region)

        (message,) = mail.outbox
        self.assertEqual(message.to, ["kari@valdres.example"])
        self.assertEqual(message.reply_to, ["root@example.org"])
        self.assertIn("Valdres", message.subject)
        self.assertIn("sekretariat", message.subject)  # Nynorsk whatever the sender's language
        link = next(line for line in message.body.splitlines() if "/konto/reset/" in line)

        # Kari chooses a password from the mail, logs in and is told what to do first.
        self.client.logout()
        response = self.client.get(link.split("testserver", 1)[1], follow=True)
        form_url = response.redirect_chain[-1][0]
        response = self.client.post(
            form_url,
            {
                "new_password1": "valdres-er-fint-om-vinteren",
                "new_password2": "valdres-er-fint-om-vinteren",
            },
        )
        self.assertRedirects(response, reverse("password_reset_complete"))
        response = self.client.post(
            reverse("login"),
            {"username": kari.username, "password": "valdres-er-fint-om-vinteren"},
        )
        self.assertRedirects(response, reverse("my_work"))
        page = parse(self.client.get(reverse("region", args=["valdres"])))
        steps = by_testid(page, "first-steps")
        find(steps, f'.//a[@href="{reverse("import_upload", args=["valdres"])}"]')
        self.assertIn("Importer planen", text(steps))

    def test_an_existing_account_with_the_address_gets_the_role(self) -> None:
        self.colleague.email = "kari@valdres.example"
        self.colleague.save()
        self.client.post(reverse("region_create"), VALDRES)
        region = Region.objects.get(slug="valdres")
        self.assertTrue(
            Membership.objects.filter(
                user=self.colleague, region=region, role=Membership.Role.SECRETARIAT
            ).exists()
        )
        self.assertTrue(self.colleague.has_usable_password())
        (message,) = mail.outbox
        self.assertNotIn("/konto/reset/", message.body)  # they keep their password

    def test_without_an_address_no_one_is_invited(self) -> None:
        self.client.post(reverse("region_create"), {**VALDRES, "secretariat_email": ""})
        self.assertTrue(Region.objects.filter(slug="valdres").exists())
        self.assertFalse(Membership.objects.filter(region__slug="valdres").exists())
        self.assertEqual(mail.outbox, [])

    def test_the_short_name_spells_out_norwegian_letters(self) -> None:
        self.client.post(
            reverse("region_create"),
            {**VALDRES, "name": "Sør-Østerdal og Åmot", "secretariat_email": ""},
        )
        self.assertTrue(Region.objects.filter(slug="sor-osterdal-og-amot").exists())

    def test_bad_input_is_named_and_changes_nothing(self) -> None:
        Region.objects.get(slug="annandal").municipalities.create(number="3454", name="Vang")
        cases = [
            ({"name": ""}, "name"),
            ({"name": "N" * 201}, "name"),
            ({"slug": "Valdres Region"}, "slug"),
            ({"slug": "testdal"}, "slug"),  # taken
            ({"slug": "konto"}, "slug"),  # one of our own addresses
            ({"slug": "ny-region"}, "slug"),
            ({"municipalities": ""}, "municipalities"),
            ({"municipalities": "Nord-Aurdal"}, "municipalities"),
            ({"municipalities": "345 Nord-Aurdal"}, "municipalities"),
            ({"municipalities": "3451 Nord-Aurdal\n3451 Nord-Aurdal"}, "municipalities"),
            ({"municipalities": "3451 " + "N" * 101}, "municipalities"),
            ({"municipalities": "3454 Vang"}, "municipalities"),  # Annandal's
            (
                {"municipalities": "\n".join(f"{3000 + n} K{n}" for n in range(61))},
                "municipalities",
            ),
            ({"municipalities": "3451 Nord-Aurdal\n" * 2000}, "municipalities"),  # too long
            ({"secretariat_email": "kari"}, "secretariat_email"),
            ({"council_name": "<script>alert(1)</script>" * 20}, "council_name"),
        ]
        for change, field in cases:
            with self.subTest(change=str(change)[:60]):
                response = self.client.post(reverse("region_create"), {**VALDRES, **change})
                self.assertEqual(response.status_code, 400)
                page = parse(response)
                error = find(page, f'//p[@id="id_{field}_error"]')
                self.assertTrue(text(error))
                self.assertNotIn("<script>", response.content.decode())
        Municipality.objects.filter(number="3454").delete()
        self.assert_nothing_made()

    def test_the_message_names_the_line_and_the_region_that_has_the_number(self) -> None:
        Region.objects.get(slug="annandal").municipalities.create(number="3454", name="Vang")
        response = self.client.post(
            reverse("region_create"),
            {**VALDRES, "municipalities": "3451 Nord-Aurdal\n3452\n3454 Vang"},
        )
        error = text(find(parse(response), '//p[@id="id_municipalities_error"]'))
        self.assertIn("Linje 2", error)
        self.assertIn("3454 Vang høyrer alt til Annandal", error)


class CreateRegionCommandTests(BaseTestCase):
    def test_makes_the_region(self) -> None:
        out = StringIO()
        call_command(
            "create_region",
            "Valdres",
            "--council",
            "Valdres regionråd",
            "--municipality",
            "3451 Nord-Aurdal",
            "--municipality",
            "3454 Vang",
            stdout=out,
        )
        region = Region.objects.get(slug="valdres")
        self.assertEqual(region.municipalities.count(), 2)
        self.assertIn("valdres", out.getvalue())

    def test_refuses_bad_input_with_the_reason_and_makes_nothing(self) -> None:
        with self.assertRaisesMessage(CommandError, "fire siffer"):
            call_command("create_region", "Valdres", "--municipality", "34 Vang")
        with self.assertRaisesMessage(CommandError, "Gje minst éin kommune"):
            call_command("create_region", "Valdres")
        self.assertFalse(Region.objects.filter(slug="valdres").exists())
