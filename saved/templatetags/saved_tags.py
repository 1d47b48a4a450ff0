from __future__ import annotations

import json

from django import template
from django.http import QueryDict

from ..forms import SaveQueryForm
from ..queries import describe, normalize

register = template.Library()


@register.simple_tag
def save_form_for(query: QueryDict) -> SaveQueryForm:
    """The results page's save form, for the search in ``query``, named after what it searches."""
    query_string = normalize(query)
    return SaveQueryForm(initial={"name": describe(query_string, quote=False)[:200], "query": query_string})


@register.filter
def json_list(values) -> str:
    """A set as a JSON list, for a data- attribute (autoescaping makes it safe there)."""
    return json.dumps(sorted(values or ()))


@register.filter(is_safe=True)
def full_stop(text: str) -> str:
    """End a sentence with one period: one that ends on a time ("since 7:40 p.m.") has it already."""
    text = str(text).rstrip()
    return text if text.endswith(".") else f"{text}."
