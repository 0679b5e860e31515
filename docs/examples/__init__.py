"""Code samples shown in the docs with ``literalinclude``; tests/test_docs.py runs them."""
