"""Recent searches are recorded here, after the search page has answered.

A middleware rather than a call in search/views.py: the search app stays free of
accounts, and only a search that was actually shown (status 200, a signed-in
user, a non-empty query) is remembered. A failure to remember must never cost
the user their results, so database errors are logged and swallowed.
"""
from __future__ import annotations

import logging

from django.db import DatabaseError
from django.urls import reverse

from . import recent

log = logging.getLogger("imr.saved")


class RecentSearchMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (request.method == "GET" and response.status_code == 200 and request.GET
                and request.path == reverse("search") and getattr(request, "user", None)
                and request.user.is_authenticated):
            try:
                recent.remember(user=request.user, query=request.GET.urlencode())
            except DatabaseError:
                log.exception("could not record a recent search")
        return response
