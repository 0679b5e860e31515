"""What an envelope's JSON holds (:func:`~.envelope.token_body`): the fields
of an action's token, those empty at the end left out."""

from __future__ import annotations

import typing as t

import pytest

from flask_server_actions.token.envelope import ActionToken
from flask_server_actions.token.envelope import token_body


@pytest.mark.parametrize(("names", "values", "args", "options", "body"), [
    ([], [], [], {}, '["m:f"]'),
    ([], [], [1, 2], {}, '["m:f",2]'),
    (["a"], [1], [], {}, '["m:f",0,{"a":1}]'),
    ([], [], [], {"form": "m:F"}, '["m:f",0,{},{"form":"m:F"}]'),
    (["a"], [1], [7], {"once": 1}, '["m:f",1,{"a":1},{"once":1}]'),
])
def test_an_envelope_leaves_out_only_the_empty_fields_at_its_end(
        names: list[str], values: list[t.Any], args: list[t.Any],
        options: dict[str, t.Any], body: str) -> None:
    assert token_body(ActionToken("m:f", b"", names, values, args, options)) == body


def test_an_envelope_keeps_the_reference_even_when_empty() -> None:
    assert token_body(ActionToken("", b"", [], [], [], {})) == '[""]'


def test_captured_names_and_values_must_pair_up() -> None:
    with pytest.raises(ValueError):
        token_body(ActionToken("m:f", b"", ["a", "b"], [1], [], {}))
