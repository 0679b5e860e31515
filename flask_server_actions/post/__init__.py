"""The action post: routing, first checks, guards, validation, the run and the answer."""
