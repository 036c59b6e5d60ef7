"""WSGI entry point: ``gunicorn wsgi:app``."""

from portal import create_app

app = create_app({"SEARCH_PRELOAD": True})  # jieba loads here, before gunicorn --preload forks
