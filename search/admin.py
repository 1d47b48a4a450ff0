from django.contrib import admin

from . import indexing
from .models import Determination, DisputedItem


class DisputedItemInline(admin.StackedInline):
    model = DisputedItem
    extra = 0


@admin.register(Determination)
class DeterminationAdmin(admin.ModelAdmin):
    list_display = ("slug", "decision_date", "injury_date", "source_name", "indexed", "updated_at")
    list_filter = ("indexed",)
    search_fields = ("slug", "case_number", "source_name")
    date_hierarchy = "decision_date"
    inlines = [DisputedItemInline]

    # The index follows the database explicitly (no signals): a deleted determination leaves it here.
    def delete_model(self, request, obj):
        slug = obj.slug
        super().delete_model(request, obj)
        indexing.remove([slug])

    def delete_queryset(self, request, queryset):
        slugs = list(queryset.values_list("slug", flat=True))
        super().delete_queryset(request, queryset)
        for slug in slugs:
            indexing.remove([slug])

    def save_model(self, request, obj, form, change):
        obj.indexed = False  # an edit in the admin is indexed by the next ingest or reindex
        super().save_model(request, obj, form, change)
        indexing.index_pending()


@admin.register(DisputedItem)
class DisputedItemAdmin(admin.ModelAdmin):
    list_display = ("determination", "position", "request", "outcome", "drug", "category")
    list_filter = ("outcome", "category")
    search_fields = ("request", "drug", "brand", "determination__case_number")
