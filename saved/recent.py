"""A signed-in user's last searches: newest first, each search once, at most KEEP."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .models import RecentSearch
from .queries import MAX_QUERY_STRING, normalize

KEEP = 20


def remember(*, user, query: str) -> None:
    """Put ``query`` on top of the user's recent searches (moving it if it was there), keeping KEEP."""
    query = normalize(query)
    if not query or len(query) > MAX_QUERY_STRING:
        return
    with transaction.atomic():
        RecentSearch.objects.filter(user=user, query=query).delete()
        RecentSearch.objects.create(user=user, query=query, ran_at=timezone.now())
        stale = RecentSearch.objects.filter(user=user).values_list("pk", flat=True)[KEEP:]
        RecentSearch.objects.filter(pk__in=list(stale)).delete()


def recent(user) -> list[RecentSearch]:
    return list(RecentSearch.objects.filter(user=user)[:KEEP])


def clear(user) -> int:
    return RecentSearch.objects.filter(user=user).delete()[0]
