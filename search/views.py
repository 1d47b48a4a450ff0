"""Search, the API, the export and the case page: each a form, one call, a render."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header

from . import casepage, citator, engine, export
from .charts import year_chart, year_points
from .engine import FACETS, IndexMissing, PageOutOfRange, QueryError, SearchResult
from .facet_lists import chosen_values, shown_facets
from .forms import SearchForm, error_text
from .models import Determination, EarlierVersion


@dataclass
class _Outcome:
    form: SearchForm
    result: SearchResult | None = None
    error: str = ""
    status: int = 200


def _run_search(request: HttpRequest, *, per_page: int | None = None) -> _Outcome:
    form = SearchForm(request.GET)
    if not form.is_valid():
        return _Outcome(form, error=error_text(form), status=400)
    try:
        result = engine.search(form.to_params(request.GET, per_page=per_page))
    except QueryError as error:
        return _Outcome(form, error=f"The query could not be read: {error}.", status=400)
    except PageOutOfRange as error:
        return _Outcome(form, error=f"Sorry, {error}.", status=404)
    except IndexMissing as error:
        return _Outcome(form, error=str(error), status=503)
    citator.name_facet(result.facets.get("section", []))
    return _Outcome(form, result)


def search_page(request: HttpRequest) -> HttpResponse:
    if (number := engine.case_number(request.GET.get("q", ""))) and (
            record := Determination.objects.filter(case_number=number).first()):
        return redirect(record)  # a pasted case number opens its determination
    outcome = _run_search(request)  # no parameters at all: everything, newest first
    facets = outcome.result.facets if outcome.result else {}
    years = year_points(facets.get("year", []))
    context = {"form": outcome.form, "result": outcome.result, "error": outcome.error, "facet_labels": FACETS,
               "query": request.GET, "export_max": settings.IMR_EXPORT_MAX_ROWS, "years": years,
               "facet_shown": FACET_SHOWN, "facets": shown_facets(facets, FACET_SHOWN),
               "chosen_values": chosen_values(facets),
               "year_chart": year_chart(years, title="Items and the share overturned, by decision year")}
    return render(request, "search/results.html", context, status=outcome.status)


FACET_SHOWN = 40  # a facet's values in the results page; its own page lists all of them


def facet_values(request: HttpRequest, name: str) -> HttpResponse:
    """Every value of one facet for the search in the query string, each a link that narrows it."""
    if name not in FACETS:
        raise Http404("no such facet")
    outcome = _run_search(request)
    values = outcome.result.facets.get(name, []) if outcome.result else []
    if any(v.group for v in values):  # sections under their source, as the results page lists them
        values = sorted(values, key=lambda v: v.group)  # stable: most items first within a source
    context = {"result": outcome.result, "error": outcome.error, "query": request.GET, "name": name,
               "label": FACETS[name], "values": values, "facet_base": reverse("search")}
    return render(request, "search/facet_values.html", context, status=outcome.status)


def _hit_json(request: HttpRequest, hit) -> dict:
    return {
        "case_number": hit.case_number or None,
        "id": hit.slug,
        "request": hit.request,
        "outcome": hit.outcome,
        "drug": hit.drug or None,
        "brand": hit.brand or None,
        "category": hit.category,
        "decision_date": hit.decision_date.isoformat() if hit.decision_date else None,
        "states": hit.states,
        "specialties": hit.specialties,
        "position": hit.position,
        "url": request.build_absolute_uri(
            f"{reverse('determination', args=[hit.slug])}?{urlencode({'q': request.GET.get('q', '')})}#{hit.anchor}"
        ),
        "snippets": hit.snippets,
        "generated": hit.generated,  # demonstration text from the corpus generator, not a real decision
        "reasons": hit.reasons,
        "sections": hit.sections,
    }


def api_search(request: HttpRequest) -> JsonResponse:
    outcome = _run_search(request)
    if outcome.result is None:
        return JsonResponse({"error": outcome.error}, status=outcome.status)
    result = outcome.result
    return JsonResponse({
        "count": result.count,
        "page": result.page,
        "pages": result.pages,
        "results": [_hit_json(request, hit) for hit in result.hits],
        "facets": {
            name: [{"value": v.value, "count": v.count, "overturned": v.overturned,
                    "overturn_rate": round(v.overturn_rate, 4), **({"label": v.label} if v.label else {}),
                    **({"group": v.group} if v.group else {})} for v in values]
            for name, values in result.facets.items()
        },
    })


def export_csv(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    if not form.is_valid():
        return HttpResponse(error_text(form), status=400, content_type="text/plain")
    params = form.to_params(request.GET)
    try:
        if (total := engine.count(params)) > settings.IMR_EXPORT_MAX_ROWS:
            return HttpResponse(export.too_many(total, settings.IMR_EXPORT_MAX_ROWS), status=400,
                                content_type="text/plain")
        hits = engine.iter_matches(params)
        first = next(hits, None)  # a query that cannot be read fails here, before the response starts
    except QueryError as error:
        return HttpResponse(f"The query could not be read: {error}.", status=400, content_type="text/plain")
    except IndexMissing as error:
        return HttpResponse(f"Sorry, {error}.", status=503, content_type="text/plain")
    lines = export.csv_lines(chain([] if first is None else [first], hits), item_url=lambda hit: _item_url(request, hit))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="imr-search.csv"'
    return response


def _item_url(request: HttpRequest, hit) -> str:
    return request.build_absolute_uri(f"{reverse('determination', args=[hit.slug])}#{hit.anchor}")


def query_help(request: HttpRequest) -> HttpResponse:
    return render(request, "search/help.html", {"facet_labels": FACETS})


def determination(request: HttpRequest, slug: str) -> HttpResponse:
    record = get_object_or_404(Determination.objects.prefetch_related("items", "items__citations__section",
                                                                      "earlier_versions"), slug=slug)
    page = casepage.case_page(
        record,
        q=request.GET.get("q", "")[:1000],
        back=request.GET.get("back", "")[:4000],
        position=casepage.item_param(request.GET.get("item", "")),
        similar=casepage.item_param(request.GET.get("similar", "")),
        address=request.build_absolute_uri(record.get_absolute_url()),
    )
    return render(request, "search/determination.html", {"page": page, "record": record})


def original(request: HttpRequest, slug: str) -> HttpResponse:
    """The stored original file, or with ``?version=<n>`` an earlier file stored for the same case."""
    record = get_object_or_404(Determination, slug=slug)
    if (version := request.GET.get("version")) is not None:
        if not version.isdigit():
            raise Http404("No such earlier version.")
        record = get_object_or_404(EarlierVersion, determination=record, pk=int(version))
    try:
        with record.original.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise Http404("The original file is missing from the data folder.") from None
    content_type = "application/pdf" if record.is_pdf else "text/plain; charset=utf-8"
    response = HttpResponse(data, content_type=content_type)
    # Inline: the browser shows the PDF (or the text) in a tab; saving it keeps the ingested file name.
    response["Content-Disposition"] = content_disposition_header(False, record.source_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _citator_unavailable(request: HttpRequest, error: Exception, *, api: bool) -> HttpResponse:
    if api:
        return JsonResponse({"error": str(error)}, status=503)
    return render(request, "search/guidelines.html", {"error": str(error)}, status=503)


def _citator_sort(request: HttpRequest) -> str:
    sort = request.GET.get("sort", "")
    return sort if sort in citator.SORTS else "items"


def guidelines(request: HttpRequest) -> HttpResponse:
    """The citator: every cited guideline section, its items and overturn rate, sortable."""
    sort = _citator_sort(request)
    try:
        rows = citator.overview(sort)
    except IndexMissing as error:
        return _citator_unavailable(request, error, api=False)
    return render(request, "search/guidelines.html", {"rows": rows, "sort": sort, "sorts": list(citator.SORTS.items())})


def guideline_section(request: HttpRequest, key: str) -> HttpResponse:
    try:
        page = citator.section_page(key)
    except IndexMissing as error:
        return _citator_unavailable(request, error, api=False)
    if page is None:
        raise Http404("No indexed item cites that guideline section.")
    chart = year_chart(page.years, title=f"Items citing {page.section.title}, and the share overturned, by year")
    return render(request, "search/guideline_section.html", {"page": page, "chart": chart})


def _section_json(request: HttpRequest, row: citator.SectionFigures) -> dict:
    return {"key": row.key, "source": row.source, "guideline": row.guideline, "section": row.name,
            "title": row.title, "items": row.items, "overturned": row.overturned,
            "overturn_rate": round(row.overturn_rate, 4), "url": request.build_absolute_uri(row.url),
            "search_url": request.build_absolute_uri(row.search_url),
            "api_url": request.build_absolute_uri(reverse("api_guideline_section", args=[row.key]))}


def _values_json(values) -> list[dict]:
    return [{"value": v.value, **({"label": v.label} if v.label else {}), "items": v.items_either_outcome,
             "overturned": v.overturned_either_outcome,
             "overturn_rate": round(v.overturn_rate, 4)} for v in values]


def api_guidelines(request: HttpRequest) -> JsonResponse:
    sort = _citator_sort(request)
    try:
        rows = citator.overview(sort)
    except IndexMissing as error:
        return _citator_unavailable(request, error, api=True)
    return JsonResponse({"count": len(rows), "sort": sort, "sections": [_section_json(request, row) for row in rows]})


def api_guideline_section(request: HttpRequest, key: str) -> JsonResponse:
    try:
        page = citator.section_page(key)
    except IndexMissing as error:
        return _citator_unavailable(request, error, api=True)
    if page is None:
        return JsonResponse({"error": "No indexed item cites that guideline section."}, status=404)
    return JsonResponse({
        **_section_json(request, page.section),
        "by_year": [{"year": int(p.year), "items": p.items, "overturned": p.overturned,
                     "overturn_rate": round(p.rate, 4)} for p in page.years],
        "categories": _values_json(page.categories),
        "drugs": _values_json(page.drugs),
        "reasons": _values_json(page.reasons),
    })
