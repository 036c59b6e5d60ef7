"""WSGI entry point: ``gunicorn wsgi:app`` (see ``SERVER_COMMAND`` in portal/config.py)."""

from portal import create_app, release_before_fork

app = create_app({"SEARCH_PRELOAD": True})  # jieba loads here, before gunicorn --preload forks
release_before_fork(app)  # what start-up opened stays with this process; workers open their own
