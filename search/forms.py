"""The search form: what the page and the API accept, read in one place."""
from __future__ import annotations

from django import forms
from django.http import QueryDict

from .engine import FACETS, MAX_QUERY_LENGTH, SCOPES, SORTS, SearchParams

MAX_FILTER_VALUES = 50  # per facet: more is not a person choosing


class SearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=MAX_QUERY_LENGTH,
        label="Search determinations",
        widget=forms.TextInput(attrs={
            "placeholder": 'e.g. norco /s "functional improvement"',
            "autofocus": True,
            "type": "search",
            "aria-describedby": "query-help",
        }),
    )
    date_from = forms.DateField(required=False, label="Decided from", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="to", widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(required=False, choices=list(SORTS.items()), label="Sort")
    # Words match an item through its own text unless the reader widens them to the case summary.
    scope = forms.ChoiceField(required=False, choices=list(SCOPES.items()), label="Words match",
                              widget=forms.Select)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000, widget=forms.HiddenInput)

    # The sort the page showed without the reader choosing one; sent back with the form, so a sort
    # that is still that one is the page's, not the reader's, and a newly typed query is ranked.
    sort_shown = forms.ChoiceField(required=False, choices=list(SORTS.items()), widget=forms.HiddenInput)

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            data = data.copy()
            if data.get("sort") and data.get("sort") == data.get("sort_shown"):
                del data["sort"]  # left as the page showed it: not a choice
            if not data.get("sort"):
                # No sort chosen: the page shows the one applied (relevance for words, else newest first).
                data["sort"] = data["sort_shown"] = default_sort(data.get("q", ""))
            else:
                data.pop("sort_shown", None)
            if not data.get("scope"):
                data["scope"] = "item"
        super().__init__(data, *args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("The 'from' date is after the 'to' date.")
        return cleaned

    def to_params(self, data: QueryDict, *, per_page: int | None = None) -> SearchParams:
        """The search this (valid) form and the facet values in ``data`` describe."""
        cleaned = self.cleaned_data
        filters = {
            name: [v for v in dict.fromkeys(data.getlist(name)) if v.strip()][:MAX_FILTER_VALUES]
            for name in FACETS
        }
        params = SearchParams(
            q=cleaned.get("q") or "",
            filters={name: values for name, values in filters.items() if values},
            date_from=cleaned.get("date_from"),
            date_to=cleaned.get("date_to"),
            sort=cleaned.get("sort") or default_sort(cleaned.get("q") or ""),
            page=cleaned.get("page") or 1,
            scope=cleaned.get("scope") or "item",
        )
        if per_page:
            params.per_page = per_page
        return params


def default_sort(q: str) -> str:
    """Relevance for words, newest first for browsing."""
    return "relevance" if q.strip() else "newest"


def error_text(form: SearchForm) -> str:
    """The form's errors as one sentence for the page or the API."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.extend(f"{label}: {error}" if label and name != "__all__" else error for error in errors)
    return " ".join(parts)
