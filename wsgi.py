"""WSGI entry point: ``gunicorn wsgi:app``."""

import gc

from portal import create_app

app = create_app({"SEARCH_PRELOAD": True})  # jieba loads here, before gunicorn --preload forks
# What start-up built lives as long as the process: out of the garbage collector's sight, a full
# collection no longer walks it (about 90 ms a time in each worker), and after a --preload fork
# the collector no longer touches, and so copies, the parent's pages.
gc.freeze()
