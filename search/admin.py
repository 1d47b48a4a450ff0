"""The admin: edits reach search through the one writer, never from the web worker.

Saving or deleting flags the change and starts the background indexer (search/background.py),
which holds the writer lock and indexes it within seconds.
"""
from django.contrib import admin, messages

from . import background
from .models import Determination, DisputedItem, EarlierVersion

INDEXING_NOTE = "Search will show this change within a few seconds: the background indexer is updating the index."


def _changed(request, determination_ids: list[int], *, removed: list[str] = ()) -> None:
    Determination.objects.filter(pk__in=determination_ids).update(indexed=False)
    background.start_indexer(remove=removed)
    messages.info(request, INDEXING_NOTE)


class DisputedItemInline(admin.StackedInline):
    model = DisputedItem
    extra = 0


class EarlierVersionInline(admin.TabularInline):
    """Files this determination was stored from before: kept as they were, never edited here."""

    model = EarlierVersion
    extra = 0
    can_delete = False
    fields = readonly_fields = ("source_name", "original", "sha256", "stored_at", "replaced_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Determination)
class DeterminationAdmin(admin.ModelAdmin):
    list_display = ("slug", "decision_date", "injury_date", "source_name", "indexed", "updated_at")
    list_filter = ("indexed",)
    search_fields = ("slug", "case_number", "source_name")
    date_hierarchy = "decision_date"
    inlines = [DisputedItemInline, EarlierVersionInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the inline items are saved here
        _changed(request, [form.instance.pk])

    def delete_model(self, request, obj):
        slug = obj.slug
        super().delete_model(request, obj)
        _changed(request, [], removed=[slug])

    def delete_queryset(self, request, queryset):
        slugs = list(queryset.values_list("slug", flat=True))
        super().delete_queryset(request, queryset)
        _changed(request, [], removed=slugs)


@admin.register(DisputedItem)
class DisputedItemAdmin(admin.ModelAdmin):
    list_display = ("determination", "position", "request", "outcome", "drug", "category")
    list_filter = ("outcome", "category")
    search_fields = ("request", "drug", "brand", "determination__case_number")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _changed(request, [obj.determination_id])

    def delete_model(self, request, obj):
        determination = obj.determination_id
        super().delete_model(request, obj)
        _changed(request, [determination])

    def delete_queryset(self, request, queryset):
        determinations = list(queryset.values_list("determination_id", flat=True).distinct())
        super().delete_queryset(request, queryset)
        _changed(request, determinations)
