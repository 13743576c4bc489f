"""Renderers: rich tables that read like the reports (records and workbooks elsewhere)."""
