"""Personal reporting links: issuing, resolving, refusing and revoking; a link belongs to
one round and ends with it."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from planstatus.plans.models import Plan
from planstatus.regions.models import Actor, Region
from planstatus.reporting.actions.links import (
    hash_token,
    issue_link,
    resolve_link,
    revoke_link,
)
from planstatus.reporting.actions.rounds import close_round
from planstatus.reporting.models import ReportingLink, ReportingLinkUse, ReportingRound
from tests.base import BaseTestCase

Action = ReportingLinkUse.Action
HOUR = datetime.timedelta(hours=1)


def altered(token: str) -> str:
    """The token with its last character changed: what a mistyped link looks like."""
    return token[:-1] + ("A" if token[-1] != "A" else "B")


class ReportingLinkTests(BaseTestCase):
    def setUp(self) -> None:
        self.now = timezone.now()
        self.expires = self.now + 30 * 24 * HOUR
        self.round = self.open_round("Vår")

    def open_round(self, title: str) -> ReportingRound:
        return ReportingRound.objects.create(
            plan=self.plan, title=title, deadline=timezone.localdate() + datetime.timedelta(7)
        )

    def issue(self, round: ReportingRound | None = None) -> tuple[ReportingLink, str]:
        return issue_link(
            actor=self.actor,
            round=round or self.round,
            expires_at=self.expires,
            user=self.owner,
            now=self.now,
        )

    def uses(self) -> list[tuple[int | None, str]]:
        return list(ReportingLinkUse.objects.order_by("pk").values_list("link_id", "action"))

    def test_issued_token_resolves_to_the_link(self) -> None:
        link, token = self.issue()
        self.assertEqual(link.token_hash, hash_token(token))
        self.assertEqual(link.created_by, self.owner)

        found = resolve_link(token=token, ip="192.0.2.7", user_agent="x" * 300, now=self.now + HOUR)

        self.assertEqual(found, link)
        use = ReportingLinkUse.objects.get()
        self.assertEqual((use.link, use.action, use.ip), (link, Action.OPENED, "192.0.2.7"))
        self.assertEqual(len(use.user_agent), 200)

    def test_the_given_action_is_logged_and_a_malformed_ip_is_dropped(self) -> None:
        link, token = self.issue()
        resolve_link(token=token, ip="not an address", action=Action.REPORTED, now=self.now)
        use = ReportingLinkUse.objects.get()
        self.assertEqual((use.link, use.action, use.ip), (link, Action.REPORTED, None))

    def test_no_raw_token_is_stored_anywhere(self) -> None:
        link, token = self.issue()
        resolve_link(token=token, now=self.now)
        resolve_link(token=altered(token), now=self.now)
        revoke_link(link=link, user=self.owner)
        resolve_link(token=token, now=self.now)
        _new_link, new_token = self.issue()

        rows = [*ReportingLink.objects.values(), *ReportingLinkUse.objects.values()]
        self.assertEqual(len(rows), 2 + 3)
        for row in rows:
            for column, value in row.items():
                for secret in (token, altered(token), new_token):
                    self.assertNotIn(secret, str(value), column)

    def test_altered_token_is_refused_and_logged_as_unknown(self) -> None:
        _link, token = self.issue()
        self.assertIsNone(resolve_link(token=altered(token), now=self.now))
        self.assertIsNone(resolve_link(token="", now=self.now))
        self.assertEqual(
            self.uses(), [(None, Action.REFUSED_UNKNOWN), (None, Action.REFUSED_UNKNOWN)]
        )

    def test_expired_link_is_refused_and_logged(self) -> None:
        link, token = self.issue()
        self.assertEqual(resolve_link(token=token, now=self.expires - HOUR), link)
        self.assertIsNone(resolve_link(token=token, now=self.expires))
        self.assertTrue(link.is_expired(self.expires))
        self.assertEqual(self.uses(), [(link.pk, Action.OPENED), (link.pk, Action.REFUSED_EXPIRED)])

    def test_revoked_link_is_refused_and_logged(self) -> None:
        link, token = self.issue()
        revoke_link(link=link, user=self.colleague)
        self.assertTrue(link.is_revoked)
        self.assertEqual(link.revoked_by, self.colleague)
        # Revocation wins over expiry: it says why the link stopped working.
        self.assertIsNone(resolve_link(token=token, now=self.expires + HOUR))
        self.assertEqual(self.uses(), [(link.pk, Action.REFUSED_REVOKED)])

    def test_revoking_twice_keeps_the_first_revocation(self) -> None:
        link, _token = self.issue()
        revoke_link(link=link, user=self.owner)
        first = link.revoked_at
        revoke_link(link=link, user=self.colleague)
        link.refresh_from_db()
        self.assertEqual((link.revoked_at, link.revoked_by), (first, self.owner))

    def test_anonymous_user_is_not_recorded(self) -> None:
        link, _token = issue_link(
            actor=self.actor,
            round=self.round,
            expires_at=self.expires,
            user=AnonymousUser(),
            now=self.now,
        )
        self.assertIsNone(link.created_by)

    def test_a_second_link_leaves_the_first_working(self) -> None:
        first, first_token = self.issue()
        second, second_token = self.issue()
        self.assertNotEqual(first_token, second_token)
        self.assertEqual(resolve_link(token=first_token, now=self.now), first)
        self.assertEqual(resolve_link(token=second_token, now=self.now), second)
        revoke_link(link=first, user=self.owner)
        self.assertIsNone(resolve_link(token=first_token, now=self.now))
        self.assertEqual(resolve_link(token=second_token, now=self.now), second)

    def test_closing_the_round_ends_its_links_and_a_new_round_does_not_revive_them(self) -> None:
        link, token = self.issue()
        close_round(round=self.round, user=self.owner)
        self.assertIsNone(resolve_link(token=token, now=self.now))
        later = self.open_round("Haust")
        later_link, later_token = self.issue(later)
        self.assertIsNone(resolve_link(token=token, now=self.now))
        self.assertEqual(resolve_link(token=later_token, now=self.now), later_link)
        self.assertEqual(
            self.uses(),
            [
                (link.pk, Action.REFUSED_CLOSED),
                (link.pk, Action.REFUSED_CLOSED),
                (later_link.pk, Action.OPENED),
            ],
        )

    def test_a_link_from_before_links_had_rounds_works_no_more(self) -> None:
        link, token = self.issue()
        ReportingLink.objects.filter(pk=link.pk).update(round=None)
        self.assertIsNone(resolve_link(token=token, now=self.now))
        self.assertEqual(self.uses(), [(link.pk, Action.REFUSED_CLOSED)])

    def test_cross_region_actor_and_plan_raise_and_write_nothing(self) -> None:
        other_region = Region.objects.create(slug="andredal", name="Andredal")
        other_plan = Plan.objects.create(
            region=other_region, slug="regionplan", kind=Plan.Kind.REGIONAL_PLAN, title="Annan"
        )
        other_actor = Actor.objects.create(region=other_region, name="Andredal regionråd")
        other_round = ReportingRound.objects.create(
            plan=other_plan, title="Vår", deadline=timezone.localdate()
        )

        for actor, plan, round in (
            (self.actor, other_plan, other_round),
            (other_actor, self.plan, self.round),
        ):
            with self.assertRaisesMessage(ValueError, "ulike regionar"):
                issue_link(actor=actor, round=round, expires_at=self.expires, now=self.now)
            unsaved = ReportingLink(
                actor=actor, plan=plan, token_hash="0" * 64, expires_at=self.expires
            )
            with self.assertRaises(ValidationError):
                unsaved.full_clean()
        self.assertFalse(ReportingLink.objects.exists())
        self.assertFalse(ReportingLinkUse.objects.exists())

    def test_expiry_in_the_past_or_without_time_zone_is_refused(self) -> None:
        for expires_at in (self.now, self.now - HOUR, timezone.make_naive(self.expires)):
            with self.assertRaises(ValueError):
                issue_link(actor=self.actor, round=self.round, expires_at=expires_at, now=self.now)
        self.assertFalse(ReportingLink.objects.exists())

    def test_str_shows_neither_token_nor_hash(self) -> None:
        link, token = self.issue()
        text = str(link)
        self.assertIn(self.actor.name, text)
        self.assertNotIn(token, text)
        self.assertNotIn(link.token_hash, text)
        self.assertNotIn(link.token_hash[:8], text)
