"""WSGI entry point: ``gunicorn wsgi:app`` (see ``SERVER_COMMAND`` in portal/config.py)."""

from portal import create_app, release_before_fork
from portal.core.pii import warm_up as load_personal_data_detector

app = create_app({"SEARCH_PRELOAD": True})  # jieba loads here, before gunicorn --preload forks
load_personal_data_detector()  # the name and address detector's dictionaries, shared the same way
release_before_fork(app)  # what start-up opened stays with this process; workers open their own
