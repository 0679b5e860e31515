"""What other libraries bring: Flask-Login, CSRFProtect, SQLAlchemy rows, stores, upload storage."""
