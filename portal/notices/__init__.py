"""Notices (通知公告) and police news (警务动态) written by staff in Markdown."""
