"""Alert emails: each user's due saved searches, their new items, one message per user.

Never twice, even when killed: for each user the items are first *recorded* as
sent (SentItem rows, unique per saved search and item) and the searches marked
as handled, in one transaction; only after it commits is the email sent, with
exactly the items that transaction recorded. So:

* a second run, or a run racing this one, finds the rows and sends nothing again
  (a racing run that inserts the same row first makes this one's transaction fail
  on the unique constraint, and this one sends nothing for that user);
* a kill -9 between the commit and the send loses that one email (the items stay
  recorded) rather than ever sending it twice; "at most once" is the promise;
* a send that *fails* with an exception (SMTP down) is undone: the rows of this
  run are deleted and the searches marked due again, so the next run retries.

Which items are candidates: matching items stored after ``alerts_since`` (when
the alert was turned on) and no earlier than a day before the last run. The
day's overlap catches an item whose stored time precedes the last run but that
reached the index after it (indexing lags the database); the SentItem rows stop
it from being sent twice.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import groupby

from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from search import engine
from search.engine import Hit, QueryError

from .models import SavedQuery, SentItem
from .queries import InvalidQuery, params_for

log = logging.getLogger("imr.alerts")

OVERLAP = timedelta(days=1)
# A daily job that started a few seconds later yesterday must not skip today; small enough
# that an hourly job does not creep earlier each day.
SLACK = timedelta(minutes=10)
MAX_LISTED = 25  # items listed per saved search in one email; the rest are a link away
CHUNK = 500  # keys per IN (...) query: SQLite caps the number of parameters


def is_due(saved: SavedQuery, now: datetime) -> bool:
    period = SavedQuery.PERIODS.get(saved.alert_frequency)
    if period is None:
        return False
    return saved.last_alert_at is None or now - saved.last_alert_at >= period - SLACK


def window_start(saved: SavedQuery) -> datetime:
    if saved.last_alert_at is None:
        return saved.alerts_since
    return max(saved.alerts_since, saved.last_alert_at - OVERLAP)


def candidate_hits(saved: SavedQuery) -> list[Hit]:
    params = params_for(saved.query)
    params.added_after = window_start(saved)
    return list(engine.iter_matches(params))


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@dataclass
class Section:
    saved: SavedQuery
    hits: list[Hit]
    previous_alert_at: datetime | None

    @property
    def listed(self) -> list[dict]:
        return [
            {"hit": hit, "url": absolute(f"{reverse('determination', args=[hit.slug])}#{hit.anchor}")}
            for hit in self.hits[:MAX_LISTED]
        ]

    @property
    def more(self) -> int:
        return max(0, len(self.hits) - MAX_LISTED)

    @property
    def open_url(self) -> str:
        return absolute(self.saved.get_absolute_url())

    @property
    def unsubscribe_url(self) -> str:
        return absolute(reverse("saved:unsubscribe", args=[self.saved.unsubscribe_token]))


@dataclass
class Digest:
    user: object
    sections: list[Section]
    at: datetime

    @property
    def item_count(self) -> int:
        return sum(len(section.hits) for section in self.sections)


@dataclass
class Report:
    due: int = 0
    emails: int = 0
    items: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{self.due} due saved search(es): sent {self.emails} email(s) with {self.items} new item(s)"


def _chunks(values: list[str]):
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def _already_sent(saved: SavedQuery, keys: list[str]) -> set[str]:
    sent: set[str] = set()
    for chunk in _chunks(keys):
        sent.update(SentItem.objects.filter(saved_query=saved, key__in=chunk).values_list("key", flat=True))
    return sent


def claim(user, candidates: dict[int, list[Hit]], now: datetime) -> Digest:
    """Record as sent what is new and unsent in ``user``'s due searches, and mark them handled; one transaction."""
    sections = []
    with transaction.atomic():
        locked = SavedQuery.objects.select_for_update().filter(pk__in=list(candidates), user=user).order_by("pk")
        for saved in locked:
            if not is_due(saved, now):  # a racing run got here first
                continue
            hits = candidates[saved.pk]
            sent = _already_sent(saved, [hit.key for hit in hits])
            fresh = [hit for hit in hits if hit.key not in sent]
            SentItem.objects.bulk_create([SentItem(saved_query=saved, key=h.key, sent_at=now) for h in fresh],
                                         batch_size=CHUNK)
            previous, saved.last_alert_at = saved.last_alert_at, now
            saved.save(update_fields=["last_alert_at"])
            if fresh:
                sections.append(Section(saved, fresh, previous))
    return Digest(user, sections, now)


def release(digest: Digest) -> None:
    """Undo a claim whose email could not be sent, so the next run tries again."""
    with transaction.atomic():
        for section in digest.sections:
            SentItem.objects.filter(saved_query=section.saved, sent_at=digest.at).delete()
            SavedQuery.objects.filter(pk=section.saved.pk).update(last_alert_at=section.previous_alert_at)


def message(digest: Digest, *, connection=None) -> mail.EmailMessage:
    context = {"digest": digest, "user": digest.user, "site_url": settings.SITE_URL.rstrip("/"),
               "saved_url": absolute(reverse("saved:list"))}
    # One line whatever a saved search's name holds: a CR or LF in a header would fail every send.
    subject = " ".join(render_to_string("saved/email/alerts_subject.txt", context).split())
    body = render_to_string("saved/email/alerts.txt", context)
    return mail.EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [digest.user.email], connection=connection)


def due_searches(now: datetime) -> list[SavedQuery]:
    queries = (SavedQuery.objects.exclude(alert_frequency=SavedQuery.Frequency.OFF)
               .filter(user__is_active=True).exclude(user__email="")
               .select_related("user").order_by("user_id", "pk"))
    return [saved for saved in queries if is_due(saved, now)]


def send_alerts(*, now: datetime | None = None) -> Report:
    """Email every user the new items of their due alerts; see the module docstring for the guarantees."""
    now = now or timezone.now()
    due = due_searches(now)
    report = Report(due=len(due))
    with mail.get_connection() as connection:
        for user, group in groupby(due, key=lambda saved: saved.user):
            _alert_user(user, list(group), now, report, connection)
    return report


def _alert_user(user, due: list[SavedQuery], now: datetime, report: Report, connection) -> None:
    candidates: dict[int, list[Hit]] = {}
    for saved in due:
        try:
            candidates[saved.pk] = candidate_hits(saved)
        except (InvalidQuery, QueryError) as error:
            # Still marked handled (with nothing sent), so a broken search is not retried every run.
            candidates[saved.pk] = []
            report.problems.append(f"saved search {saved.pk} ({user}) cannot be run: {error}")
    try:
        digest = claim(user, candidates, now)
    except IntegrityError:
        report.problems.append(f"{user}: another send_alerts run is sending these; skipped")
        return
    if not digest.sections:
        return
    try:
        message(digest, connection=connection).send()
    except Exception as error:  # any failure to hand the email over: undo, so nothing is lost
        release(digest)
        log.exception("alert email to %s failed; will retry on the next run", user)
        report.problems.append(f"{user}: the email could not be sent ({error}); will retry")
        return
    report.emails += 1
    report.items += digest.item_count
