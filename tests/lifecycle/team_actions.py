"use server"
# A module of actions: renaming the team whose page the form is on.

from __future__ import annotations

import typing as t

from flask import request
from werkzeug.datastructures import MultiDict

from . import app_lifecycle


def rename_team(form: MultiDict[str, t.Any]) -> None:
    # The page's URL says which team: the app-level guard checked it.
    assert request.view_args is not None
    app_lifecycle.TEAMS[request.view_args["team_id"]] = form["title"]
