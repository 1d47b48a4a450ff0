"""Accounts: sign in and out, the lockout, sign-up (and turning it off), password change and reset."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import lockout, mailing, resets
from accounts.models import SignInFailure

from .people import PASSWORD

pytestmark = pytest.mark.django_db


LOGIN = reverse("accounts:login")


def sign_in(client: Client, username: str = "alice", password: str = PASSWORD, ip: str = "203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in_as(client: Client) -> str | None:
    user = get_user_model().objects.filter(pk=client.session.get("_auth_user_id")).first()
    return user.username if user else None


def test_alice_signs_in_and_out(alice, data_dir):
    client = Client()
    response = sign_in(client)
    assert response.status_code == 302 and signed_in_as(client) == "alice"
    assert "Sign out" in client.get(reverse("search")).content.decode()
    assert client.get(reverse("accounts:logout")).status_code == 405  # signing out is a POST
    client.post(reverse("accounts:logout"))
    assert signed_in_as(client) is None


def test_signing_in_returns_to_the_page_that_asked(alice):
    client = Client()
    response = client.post(LOGIN + "?next=/saved/", {"username": "alice", "password": PASSWORD, "next": "/saved/"})
    assert response["Location"] == "/saved/"
    response = Client().post(LOGIN, {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == reverse("search")


def test_a_wrong_password_is_refused_with_the_usual_message(alice):
    client = Client()
    response = sign_in(client, password="nope")
    assert response.status_code == 200 and signed_in_as(client) is None
    assert "Please enter a correct username and password" in response.content.decode()


def test_five_failures_lock_out_that_username_from_that_address(alice):
    client = Client()
    for _ in range(lockout.MAX_FAILURES - 1):
        assert "correct username and password" in sign_in(client, password="guess").content.decode()
    page = sign_in(client, password="guess").content.decode()
    assert "Too many failed sign-ins" in page and "15 minutes" in page
    # Now even the right password is refused, from that address...
    page = sign_in(client).content.decode()
    assert "Too many failed sign-ins" in page and signed_in_as(client) is None
    # ...while alice elsewhere is not locked out of her own account.
    other = Client()
    sign_in(other, ip="198.51.100.20")
    assert signed_in_as(other) == "alice"


def test_the_lockout_ends_when_the_failures_are_15_minutes_old(alice):
    client = Client()
    for _ in range(lockout.MAX_FAILURES):
        sign_in(client, password="guess")
    assert "Too many failed sign-ins" in sign_in(client).content.decode()
    SignInFailure.objects.update(at=lockout.timezone.now() - timedelta(minutes=15, seconds=1))
    sign_in(client)
    assert signed_in_as(client) == "alice"


def test_the_lockout_holds_across_workers_because_it_is_in_the_database(alice):
    for _ in range(lockout.MAX_FAILURES):
        sign_in(Client(), password="guess")  # each attempt a fresh client, as if on another worker
    assert SignInFailure.objects.count() == lockout.MAX_FAILURES
    assert lockout.locked_for(username="ALICE", ip="203.0.113.7") is not None  # usernames compare lowercased


def test_a_successful_sign_in_forgets_the_earlier_failures(alice):
    client = Client()
    for _ in range(lockout.MAX_FAILURES - 1):
        sign_in(client, password="guess")
    sign_in(client)
    assert signed_in_as(client) == "alice"
    assert not SignInFailure.objects.filter(username="alice").exists()


def test_one_address_cannot_try_every_username(db):
    for n in range(lockout.MAX_FAILURES_PER_IP):
        sign_in(Client(), username=f"user{n}", password="guess")
    assert "Too many failed sign-ins" in sign_in(Client(), username="someone-else").content.decode()


def test_the_admin_sign_in_page_locks_out_too(alice):
    path = reverse("admin:login")
    for _ in range(lockout.MAX_FAILURES):
        Client().post(path, {"username": "alice", "password": "guess"}, REMOTE_ADDR="203.0.113.7")
    page = Client().post(path, {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")
    assert "Too many failed sign-ins" in page.content.decode()


SIGN_UP = {"password1": PASSWORD, "password2": PASSWORD}


def sign_up(client: Client, username: str, email: str, **extra):
    response = client.post(reverse("accounts:signup"), {"username": username, "email": email, **SIGN_UP, **extra})
    mailing.wait()
    return response


def test_a_visitor_signs_up_confirms_by_email_and_is_signed_in(db):
    client = Client()
    assert "Create an account" in client.get(reverse("accounts:signup")).content.decode()
    response = sign_up(client, "carol", "carol@example.org", next="/saved/")
    assert response.status_code == 200 and "We sent a message to" in response.content.decode()
    assert signed_in_as(client) is None and not get_user_model().objects.get(username="carol").is_active
    (message,) = mail.outbox
    assert message.to == ["carol@example.org"] and message.subject == "Finish creating your IMR Search account"
    link = re.search(r"http://testserver(/accounts/signup/\S+)", message.body).group(1)
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == "/saved/" and signed_in_as(client) == "carol"
    assert Client().get(link).status_code == 400  # a link works once


def test_sign_up_with_an_address_in_use_answers_the_same_and_tells_only_its_owner(alice):
    known = sign_up(Client(), "alice2", "ALICE@example.org")
    unknown = sign_up(Client(), "dave", "dave@example.org")
    assert known.status_code == unknown.status_code == 200
    same = [page.content.decode().replace("ALICE@example.org", "X").replace("dave@example.org", "X")
            for page in (known, unknown)]
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", same[0]) == strip.sub("", same[1])
    assert not get_user_model().objects.filter(username="alice2").exists()
    to_alice = next(m for m in mail.outbox if m.to == ["alice@example.org"])  # to the address she gave
    assert to_alice.subject == "You already have an IMR Search account" and '"alice"' in to_alice.body
    assert "/accounts/password/reset/" in to_alice.body


def test_an_unconfirmed_sign_up_does_not_keep_the_address_from_its_owner(db):
    sign_up(Client(), "squatter", "erin@example.org")
    sign_up(Client(), "erin", "erin@example.org")
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["erin"]


def test_sign_up_and_reset_hand_their_mail_to_a_thread_not_the_page(alice, monkeypatch):
    """A slow relay made a known address's page slower than an unknown one's."""
    sent = []
    monkeypatch.setattr(mailing, "send_later", lambda messages: sent.extend(messages))
    Client().post(reverse("accounts:password_reset"), {"email": "alice@example.org"})
    Client().post(reverse("accounts:signup"), {"username": "frank", "email": "frank@example.org", **SIGN_UP})
    assert [m.to for m in sent] == [["alice@example.org"], ["frank@example.org"]] and mail.outbox == []


def test_sign_up_can_be_turned_off_by_a_setting(db, settings, data_dir):
    settings.IMR_SIGNUP_OPEN = False
    client = Client()
    response = client.get(reverse("accounts:signup"))
    assert response.status_code == 404 and "Sign-up is closed" in response.content.decode()
    response = client.post(reverse("accounts:signup"), {
        "username": "mallory", "email": "m@example.org", "password1": PASSWORD, "password2": PASSWORD,
    })
    assert response.status_code == 404 and not get_user_model().objects.exists()
    assert reverse("accounts:signup") not in client.get(LOGIN).content.decode()
    assert reverse("accounts:signup") not in client.get(reverse("search")).content.decode()


def test_alice_changes_her_password(alice):
    client = Client()
    client.force_login(alice)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "a new long passphrase", "new_password2": "a new long passphrase",
    })
    assert response["Location"] == reverse("accounts:password_change_done")
    alice.refresh_from_db()
    assert alice.check_password("a new long passphrase")


def test_alice_resets_a_forgotten_password_by_email(alice):
    client = Client()
    response = client.post(reverse("accounts:password_reset"), {"email": "alice@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    mailing.wait()
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"] and message.subject == "Reset your IMR Search password"
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)  # Django swaps the token for a session and redirects
    assert "Choose a new password" in form_page.content.decode()
    response = client.post(form_page.redirect_chain[-1][0], {
        "new_password1": "a new long passphrase", "new_password2": "a new long passphrase",
    })
    assert response["Location"] == reverse("accounts:password_reset_complete")
    alice.refresh_from_db()
    assert alice.check_password("a new long passphrase")


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(db):
    response = Client().post(reverse("accounts:password_reset"), {"email": "nobody@example.org"}, follow=True)
    mailing.wait()
    assert "Check your email" in response.content.decode() and mail.outbox == []


def test_reset_emails_to_one_address_stop_after_three_an_hour_and_say_so(alice):
    client = Client()
    for _ in range(resets.MAX_PER_EMAIL):
        response = client.post(reverse("accounts:password_reset"), {"email": "Alice@example.org"})
        assert response["Location"] == reverse("accounts:password_reset_done")
    response = client.post(reverse("accounts:password_reset"), {"email": "alice@example.org"})
    assert response.status_code == 200 and "Too many reset requests" in response.content.decode()
    mailing.wait()
    assert len(mail.outbox) == resets.MAX_PER_EMAIL
    # An unknown address is counted the same way, so the refusal tells nobody who has an account.
    for _ in range(resets.MAX_PER_EMAIL):
        client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert "Too many reset requests" in response.content.decode()


def test_reset_requests_are_allowed_again_after_the_window(alice):
    earlier = timezone.now() - resets.WINDOW - timedelta(minutes=1)
    for _ in range(resets.MAX_PER_EMAIL):
        resets.record(email="alice@example.org", ip="127.0.0.1", now=earlier)
    assert not resets.refused(email="alice@example.org", ip="127.0.0.1")
    assert resets.refused(email="alice@example.org", ip="127.0.0.1", now=earlier + timedelta(minutes=1))


def test_one_client_cannot_ask_for_resets_of_many_addresses(db):
    for number in range(resets.MAX_PER_IP):
        resets.record(email=f"person{number}@example.org", ip="10.0.0.9")
    assert resets.refused(email="someone.else@example.org", ip="10.0.0.9")
    assert not resets.refused(email="someone.else@example.org", ip="10.0.0.10")


def test_the_navigation_shows_who_is_signed_in(alice, bob, data_dir):
    client = Client()
    page = client.get(reverse("search")).content.decode()
    assert "Sign in" in page and "Saved searches" not in page
    client.force_login(bob)
    page = client.get(reverse("search")).content.decode()
    assert "Saved searches" in page and ">bob<" in page and "Sign out" in page
