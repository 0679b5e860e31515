"""Example apps for flask-server-actions."""
