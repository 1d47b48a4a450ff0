"""The index follows the database: admin edits reach search through the one writer, and a
check compares what each item's index entry holds with what the database holds."""
from __future__ import annotations

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from search import engine
from search.admin import INDEXING_NOTE
from search.engine import SearchParams
from search.ingest import ingest_paths
from search.models import Determination, DisputedItem

from .conftest import SEEDS

NEW_WORD = "zanzibarite"


def form_data(response) -> dict[str, str]:
    """The admin change form's data as the browser would post it unchanged: the main form and
    every inline formset, from the page's own bound fields."""
    data: dict[str, str] = {}

    def add(form) -> None:
        for name, field in form.fields.items():
            value = field.prepare_value(form[name].value())
            if isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
            elif value is not None and not hasattr(value, "url"):  # a stored file stays as it is
                data[form.add_prefix(name)] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def only_word_of(item: DisputedItem) -> str:
    """A word of the item's rationale that no other item's rationale holds."""
    for word in sorted(set(re.findall(r"[a-z]{4,}", item.rationale.lower())), key=len, reverse=True):
        if engine.count(SearchParams(q=f"rationale:{word}")) == 1:
            return word
    raise AssertionError("no word of its own")


def items_found(q: str) -> set[str]:
    return {hit.key for hit in engine.search(SearchParams(q=q, per_page=100)).hits}


@pytest.mark.django_db(transaction=True)
def test_an_edit_in_the_admin_is_found_in_search_within_seconds_and_the_old_text_is_not(data_dir):
    ingest_paths([SEEDS])
    item = DisputedItem.objects.select_related("determination").order_by("pk").first()
    old_word = only_word_of(item)
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
    client = Client()
    client.force_login(admin)
    url = reverse("admin:search_determination_change", args=[item.determination.pk])
    data = form_data(client.get(url))
    field = next(name for name, value in data.items() if name.endswith("-rationale") and value == item.rationale)
    data[field] = f"The {NEW_WORD} request is not supported by the guidelines."

    response = client.post(url, data, follow=True)

    assert response.status_code == 200 and not response.context.get("errors"), response.context.get("errors")
    assert INDEXING_NOTE in response.content.decode()
    assert DisputedItem.objects.get(pk=item.pk).rationale.startswith(f"The {NEW_WORD}")
    key = f"{item.determination.slug}#{item.position}"
    deadline = time.monotonic() + 60
    while items_found(f"rationale:{NEW_WORD}") != {key} and time.monotonic() < deadline:
        time.sleep(0.2)
    assert items_found(f"rationale:{NEW_WORD}") == {key}
    assert key not in items_found(f"rationale:{old_word}")
    assert Determination.objects.get(pk=item.determination.pk).indexed
    call_command("check_index")  # raises if the index and the database differ


@pytest.mark.django_db
def test_an_item_changed_behind_the_index_is_named_by_check_index_and_mended_by_sync_index(data_dir, capsys):
    ingest_paths([SEEDS])
    item = DisputedItem.objects.select_related("determination").order_by("-pk").first()
    key = f"{item.determination.slug}#{item.position}"
    DisputedItem.objects.filter(pk=item.pk).update(rationale=f"Replaced: {NEW_WORD}.")  # updated_at unchanged

    with pytest.raises(CommandError) as refused:
        call_command("check_index")
    assert refused.value.returncode == 1
    assert f"1 item(s) indexed with other content than the database holds: {key}" in capsys.readouterr().out

    call_command("sync_index")
    assert "refreshed 1," in capsys.readouterr().out
    call_command("check_index")
    assert items_found(f"rationale:{NEW_WORD}") == {key}
