"""Saved searches and recent searches: each view a form, one call, a render.

Every saved search a signed-in user reaches goes through ``saved_query_for``,
which looks it up among that user's own: anyone else's is a 404, never a 403,
so ids reveal nothing.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from search.engine import FACETS

from . import newness, recent, saving
from .forms import AlertForm, RenameForm, SaveQueryForm
from .models import SavedQuery
from .queries import describe, normalize, same_search, search_url


def saved_query_for(user, pk: int) -> SavedQuery:
    """The one way to reach a saved search: only among ``user``'s own."""
    return get_object_or_404(SavedQuery, pk=pk, user=user)


@login_required
@require_http_methods(["GET", "POST"])
def saved_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _save(request)
    rows = newness.overview(request.user.saved_queries.all())
    return render(request, "saved/list.html", {"rows": rows, "frequencies": SavedQuery.Frequency.choices})


def _save(request: HttpRequest) -> HttpResponse:
    form = SaveQueryForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "saved/save_failed.html", {"form": form}, status=400)
    saved = saving.save_query(user=request.user, **form.cleaned_data)
    messages.success(request, f"Saved “{saved.name}”.")
    return redirect("saved:list")


@login_required
@require_GET
def open_saved(request: HttpRequest, pk: int) -> HttpResponse:
    saved = saved_query_for(request.user, pk)
    asked = request.GET.copy()
    page = asked.pop("page", [None])[-1]
    if asked and not same_search(asked, saved.query):
        # A facet or chip link on the rerun page changes the search: that is a new search.
        return redirect(search_url(normalize(request.GET)))
    opened_at = timezone.now()  # before searching: whatever is stored later is new next time
    run = newness.rerun(saved, page=page)
    if run.first_opening and run.result is not None:
        newness.mark_seen(saved, since=run.since, opened_at=opened_at)
    context = {"form": run.form, "result": run.result, "error": run.error, "facet_labels": FACETS,
               "query": run.query, "saved": saved, "new_keys": run.new_keys, "new_count": run.new_count,
               "new_since": run.since}
    return render(request, "search/results.html", context, status=run.status)


@login_required
@require_http_methods(["GET", "POST"])
def rename(request: HttpRequest, pk: int) -> HttpResponse:
    saved = saved_query_for(request.user, pk)
    form = RenameForm(request.POST or None, instance=saved)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Renamed to “{saved.name}”.")
        return redirect("saved:list")
    status = 400 if form.is_bound else 200
    return render(request, "saved/rename.html", {"form": form, "saved": saved}, status=status)


@login_required
@require_POST
def duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    copy = saving.duplicate(saved_query_for(request.user, pk))
    messages.success(request, f"Saved a copy as “{copy.name}”.")
    return redirect("saved:list")


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = saved_query_for(request.user, pk)
    if request.method == "POST":
        saved.delete()
        messages.success(request, f"Deleted “{saved.name}”.")
        return redirect("saved:list")
    return render(request, "saved/delete.html", {"saved": saved, "description": describe(saved.query)})


@login_required
@require_POST
def alerts(request: HttpRequest, pk: int) -> HttpResponse:
    saved = saved_query_for(request.user, pk)
    form = AlertForm(request.POST)
    if form.is_valid():
        saving.set_frequency(saved, form.cleaned_data["alert_frequency"])
        messages.success(request, f"Alerts for “{saved.name}”: {saved.get_alert_frequency_display().lower()}.")
    else:
        messages.error(request, "Choose off, daily or weekly.")
    return redirect("saved:list")


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    # No sign-in: the token in the email is the proof. GET only shows the button, so
    # a mail scanner following links cannot unsubscribe anyone.
    if request.method == "POST":
        saved = saving.unsubscribe(token)
    else:
        saved = SavedQuery.objects.filter(unsubscribe_token=token).first()
    if saved is None:
        return render(request, "saved/unsubscribe.html", {"saved": None}, status=404)
    return render(request, "saved/unsubscribe.html", {"saved": saved, "done": request.method == "POST"})


@login_required
@require_GET
def recent_list(request: HttpRequest) -> HttpResponse:
    searches = [{"search": s, "description": describe(s.query), "url": search_url(s.query)}
                for s in recent.recent(request.user)]
    return render(request, "saved/recent.html", {"searches": searches})


@login_required
@require_POST
def recent_clear(request: HttpRequest) -> HttpResponse:
    recent.clear(request.user)
    messages.success(request, "Cleared your recent searches.")
    return redirect("saved:recent")
