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


def _encoded(query: QueryDict, changed: dict[str, list[str]]) -> str:
    """The query string of ``query`` without its page, each ``changed`` parameter holding the values
    given there instead (none: left out); a new one goes last. Built from the pairs: a QueryDict's
    copy is a deep copy, and a results page makes hundreds of these links."""
    pairs = []
    for key, values in query.lists():
        if key != "page":
            pairs.extend((key, value) for value in changed.get(key, values))
    pairs.extend((key, value) for key, values in changed.items() if key not in query for value in values)
    return "?" + urlencode(pairs)


@register.simple_tag
def toggle_url(query: QueryDict, name: str, value: str) -> str:
    """The search with ``value`` of facet ``name`` added, or removed if it was chosen."""
    values = query.getlist(name)
    chosen = [v for v in values if v.lower() != value.lower()]
    if len(chosen) == len(values):
        chosen.append(value)
    return _encoded(query, {name: chosen})


@register.simple_tag
def without_url(query: QueryDict, *names: str) -> str:
    """The search without the named parameters (a cleared date range, say)."""
    return _encoded(query, {name: [] for name in names})


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
    href = escape(context.get("facet_base", "") + toggle_url(context["query"], name, v.value))
    label = "/<wbr>".join(escape(part) for part in v.shown.split("/"))  # may wrap after a slash
    if name == "outcome":
        rate = '<span class="facet-rate" aria-hidden="true"></span>'
    else:
        rate = (f'<span class="facet-rate" title="{v.rate_overturned} of {v.rate_items} overturned">'
                f'{charts.rate_bar(v.overturn_rate)}{percent(v.overturn_rate)}'
                '<span class="visually-hidden"> overturned</span></span>')
    selected = v.selected
    current = ' aria-current="true"' if selected else ""
    return mark_safe(  # every piece from outside escaped above; the numbers are ints
        f'<li><a class="facet-value{" selected" if selected else ""}" href="{href}"'
        f'{current}><span class="facet-check" aria-hidden="true">'
        f'{"☑" if selected else "☐"}</span> <span class="facet-label">{label}</span> '
        f'<span class="facet-count">{v.count:,}<span class="visually-hidden"> items</span></span> {rate}</a></li>\n')
