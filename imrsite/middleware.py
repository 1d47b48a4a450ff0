"""Site-wide response headers and the request log."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .clients import client_address

log = logging.getLogger("imr.request")


def content_security_policy(get_response: Callable[[HttpRequest], HttpResponse]):
    """Everything from this site only, and no inline script: markup in a document can never run."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Referrer-Policy", "same-origin")
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response

    return middleware


def request_log(get_response: Callable[[HttpRequest], HttpResponse]):
    """One line per request: method, path, status, time, user, client address."""

    def middleware(request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = get_response(request)
        elapsed = (time.perf_counter() - started) * 1000
        user = getattr(request, "user", None)
        who = user.get_username() if user is not None and user.is_authenticated else "-"
        log.info("%s %s %s %.1fms user=%s ip=%s", request.method, request.get_full_path()[:300],
                 response.status_code, elapsed, who, client_address(request) or "-")
        return response

    return middleware
