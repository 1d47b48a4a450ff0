from django.contrib import admin

from .models import RecentSearch, SavedQuery, SentItem


@admin.register(SavedQuery)
class SavedQueryAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "alert_frequency", "created_at", "last_seen_at", "last_alert_at")
    list_filter = ("alert_frequency",)
    search_fields = ("name", "query", "user__username", "user__email")
    raw_id_fields = ("user",)
    readonly_fields = ("unsubscribe_token",)


@admin.register(SentItem)
class SentItemAdmin(admin.ModelAdmin):
    list_display = ("key", "saved_query", "sent_at")
    search_fields = ("key", "saved_query__name")
    raw_id_fields = ("saved_query",)


@admin.register(RecentSearch)
class RecentSearchAdmin(admin.ModelAdmin):
    list_display = ("query", "user", "ran_at")
    search_fields = ("query", "user__username")
    raw_id_fields = ("user",)
