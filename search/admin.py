from django.contrib import admin

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


@admin.register(DisputedItem)
class DisputedItemAdmin(admin.ModelAdmin):
    list_display = ("determination", "position", "request", "outcome", "drug", "category")
    list_filter = ("outcome", "category")
    search_fields = ("request", "drug", "brand", "determination__case_number")
