"""Links that keep the search in the URL: facet toggles, chips, pages, hits, the help page's examples."""
from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from search import charts, citator
from search.engine import FacetValue

register = template.Library()


def _without_page(query: QueryDict) -> QueryDict:
    copy = query.copy()
    copy.pop("page", None)
    return copy


@register.simple_tag
def toggle_url(query: QueryDict, name: str, value: str) -> str:
    """The search with ``value`` of facet ``name`` added, or removed if it was chosen."""
    copy = _without_page(query)
    values = copy.getlist(name)
    chosen = [v for v in values if v.lower() != value.lower()]
    if len(chosen) == len(values):
        chosen.append(value)
    copy.setlist(name, chosen)
    return "?" + copy.urlencode()


@register.simple_tag
def without_url(query: QueryDict, *names: str) -> str:
    """The search without the named parameters (a cleared date range, say)."""
    copy = _without_page(query)
    for name in names:
        copy.pop(name, None)
    return "?" + copy.urlencode()


@register.simple_tag
def page_url(query: QueryDict, page: int) -> str:
    copy = query.copy()
    copy["page"] = str(page)
    return "?" + copy.urlencode()


@register.simple_tag
def hit_url(hit, query: QueryDict) -> str:
    """The case page at the hit's item, with the query's words to highlight and the way back."""
    params = {}
    if query.get("q"):
        params["q"] = query["q"]
    params["back"] = query.urlencode()
    params["item"] = hit.position  # the fragment never reaches the server; previous/next hit need it
    return f"{reverse('determination', args=[hit.slug])}?{urlencode(params)}#{hit.anchor}"


@register.simple_tag
def example(q: str) -> str:
    """A query written as code that runs when clicked: the help page's examples."""
    return format_html('<a class="example" href="{}?{}"><code>{}</code></a>', reverse("search"), urlencode({"q": q}), q)


@register.filter
def percent(value: float) -> str:
    return f"{value * 100:.0f}%"


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key, "")


@register.filter
def rate_bar(value: float) -> str:
    """A small SVG bar for an overturn rate, beside its figure."""
    return charts.rate_bar(value)


@register.simple_tag
def section_search_url(key: str, facet: str = "", value: str = "") -> str:
    """The search for the items citing one guideline section, narrowed to one value of a facet."""
    return citator.search_url(key, facet, value)


@register.filter
def pluralize_pages(pages: str) -> str:
    """"s" for "76-78" or "24, 80", "" for "24": a citation's page or pages."""
    return "s" if any(mark in pages for mark in "-,") else ""


@register.simple_tag(takes_context=True)
def facet_value(context: template.Context, v: FacetValue, name: str) -> SafeString:
    """One facet value: a link toggling it in the search, with its items and overturn rate. Written
    here, not as an included template: a results page lists hundreds and a facet's page thousands,
    and an include per value was most of their time."""
    href = context.get("facet_base", "") + toggle_url(context["query"], name, v.value)
    label = mark_safe("/<wbr>".join(escape(part) for part in v.shown.split("/")))  # may wrap after a slash
    if name == "outcome":
        rate = mark_safe('<span class="facet-rate" aria-hidden="true"></span>')
    else:
        rate = format_html('<span class="facet-rate" title="{} of {} overturned">{}{}'
                           '<span class="visually-hidden"> overturned</span></span>',
                           v.rate_overturned, v.rate_items, charts.rate_bar(v.overturn_rate), percent(v.overturn_rate))
    return format_html(
        '<li><a class="facet-value{}" href="{}"{}><span class="facet-check" aria-hidden="true">{}</span> '
        '<span class="facet-label">{}</span> '
        '<span class="facet-count">{}<span class="visually-hidden"> items</span></span> {}</a></li>\n',
        " selected" if v.selected else "", href, mark_safe(' aria-current="true"') if v.selected else "",
        "☑" if v.selected else "☐", label, f"{v.count:,}", rate)
