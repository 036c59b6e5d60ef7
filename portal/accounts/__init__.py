"""Accounts: departments, users with roles, login with throttling."""
