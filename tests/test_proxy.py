"""Behind the README's proxy, the lockout, the reset limit and the request log count the client's
own address, not the proxy's (imrsite/clients.py).

The proxy here does what the README's nginx does: it forwards to the site and appends the address
it was reached from to X-Forwarded-For ($proxy_add_x_forwarded_for). Clients reach it from
different loopback addresses (127.0.0.2, 127.0.0.3: Linux answers on all of 127/8), so the site
sees every request come from 127.0.0.1, as gunicorn does behind nginx.
"""
from __future__ import annotations

import http.client
import logging
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from .people import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "host", "content-length"}


def _proxy_to(upstream: str) -> ThreadingHTTPServer:
    target = urlsplit(upstream)

    class Forward(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS | {"x-forwarded-for"}}
            earlier = self.headers.get("X-Forwarded-For")
            headers["X-Forwarded-For"] = f"{earlier}, {self.client_address[0]}" if earlier else self.client_address[0]
            headers["Host"] = target.netloc
            upstream_connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
            upstream_connection.request(self.command, self.path, body=body or None, headers=headers)
            answer = upstream_connection.getresponse()
            payload = answer.read()
            self.send_response(answer.status)
            for key, value in answer.getheaders():
                if key.lower() not in HOP_HEADERS:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            upstream_connection.close()

        do_GET = do_POST = _forward

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def proxy(live_server, settings):
    settings.IMR_TRUSTED_PROXIES = 1  # the README's recipe: one nginx in front
    server = _proxy_to(live_server.url)
    yield server
    server.shutdown()


class Visitor:
    """A browser at one address, with its cookies."""

    def __init__(self, proxy: ThreadingHTTPServer, address: str, forwarded_for: str | None = None):
        self.port, self.address, self.forwarded_for = proxy.server_address[1], address, forwarded_for
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, source_address=(self.address, 0), timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if self.forwarded_for:  # what a client may write itself, hoping to be someone else
            headers["X-Forwarded-For"] = self.forwarded_for
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        for key, value in answer.getheaders():
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        text = answer.read().decode()
        connection.close()
        return answer.status, text

    def post_form(self, path: str, fields: dict) -> tuple[int, str]:
        _, page = self.request("GET", path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request("POST", path, {"csrfmiddlewaretoken": token, **fields})

    def sign_in(self, username: str, password: str) -> tuple[int, str]:
        return self.post_form(reverse("accounts:login"), {"username": username, "password": password})


def test_one_visitors_wrong_passwords_lock_out_that_visitor_not_everyone(proxy, alice):
    attacker = Visitor(proxy, "127.0.0.2")
    for _ in range(5):
        status, _ = attacker.sign_in("alice", "wrong")
        assert status == 200
    status, page = attacker.sign_in("alice", PASSWORD)
    assert status == 200 and "Too many failed sign-ins" in page
    status, _ = Visitor(proxy, "127.0.0.3").sign_in("alice", PASSWORD)
    assert status == 302  # alice, at her own address, signs in


def test_a_forwarded_for_header_written_by_the_client_does_not_escape_the_lockout(proxy, alice):
    for n in range(5):
        Visitor(proxy, "127.0.0.2", forwarded_for=f"198.51.100.{n}").sign_in("alice", "wrong")
    status, page = Visitor(proxy, "127.0.0.2", forwarded_for="198.51.100.99").sign_in("alice", PASSWORD)
    assert status == 200 and "Too many failed sign-ins" in page


def test_the_reset_limit_counts_the_visitor_behind_the_proxy(proxy, alice, monkeypatch):
    from accounts import resets

    monkeypatch.setattr(resets, "MAX_PER_IP", 3)
    flooder = Visitor(proxy, "127.0.0.2")
    for n in range(3):
        status, _ = flooder.post_form(reverse("accounts:password_reset"), {"email": f"x{n}@example.org"})
        assert status == 302
    status, page = flooder.post_form(reverse("accounts:password_reset"), {"email": "x9@example.org"})
    assert status == 200 and "Too many reset requests" in page
    status, _ = Visitor(proxy, "127.0.0.3").post_form(reverse("accounts:password_reset"),
                                                      {"email": "alice@example.org"})
    assert status == 302


def test_the_request_log_names_the_visitor_behind_the_proxy(proxy, caplog):
    with caplog.at_level(logging.INFO, logger="imr.request"):
        Visitor(proxy, "127.0.0.2").request("GET", reverse("search"))
    assert any("ip=127.0.0.2" in record.getMessage() for record in caplog.records)


def test_without_a_configured_proxy_the_header_is_ignored(alice, settings):
    from imrsite.clients import client_address

    settings.IMR_TRUSTED_PROXIES = 0
    request = Client().get(reverse("search"), HTTP_X_FORWARDED_FOR="198.51.100.1", REMOTE_ADDR="203.0.113.7").wsgi_request
    assert client_address(request) == "203.0.113.7"
    settings.IMR_TRUSTED_PROXIES = 1
    assert client_address(request) == "198.51.100.1"
    settings.IMR_TRUSTED_PROXIES = 2  # more proxies than hops: the request did not come through them
    assert client_address(request) == "203.0.113.7"
