"""A search as a query string: kept as the search page wrote it, read back into SearchParams.

A saved or recent search is the search page's own query string, so opening it
is exactly the search the user ran, and a link to it is ``/search/?<query>``.
Only the search form's parameters are kept: not the page number (a saved search
starts at page one), nor anything else that rode along in the URL.
"""
from __future__ import annotations

from django.http import QueryDict
from django.urls import reverse

from search.citator import shown_values
from search.engine import FACETS, SCOPES, SORTS, SearchParams
from search.forms import SearchForm, error_text

MAX_QUERY_STRING = 4000
SEARCH_FIELDS = ("q", "scope", "date_from", "date_to", "sort")
KEPT = (*SEARCH_FIELDS, *FACETS)


class InvalidQuery(ValueError):
    """The query string does not describe a search the search page would run."""


def normalize(query: str | QueryDict) -> str:
    """The query string with only the search's own parameters, in their page order, blanks dropped."""
    data = QueryDict(query) if isinstance(query, str) else query
    kept = QueryDict(mutable=True)
    for name in KEPT:
        values = [v for v in data.getlist(name) if v.strip()]
        if values:
            kept.setlist(name, values)
    return kept.urlencode()


def same_search(a: str | QueryDict, b: str | QueryDict) -> bool:
    """Whether two query strings describe one search, whatever the order of their parameters."""
    def pairs(query):
        data = QueryDict(normalize(query))
        return sorted((name, value) for name in data for value in data.getlist(name))
    return pairs(a) == pairs(b)


def params_for(query: str, *, page: int = 1) -> SearchParams:
    """The search a stored query string describes; raises InvalidQuery as the search page would refuse it."""
    data = QueryDict(query)
    form = SearchForm(data)
    if not form.is_valid():
        raise InvalidQuery(error_text(form))
    params = form.to_params(data)
    params.page = page
    return params


def search_url(query: str) -> str:
    return f"{reverse('search')}?{query}" if query else reverse('search')


def describe(query: str, *, quote: bool = True) -> str:
    """One line a person reads: the words, then each filter, the dates and a non-default sort."""
    data = QueryDict(query)
    words = data.get("q", "").strip()
    parts = [f"“{words}”" if quote else words] if words else []
    if words and (scope := data.get("scope")) in SCOPES and scope != "item":
        parts.append(SCOPES[scope].lower())
    for name, label in FACETS.items():
        if values := data.getlist(name):
            parts.append(f"{label}: {', '.join(shown_values(name, values))}")
    start, end = data.get("date_from", ""), data.get("date_to", "")
    if start or end:
        parts.append(f"decided {start or '…'} – {end or '…'}")
    if (sort := data.get("sort")) and sort in SORTS and sort != ("relevance" if data.get("q") else "newest"):
        parts.append(SORTS[sort])
    return " · ".join(parts) or "All determinations"
