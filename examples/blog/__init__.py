"""The demo blog: every server action example of the docs in one small app."""
