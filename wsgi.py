"""WSGI entry point: ``gunicorn wsgi:app`` (see ``SERVER_COMMAND`` in portal/config.py)."""

from portal import create_app
from portal.engines import release

app = create_app({"SEARCH_PRELOAD": True})  # jieba loads here, before gunicorn --preload forks
release(app)  # the connections start-up made stay with this process; workers open their own
