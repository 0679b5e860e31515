"""What tokens weigh, in characters: deterministic (tokens are random, their
lengths are not), so asserted exactly; ``benchmarks/pages.py`` puts them in
their pages."""

from __future__ import annotations

from flask.testing import FlaskClient

from benchmarks.pages import page_bytes

from ..html import Page


def test_the_seeds_update_post_token_takes_118_characters(client: FlaskClient) -> None:
    # show_post(post_id) of the README, capturing post_id: at most 128. The
    # MAC of the page's place alone (3 bytes, version 4) took 4 of them.
    token = Page.get(client, "/posts/1").form("#edit").token()
    assert len(token) == 118


def test_a_row_token_has_27_or_28_characters_of_its_own_and_shares_the_rest() -> None:
    sizes = page_bytes()
    assert sizes["row token"] == 124
    # The first row of an envelope has no counter; the next 255 have one
    # byte of it (version 5): at most 32.
    assert sizes["row token unique"] == (27, 28)


def test_a_page_of_100_rows_weighs_at_most_2_55_plain_pages() -> None:
    sizes = page_bytes()
    # 2.49 before the place's MAC (4 characters a token) came in version 4.
    assert sizes["tokens bytes"] / sizes["plain bytes"] <= 2.55
    # Gzipped, the random row parts are what is left: at most 5 plain pages.
    assert sizes["tokens gzipped"] / sizes["plain gzipped"] <= 5
