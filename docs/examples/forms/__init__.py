"""Samples of docs/forms.rst."""
