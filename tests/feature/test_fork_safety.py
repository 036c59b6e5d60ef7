"""README's server command with ``--preload`` on PostgreSQL: each worker has its own connections.

The app is built in the master, which reads the database at start-up (the search index's warm-up);
the workers are forked from it. Every connection PostgreSQL sees must be held by exactly one
process, and that process must be a worker: a connection made before the fork and inherited by the
workers would be one socket in several processes, their queries interleaved on it.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.server_harness import Server, fetch, holders, portal, portal_env, postgres_or_skip, socket_inode


@pytest.fixture(scope="module")
def database():
    """A PostgreSQL database with the portal's schema and content (skipped without a server)."""
    with postgres_or_skip() as url:
        yield url


def _backends(database_url: str) -> list[tuple[int, str, int]]:
    """(backend pid, application_name, client port) of every other connection to the database."""
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{name}", autocommit=True) as conn:
        return conn.execute(
            "SELECT pid, application_name, client_port FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()", (name,)).fetchall()


@pytest.mark.parametrize("worker_class", ["gthread", "sync"])
def test_every_preloaded_worker_uses_connections_of_its_own(database, worker_class, tmp_path):
    env = portal_env(tmp_path / "instance", database)
    portal(env, "init")
    server = Server(env, tmp_path / "gunicorn.log", worker_class=worker_class)
    server.start()
    try:
        paths = ["/notices/", "/guides/", "/search?q=%E8%BA%AB%E4%BB%BD%E8%AF%81", "/complaints/statistics"] * 15
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda path: fetch(server.port, path)[0], paths))
        assert set(statuses) == {200}, server.log()
        workers = server.workers()
        assert len(workers) == 2
        backends = _backends(database)
        assert backends, "the workers hold no connection"
        owners = set()
        for _pid, application_name, client_port in backends:
            inode = socket_inode(client_port, 5432)
            assert inode is not None
            held_by = holders(inode, [server.process.pid, *workers])
            assert len(held_by) == 1, f"connection {application_name} is held by processes {held_by}"
            assert held_by[0] in workers, "the master kept a connection after forking"
            assert application_name == f"portal-{held_by[0]}"
            owners.add(held_by[0])
        assert owners <= set(workers)
    finally:
        server.stop()
