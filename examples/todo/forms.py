"""The to-do list's one form, in the user's language: its label from the
app's catalog, WTForms' messages from WTForms' own."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import Form
from wtforms import StringField
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired
from wtforms.validators import Length


class TodoForm(Form):
    class Meta(DefaultMeta):
        @property
        def locales(self) -> list[str]:  # type: ignore[override]
            """WTForms' messages in the request's language."""
            return [str(get_locale())]

    title = StringField(_l("What needs doing?"), [DataRequired(), Length(max=80)])
