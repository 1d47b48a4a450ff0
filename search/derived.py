"""What the parse derives from a stored item's own text, derived again after its rules change.

An item's stated reasons (reasons.labels over its rationale) and its guideline citations
(citations.parse_citations over its MAXIMUS guideline line) are stored beside the text they come
from. When the rules improve, ``rederive`` brings every stored item up to them: batch by batch,
each batch in one transaction (a killed run leaves every item either as it was or fully updated),
touching only the items whose reasons or citations come out different. The index takes the new
values at the next ``manage.py reindex`` (``manage.py rederive --reindex`` runs it).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction

from .citations import parse_citations
from .reasons import labels
from .sections import store_citations

BATCH = 1000


@dataclass
class Rederived:
    items: int = 0  # items read
    reasons: int = 0  # items whose stated reasons changed
    citations: int = 0  # items whose citations changed


def _citation_facts(section_key: str, pages: str, edition: str) -> tuple[str, str, str]:
    return section_key, pages[:120], edition[:60]


def rederive(*, item_model: type[models.Model], section_model: type[models.Model],
             citation_model: type[models.Model], batch: int = BATCH,
             on_batch: Callable[[Rederived], None] | None = None) -> Rederived:
    """Re-derive every stored item's reasons and citations; returns what changed. Takes the model
    classes so a data migration can pass its own."""
    done = Rederived()
    last = 0
    while True:
        with transaction.atomic():
            items = list(item_model.objects.filter(pk__gt=last).order_by("pk")[:batch])
            if not items:
                return done
            stored: dict[int, list[tuple[str, str, str]]] = {item.pk: [] for item in items}
            for item_id, key, pages, edition in (citation_model.objects.filter(item__in=items)
                                                 .order_by("item_id", "position")
                                                 .values_list("item_id", "section__key", "pages", "edition")):
                stored[item_id].append((key, pages, edition))
            changed_reasons, changed_citations = [], []
            for item in items:
                reasons = labels(item.rationale, item.outcome)
                if reasons != item.reasons:
                    item.reasons = reasons
                    changed_reasons.append(item)
                citations = parse_citations(item.maximus_guideline)
                if [_citation_facts(c.key, c.pages, c.edition) for c in citations] != stored[item.pk]:
                    changed_citations.append((item.pk, citations))
            if changed_reasons:
                item_model.objects.bulk_update(changed_reasons, ["reasons"])
            if changed_citations:
                citation_model.objects.filter(item__in=[key for key, _ in changed_citations]).delete()
                store_citations(changed_citations, section_model=section_model, citation_model=citation_model)
        done.items += len(items)
        done.reasons += len(changed_reasons)
        done.citations += len(changed_citations)
        last = items[-1].pk
        if on_batch:
            on_batch(done)
