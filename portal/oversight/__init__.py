"""Oversight: what is due and overdue, who holds it, trends, and the daily sweep."""
