"""What tokens weigh, in characters: deterministic (tokens are random, their
lengths are not), so asserted exactly; ``benchmarks/pages.py`` puts them in
their pages."""

from __future__ import annotations

from flask.testing import FlaskClient

from benchmarks.pages import page_bytes

from ..html import Page


def test_the_seeds_update_post_token_takes_114_characters(client: FlaskClient) -> None:
    # show_post(post_id) of the README, capturing post_id: at most 128.
    token = Page.get(client, "/posts/1").form("#edit").token()
    assert len(token) == 114


def test_a_row_token_has_27_characters_of_its_own_and_shares_the_rest() -> None:
    sizes = page_bytes()
    assert sizes["row token"] == 120
    assert sizes["row token unique"] == (27, 27)  # at most 32


def test_a_page_of_100_rows_weighs_at_most_two_and_a_half_plain_pages() -> None:
    sizes = page_bytes()
    assert sizes["tokens bytes"] / sizes["plain bytes"] <= 2.5
    # Gzipped, the random row parts are what is left: at most 5 plain pages.
    assert sizes["tokens gzipped"] / sizes["plain gzipped"] <= 5
