"""Code samples shown in the docs with ``literalinclude``; the tests in tests/docs/ run them."""
