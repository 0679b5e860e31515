"""The action token: its envelope and keys, row parts, and tagged serialization."""
