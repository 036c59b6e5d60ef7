"""Accounts: departments, users with roles, staff alerts by e-mail."""
