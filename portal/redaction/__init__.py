"""Partial disclosure: who marked which span of which text as withheld, and why."""
