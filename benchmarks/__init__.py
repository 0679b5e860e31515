"""Load and micro benchmarks for flask-server-actions (see README.md here)."""
