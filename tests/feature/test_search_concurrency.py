"""Several processes (as gunicorn workers would) publish at the same moment: the index stays
whole and every published notice is found."""

from __future__ import annotations

import multiprocessing
import os

from sqlalchemy import select

PROCESSES = 4
NOTICES_EACH = 5


def _publish_from_worker(config: dict, instance: str, worker: int, barrier) -> None:
    """One worker process: build the app, wait for the others, publish notices one commit each."""
    os.environ["PORTAL_INSTANCE_PATH"] = instance
    from portal import create_app
    from portal.accounts.models import Department
    from portal.extensions import db
    from portal.notices.services import publish_notice, save_notice

    app = create_app(config)
    with app.app_context():
        department = db.session.scalar(select(Department.id).where(Department.code == "huzheng"))
        barrier.wait(timeout=120)
        for number in range(NOTICES_EACH):
            notice = save_notice(None, title=f"并发发布测试公告 工{worker}号{number}",
                                 kind="通知公告", body_md=f"并发写入标记 qx{worker}n{number}zz 正文。",
                                 department_id=department, review_due_on=None, author_id=None)
            publish_notice(notice, author_id=None)
            db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_concurrent_publishing_from_several_processes_keeps_every_document(app):
    config = {key: app.config[key] for key in (
        "TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "CONTENT_DIR", "SEARCH_INDEX_DIR")}
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    workers = [context.Process(target=_publish_from_worker,
                               args=(config, app.instance_path, worker, barrier))
               for worker in range(PROCESSES)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=240)
    assert [process.exitcode for process in workers] == [0] * PROCESSES

    index = app.extensions["search_index"]
    assert index.healthy()
    with index.open().searcher() as searcher:  # the after-commit hooks alone must have done it
        from whoosh.query import Term

        for worker in range(PROCESSES):
            for number in range(NOTICES_EACH):
                hits = searcher.search(Term("body", f"qx{worker}n{number}zz"), limit=2)
                assert len(hits) == 1, f"notice {worker}/{number} missing from the index"
        notices = searcher.search(Term("type", "notice"), limit=None)
        titles = [hit["title"] for hit in notices]
    assert len(titles) == len(set(titles)), "a document was indexed twice"
    client = app.test_client()
    data = client.get("/api/v1/search", query_string={"q": "并发发布测试公告", "type": "notice"}).get_json()
    assert data["total"] >= PROCESSES * NOTICES_EACH
    assert all(r["title"].startswith("并发发布测试公告") for r in data["results"])
