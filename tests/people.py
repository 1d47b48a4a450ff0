"""Named people and a small real corpus for the accounts and saved-search tests.

alice and bob (healthchecks style; each test module makes them fixtures), so
privacy tests read like sentences; the seed determinations from ../shared, and a
way to add a new one that matches.
"""
from __future__ import annotations

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.test import Client

from saved import saving
from saved.models import SavedQuery
from search.ingest import ingest_paths

from .conftest import SEEDS, seed_text
from .snapshots import Ingested

PASSWORD = "correct horse battery staple"
# Seed 001 has two items: "Valium 10mg #90" and "Norco 10.325mg #90".
SEED_WITH_ONE_VALIUM = "001_dc3f27e9efaf9617.txt"


def make_user(name: str):
    return get_user_model().objects.create_user(name, f"{name}@example.org", PASSWORD)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ingest_seeds(ingested: Ingested) -> None:
    """The seed determinations (a copy of a session's first ingest of them: tests/snapshots.py)."""
    ingested(SEEDS)
    time.sleep(0.002)  # "new" is compared in whole milliseconds: keep the seeds strictly older


def save(user, query: str, name: str = "Valium", **fields) -> SavedQuery:
    saved = saving.save_query(user=user, name=name, query=query)
    if fields:
        SavedQuery.objects.filter(pk=saved.pk).update(**fields)
        saved.refresh_from_db()
    time.sleep(0.002)
    return saved


def ingest_new_copy(folder: Path, *, seed: str = SEED_WITH_ONE_VALIUM, tag: str = "a") -> str:
    """Store a new determination: a seed with one word changed (a new file, a new slug); returns its slug."""
    text = seed_text(seed).replace("injured worker", f"injured employee ({tag})", 1)
    path = folder / f"new-{tag}-{seed}"
    path.write_text(text)
    report = ingest_paths([path])
    (result,) = report.results
    assert result.status == "stored", result
    return result.slug
