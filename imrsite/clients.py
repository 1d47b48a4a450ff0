"""Which address a request came from: the one fact the sign-in lockout, the reset limit and the
request log count by.

Behind a reverse proxy every request reaches gunicorn from the proxy (REMOTE_ADDR 127.0.0.1), so
counting REMOTE_ADDR would lock every visitor out together. The proxy appends the address it was
reached from to ``X-Forwarded-For``; anything further left in that header was written by the
client and proves nothing. So the client is the address ``IMR_TRUSTED_PROXIES`` hops from the right
of [X-Forwarded-For..., REMOTE_ADDR]: with one proxy (nginx on the same machine), the last entry of
the header. With 0, the default, the header is ignored: without a proxy in front, anyone could set it.
"""
from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(text: str) -> str | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [IPv6]:port
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # IPv4:port
        text = text.split(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address, read through ``settings.IMR_TRUSTED_PROXIES`` proxies; None if unknown."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.IMR_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    chain = [*hops, remote or ""]
    if len(chain) <= proxies:  # fewer hops than proxies: the request did not come through them all
        return remote
    return _address(chain[-1 - proxies]) or remote
