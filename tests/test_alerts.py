"""Alert emails through the test outbox: the right items, one message per user, never twice."""
from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from saved import alerts
from saved.models import SavedQuery, SentItem

from .people import ingest_new_copy, ingest_seeds, save, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeds(ingested, db):
    ingest_seeds(ingested)


VALIUM = "drug=diazepam"
NORCO = "drug=hydrocodone%2Facetaminophen"
DAY = timedelta(days=1)


def later(delta: timedelta = timedelta(0)):
    return timezone.now() + delta


def links(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


@pytest.fixture
def daily_valium(alice, seeds):
    return save(alice, VALIUM, name="Valium watch", alert_frequency="daily")


def test_it_emails_the_new_items_and_only_once_even_when_run_twice(daily_valium, tmp_path):
    slug = ingest_new_copy(tmp_path)
    alerts.send_alerts()
    alerts.send_alerts()
    alerts.send_alerts(now=later(2 * DAY))
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert "Valium watch: 1 new item" in message.body
    assert f"http://127.0.0.1:8000/determinations/{slug}/#item-1" in message.body
    assert "Norco" not in message.body  # the copy's other item does not match
    assert list(SentItem.objects.values_list("key", flat=True)) == [f"{slug}#1"]


def test_nothing_is_sent_when_nothing_is_new(daily_valium):
    assert alerts.send_alerts().emails == 0
    assert mail.outbox == []


def test_items_stored_before_the_search_was_saved_are_not_alerted(daily_valium):
    alerts.send_alerts(now=later(DAY))
    assert mail.outbox == []  # the seeds hold five diazepam items, all older than the alert


def test_one_message_per_user_for_all_her_due_searches(alice, bob, daily_valium, tmp_path):
    save(alice, NORCO, name="Norco watch", alert_frequency="weekly")
    save(bob, VALIUM, name="Bob's valium", alert_frequency="daily")
    save(alice, VALIUM, name="Not alerted")  # alerts off
    ingest_new_copy(tmp_path)
    report = alerts.send_alerts()
    assert report.emails == 2 and report.items == 3
    by_user = {message.to[0]: message for message in mail.outbox}
    assert set(by_user) == {"alice@example.org", "bob@example.org"}
    alices = by_user["alice@example.org"].body
    assert "Valium watch: 1 new item" in alices and "Norco watch: 1 new item" in alices
    assert "Not alerted" not in alices and "Bob's valium" not in alices
    assert "2 new items in 2 saved searches" in by_user["alice@example.org"].subject


def test_a_daily_alert_waits_a_day_and_a_weekly_one_a_week(alice, daily_valium, tmp_path):
    weekly = save(alice, VALIUM, name="Weekly valium", alert_frequency="weekly")
    alerts.send_alerts()  # handles both: nothing new yet
    ingest_new_copy(tmp_path, tag="a")
    alerts.send_alerts(now=later(timedelta(hours=3)))
    assert mail.outbox == []  # neither is due again yet
    alerts.send_alerts(now=later(DAY))
    (daily,) = mail.outbox
    assert "Valium watch" in daily.body and "Weekly valium" not in daily.body
    alerts.send_alerts(now=later(7 * DAY))
    assert len(mail.outbox) == 2
    assert "Weekly valium: 1 new item" in mail.outbox[1].body and "Valium watch" not in mail.outbox[1].body
    weekly.refresh_from_db()
    assert weekly.last_alert_at > later(6 * DAY)


def test_each_email_links_to_the_items_the_search_and_an_unsubscribe_page(daily_valium, tmp_path, settings):
    settings.SITE_URL = "https://imr.example.org/"
    ingest_new_copy(tmp_path)
    alerts.send_alerts()
    (message,) = mail.outbox
    urls = links(message)
    assert all(url.startswith("https://imr.example.org/") for url in urls)
    assert f"https://imr.example.org/saved/{daily_valium.pk}/" in urls
    assert f"https://imr.example.org/saved/unsubscribe/{daily_valium.unsubscribe_token}/" in urls


def test_the_unsubscribe_link_stops_the_alerts_without_signing_in(daily_valium):
    client = Client()
    path = reverse("saved:unsubscribe", args=[daily_valium.unsubscribe_token])
    page = client.get(path).content.decode()
    assert "Stop these alerts?" in page
    daily_valium.refresh_from_db()
    assert daily_valium.alert_frequency == "daily"  # a link scanner's GET changes nothing
    assert "Alerts stopped" in client.post(path).content.decode()
    daily_valium.refresh_from_db()
    assert daily_valium.alert_frequency == "off"
    assert client.get(reverse("saved:unsubscribe", args=["not-a-token"])).status_code == 404


def test_a_send_that_fails_is_retried_on_the_next_run(daily_valium, tmp_path):
    slug = ingest_new_copy(tmp_path)
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=ConnectionRefusedError("smtp down")):
        report = alerts.send_alerts()
    assert report.emails == 0 and "will retry" in report.problems[0]
    assert not SentItem.objects.exists()
    alerts.send_alerts()
    (message,) = mail.outbox
    assert f"/determinations/{slug}/#item-1" in message.body


def test_a_run_killed_after_recording_never_sends_the_items_twice(daily_valium, tmp_path):
    ingest_new_copy(tmp_path)
    # What a run does before its email goes out: record the items, mark the search handled. Then kill -9.
    now = timezone.now()
    digest = alerts.claim(daily_valium.user, {daily_valium.pk: alerts.candidate_hits(daily_valium)}, now)
    assert digest.item_count == 1
    alerts.send_alerts(now=now + 2 * DAY)
    assert mail.outbox == []  # at most once: that one email is lost, never duplicated


def test_an_item_that_reaches_the_index_after_a_run_is_still_sent_once(daily_valium, tmp_path):
    alerts.send_alerts()
    slug = ingest_new_copy(tmp_path)
    # Its stored time is before the next run's window would start without the overlap.
    SavedQuery.objects.filter(pk=daily_valium.pk).update(last_alert_at=timezone.now() + timedelta(minutes=5))
    alerts.send_alerts(now=later(DAY + timedelta(minutes=10)))
    alerts.send_alerts(now=later(2 * DAY + timedelta(minutes=10)))
    (message,) = mail.outbox
    assert f"/determinations/{slug}/#item-1" in message.body


def test_turning_alerts_on_alerts_only_what_arrives_afterwards(alice, seeds, tmp_path):
    saved = save(alice, VALIUM)
    ingest_new_copy(tmp_path, tag="before")
    signed_in(alice).post(reverse("saved:alerts", args=[saved.pk]), {"alert_frequency": "daily"})
    alerts.send_alerts()
    assert mail.outbox == []
    slug = ingest_new_copy(tmp_path, tag="after")
    alerts.send_alerts(now=later(DAY))
    (message,) = mail.outbox
    assert f"/determinations/{slug}/#item-1" in message.body and "1 new item" in message.body


def test_users_without_an_email_address_are_skipped(alice, daily_valium, tmp_path):
    alice.email = ""
    alice.save()
    ingest_new_copy(tmp_path)
    assert alerts.send_alerts().due == 0 and mail.outbox == []


def test_the_command_sends_and_says_what_it_did(daily_valium, tmp_path, capsys):
    ingest_new_copy(tmp_path)
    call_command("send_alerts")
    assert "sent 1 email(s) with 1 new item(s)" in capsys.readouterr().out
    call_command("send_alerts")
    assert len(mail.outbox) == 1
