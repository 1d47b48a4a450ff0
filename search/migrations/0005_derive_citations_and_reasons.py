"""Citations and stated reasons for the items stored before the parse read them.

Derived from each item's stored MAXIMUS guideline line and rationale with the parse's own
functions (citations.parse_citations, reasons.labels), a thousand items at a time. The index
takes them at the next `python manage.py reindex` (README: after upgrading).
"""
from django.db import migrations

BATCH = 1000


def derive(apps, schema_editor):
    from search.citations import parse_citations
    from search.reasons import labels
    from search.sections import store_citations

    item_model = apps.get_model("search", "DisputedItem")
    section_model = apps.get_model("search", "GuidelineSection")
    citation_model = apps.get_model("search", "Citation")
    last = 0
    while True:
        items = list(item_model.objects.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not items:
            return
        for item in items:
            item.reasons = labels(item.rationale, item.outcome)
        item_model.objects.bulk_update(items, ["reasons"])
        store_citations([(item.pk, parse_citations(item.maximus_guideline)) for item in items],
                        section_model=section_model, citation_model=citation_model)
        last = items[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0004_citations_and_reasons"),
    ]

    operations = [
        migrations.RunPython(derive, migrations.RunPython.noop),
    ]
