"""A to-do list: WTForms validation, action state and SQLite, with no POST routes."""
