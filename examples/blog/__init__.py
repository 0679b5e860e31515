"""The demo blog: every ``"use server"`` example of the docs in one small app.

Run it with ``bash scripts/demo`` (or ``flask --app examples.blog.app run``).
"""
