"""The browser app: `socialaudit serve`."""
