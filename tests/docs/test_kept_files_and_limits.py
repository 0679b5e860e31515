"""The samples of docs/forms.rst (files) and docs/security.rst (rate limits)
run as documented."""

from __future__ import annotations

import io
import types
import typing as t

from ..html import Page


def test_attachments_sample_keeps_the_file_for_the_next_try(
        sample: t.Callable[[str], types.ModuleType]) -> None:
    module = sample("forms.attachments")
    client = module.app.test_client()
    page = Page.get(client, "/reports/new")
    response = page.form().submit(title="", files={
        "attachment": (io.BytesIO(b"numbers"), "q3.csv", "text/csv")})
    assert response.status_code == 422
    again = Page(client, "/reports/new", response)
    assert again.text(".action-kept-file") == "Keepq3.csv"  # text without spaces
    # The file input left empty, the kept file ticked.
    form = again.form()
    assert form.submit(title="Q3", files={
        "attachment": (io.BytesIO(b""), "", "application/octet-stream")}).status_code == 303
    assert module.REPORTS == [("Q3", "q3.csv", b"numbers")]


def test_limits_sample_refuses_the_fourth_message(
        sample: t.Callable[[str], types.ModuleType]) -> None:
    module = sample("security_limits")
    client = module.app.test_client()
    answers = [Page.get(client, "/contact").form().submit(message=f"m{n}")
               for n in range(4)]
    assert [answer.status_code for answer in answers] == [303, 303, 303, 429]
    refused = Page(client, "/contact", answers[-1])
    assert refused.text("textarea") == "m3"
    assert "try again in 1 minute" in refused.text(".action-notice")
    assert module.SENT == ["m0", "m1", "m2"]


def test_limits_sample_counts_invitations_per_account(
        sample: t.Callable[[str], types.ModuleType]) -> None:
    module = sample("security_limits")
    client = module.app.test_client()
    answers = [Page.get(client, "/contact").form("form:nth-of-type(2)").submit(email=f"{n}@x")
               for n in range(11)]
    assert [answer.status_code for answer in answers][-2:] == [303, 429]
    with client.session_transaction() as browser:
        browser["account"] = "ada"
    assert Page.get(client, "/contact").form("form:nth-of-type(2)").submit(
        email="ada@x").status_code == 303
