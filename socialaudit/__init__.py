"""socialaudit."""
