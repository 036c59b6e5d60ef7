"""``portal backup`` / ``portal restore``: a round trip loses nothing, and a bad archive changes nothing.

The data set: content/, demo matters, staff accounts, requests and a complaint with uploaded
files (every byte value, one file twice), an office reply file, a case with parties, a
calendar override, an annual report row, a failed login, audit events and outbox rows.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, insert, select

from portal import create_app
from portal.backup.services import tables
from portal.extensions import db
from tests.conftest import _PG_PROBLEM, CONTENT_DIR, PG_URL, reset_postgres
from tests.helpers import PASSWORD, post_form
from tests.upload_samples import plain_pdf


def _noise_png() -> bytes:
    """A 256×256 PNG of noise (so it stays large), as the portal stores it: already re-encoded."""
    from PIL import Image

    from portal.matters.upload_images import clean_image

    pixels = b"".join(hashlib.sha256(str(n).encode()).digest() for n in range(256 * 256 * 3 // 32))
    buffer = io.BytesIO()
    Image.frombytes("RGB", (256, 256), pixels).save(buffer, format="PNG")
    return clean_image(buffer.getvalue(), "image/png")


PNG = _noise_png()
PDF = plain_pdf(more=(b"<< /Length 153600 >>\nstream\n" + bytes(range(256)) * 600 + b"\nendstream",))
QUERIES = ("身份证补办", "驾驶证", "户口迁移", "投诉")


def _settings(url: str) -> dict:
    return {"TESTING": True, "SECRET_KEY": "test-secret-never-in-backup", "SQLALCHEMY_DATABASE_URI": url,
            "CONTENT_DIR": str(CONTENT_DIR), "PASSWORD_HASH_METHOD": "scrypt:4096:8:1",
            "PAGE_CACHE_SECONDS": 0}


def _app(url: str, instance: Path, monkeypatch, *, schema: bool = False):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(instance))
    app = create_app(_settings(url))
    if schema:  # what `portal db upgrade` leaves: the tables and the revision, no rows
        from flask_migrate import stamp

        with app.app_context():
            db.create_all()
            stamp()
    return app


def _close(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _populate(app) -> None:
    from portal.accounts.models import Department, Role
    from portal.accounts.services import create_user
    from portal.annual.services import report_for
    from portal.calendar.services import set_day
    from portal.cases import services as cases
    from portal.complaints.services import file_complaint
    from portal.disclosure.services import file_request
    from portal.matters.files import attach_office_file
    from portal.matters.services import new_submission_key
    from portal.matters.uploads import check_upload
    from portal.seed.content import load_content
    from portal.seed.demo import _fields, create_demo_matters

    with app.app_context():
        load_content(CONTENT_DIR)
        chief = create_user("super1", PASSWORD, Role.SUPERVISOR, "gongkaiban", email="s@example.gov.cn")
        staff = create_user("staff1", PASSWORD, Role.STAFF, "huzheng", "户政民警")
        staff.supervisor_id = chief.id
        create_demo_matters()
        png, pdf = check_upload("f", "照片.png", PNG), check_upload("f", "材料.pdf", PDF)
        first = file_request(_fields("示例申请人丙", "请公开本局2025年户籍窗口办理量。"),
                             submission_key=new_submission_key(), attachment=png,
                             received_on=date(2026, 10, 12)).request
        attach_office_file(first.matter, pdf)
        file_request(_fields("示例申请人丁", "请公开本局2025年出入境证件办理量。"),
                     submission_key=new_submission_key(), attachment=png, received_on=date(2026, 10, 13))
        traffic = db.session.scalar(select(Department.id).where(Department.code == "jiaoguan"))
        file_complaint({"complaint_type": "conduct", "about_department_id": traffic, "officer_name": "",
                        "officer_number": "", "happened_on": date(2026, 10, 2), "what_happened": "窗口推诿。",
                        "wants": "改进", "anonymous": True, "complainant_name": "", "phone": "",
                        "email": ""}, submission_key=new_submission_key(), attachment=pdf,
                       received_on=date(2026, 10, 8))
        unit = db.session.scalar(select(Department.id).where(Department.code == "xingzhen"))
        case = cases.create_case(case_no="示例公(刑)受字〔2026〕0123号", case_type="criminal",
                                 department_id=unit, officer_in_charge="钱警官", unit_phone="0571-87000000",
                                 accepted_on=date(2026, 10, 8), note="内部研判意见", actor_id=chief.id)
        cases.add_party(case, role="victim", name="示例被害人", id_last4="123X", email="v@example.com",
                        actor_id=chief.id)
        cases.add_stage(case, stage="filed", day=date(2026, 10, 10), actor_id=chief.id, note="立案")
        set_day(date(2027, 1, 4), False, "测试调整", chief.id)
        report_for(2026)
        db.session.commit()
    post_form(app.test_client(), "/login", {"username": "staff1", "password": "wrong"})


def _dump(app) -> dict[str, list[tuple]]:
    """Every row of every table, all columns, in primary-key order."""
    with app.app_context():
        dump = {t.name: [tuple(row) for row in db.session.execute(select(t).order_by(*t.primary_key.columns))]
                for t in tables()}
        db.session.remove()
    return dump


def _restored(dump: dict[str, list[tuple]], before: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """``dump`` without the restore's own audit event, checked to be the chain's newest link."""
    events, head = dump["audit_events"], dump["audit_chain_head"]
    last = dict(zip([c.name for c in db.metadata.tables["audit_events"].columns], events[-1], strict=True))
    head_seq = dict(zip([c.name for c in db.metadata.tables["audit_chain_head"].columns], head[0],
                        strict=True))["seq"]
    assert last["action"] == "backup.restore" and last["seq"] == head_seq
    return {**dump, "audit_events": events[:-1], "audit_chain_head": before["audit_chain_head"]}


def _searches(app) -> dict[str, list[tuple]]:
    from portal.search.services import search

    with app.app_context():
        return {q: [(hit.doc_type, hit.url) for hit in search(q).hits] for q in QUERIES}


def _backup(app, path: Path) -> None:
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(path)])
    assert result.exit_code == 0, result.output
    assert "SHA-256" in result.output


def _restore(app, path: Path, *extra: str):
    return app.test_cli_runner().invoke(args=["restore", str(path), "--yes", *extra])


def _wipe(url: str, tmp_path: Path) -> None:
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).unlink()
    else:
        reset_postgres(url)


def _row_count(app) -> int:
    with app.app_context():
        total = sum(db.session.scalar(select(func.count()).select_from(t)) for t in tables())
        db.session.remove()
    return total


@pytest.fixture
def source(database_url, tmp_path, monkeypatch):
    """An app at the migrations' revision holding the realistic data set."""
    app = _app(database_url, tmp_path / "source", monkeypatch, schema=True)
    _populate(app)
    yield app
    _close(app)


def test_round_trip_into_a_fresh_database_loses_nothing(source, database_url, tmp_path, monkeypatch):
    from portal.backup import archive

    monkeypatch.setattr(archive, "CHUNK_ROWS", 7)  # several chunks per table, files split among them
    before, searches = _dump(source), _searches(source)
    assert len(before["attachments"]) == 4 and before["outbox_messages"] and before["login_throttles"]
    assert sum(1 for rows in before.values() if rows) >= 24
    path = tmp_path / "backups" / "b.tar.gz"
    _backup(source, path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert b"test-secret-never-in-backup" not in gzip.decompress(path.read_bytes())
    assert b"content_generation" not in gzip.decompress(path.read_bytes())  # each database keeps its own
    _close(source)
    _wipe(database_url, tmp_path)

    target = _app(database_url, tmp_path / "target", monkeypatch)  # no tables at all
    result = _restore(target, path)
    assert result.exit_code == 0, result.output
    assert "已按迁移脚本建好结构" in result.output and "审计日志完整" in result.output
    after = _restored(_dump(target), before)
    for table, rows in before.items():
        assert after[table] == rows, f"table {table} differs after restore"
    with target.app_context():
        from portal.matters.models import Attachment

        for attachment in db.session.scalars(select(Attachment)):
            assert attachment.data in (PNG, PDF)
            assert hashlib.sha256(attachment.data).hexdigest() == attachment.sha256
    assert target.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
    assert _searches(target) == searches and any(searches.values())
    with target.app_context():  # new rows get fresh ids (sequences follow the restored rows)
        from portal.accounts.models import Role
        from portal.accounts.services import create_user

        newcomer = create_user("staff9", PASSWORD, Role.STAFF, "huzheng")
        db.session.commit()
        assert newcomer.id == max(row[0] for row in before["users"]) + 1
    _close(target)


def test_sqlite_backup_restores_into_postgresql_and_back(tmp_path, monkeypatch):
    if _PG_PROBLEM:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL must be reachable in CI: {_PG_PROBLEM}")
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {_PG_PROBLEM}")
    lite = _app(f"sqlite:///{tmp_path / 'a.db'}", tmp_path / "a", monkeypatch, schema=True)
    _populate(lite)
    before = _dump(lite)
    _backup(lite, tmp_path / "lite.tar.gz")
    _close(lite)
    reset_postgres(PG_URL)
    pg = _app(PG_URL, tmp_path / "pg", monkeypatch)
    assert _restore(pg, tmp_path / "lite.tar.gz").exit_code == 0
    in_pg = _dump(pg)
    assert _restored(in_pg, before) == before
    _backup(pg, tmp_path / "pg.tar.gz")
    _close(pg)
    back = _app(f"sqlite:///{tmp_path / 'b.db'}", tmp_path / "b", monkeypatch)
    result = _restore(back, tmp_path / "pg.tar.gz")
    assert result.exit_code == 0, result.output
    assert _restored(_dump(back), in_pg) == in_pg
    _close(back)


def _rewrite(path: Path, out: Path, change) -> None:
    """Copy the archive, letting ``change(name, data)`` replace members; keep or fix the manifest."""
    members = []
    with tarfile.open(path, "r:gz") as tar:
        for info in tar:
            members.append((info.name, tar.extractfile(info).read()))
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in members:
            data = change(name, data)
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    out.write_bytes(buffer.getvalue())


@pytest.fixture
def archived(source, database_url, tmp_path, monkeypatch):
    """A good archive of the data set, and an app on a migrated, empty database."""
    path = tmp_path / "good.tar.gz"
    _backup(source, path)
    _close(source)
    _wipe(database_url, tmp_path)
    empty = _app(database_url, tmp_path / "empty", monkeypatch, schema=True)
    yield path, empty
    _close(empty)


def test_one_changed_byte_is_refused_and_the_database_stays_empty(archived, tmp_path):
    path, empty = archived
    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 2] ^= 0x01
    (tmp_path / "damaged.tar.gz").write_bytes(bytes(damaged))
    result = _restore(empty, tmp_path / "damaged.tar.gz")
    assert result.exit_code == 1 and "数据库未做任何改动" in result.output
    assert "损坏" in result.output or "校验不符" in result.output

    def alter_a_row(name, data):
        return data.replace("示例申请人丙".encode(), "示例申请人戊".encode())

    _rewrite(path, tmp_path / "altered.tar.gz", alter_a_row)  # gzip intact, one member changed
    result = _restore(empty, tmp_path / "altered.tar.gz")
    assert result.exit_code == 1 and "SHA-256 校验不符" in result.output
    assert _row_count(empty) == 0


def test_a_row_that_fails_to_insert_rolls_back_every_table(archived, tmp_path):
    """The archive checks out (digests fixed up) but a duplicated row breaks the load midway."""
    path, empty = archived
    chunk = "tables/matter_events/000001.jsonl"
    fixed: dict[str, int | str] = {}

    def duplicate_a_row(name, data):
        if name == chunk:
            data += data.splitlines(keepends=True)[0]
            fixed["sha256"], fixed["size"] = hashlib.sha256(data).hexdigest(), len(data)
        elif name == "manifest.json":
            manifest = json.loads(data)
            manifest["members"][chunk] = {"size": fixed["size"], "sha256": fixed["sha256"]}
            manifest["tables"]["matter_events"] += 1
            manifest["table_sha256"]["matter_events"] = fixed["sha256"]  # the table's only chunk
            data = json.dumps(manifest).encode()
        return data

    _rewrite(path, tmp_path / "duplicate.tar.gz", duplicate_a_row)
    result = _restore(empty, tmp_path / "duplicate.tar.gz")
    assert result.exit_code == 1 and "写入数据库时出错" in result.output, result.output
    assert "恢复已撤销，未写入任何数据" in result.output
    assert _row_count(empty) == 0


def test_archive_from_another_revision_is_refused(archived, tmp_path):
    path, empty = archived
    fixed: dict[str, str] = {}

    def other_revision(name, data):
        if name == "backup.json":
            meta = json.loads(data)
            meta["alembic_revision"] = "0123456789ab"
            data = json.dumps(meta).encode()
            fixed["sha256"], fixed["size"] = hashlib.sha256(data).hexdigest(), len(data)
        elif name == "manifest.json":
            manifest = json.loads(data)
            manifest["members"]["backup.json"] = {"size": fixed["size"], "sha256": fixed["sha256"]}
            data = json.dumps(manifest).encode()
        return data

    _rewrite(path, tmp_path / "old.tar.gz", other_revision)
    result = _restore(empty, tmp_path / "old.tar.gz")
    assert result.exit_code == 1
    assert "版本不符" in result.output and "0123456789ab" in result.output
    assert _row_count(empty) == 0


def test_restore_into_a_database_with_data_is_refused_unless_replace(source, tmp_path):
    path = tmp_path / "b.tar.gz"
    _backup(source, path)
    before = _dump(source)
    with source.app_context():
        from portal.accounts.models import Department
        from portal.notices.services import publish_notice, save_notice

        notice = save_notice(None, title="备份后发布的公告", kind="通知公告", body_md="正文",
                             department_id=db.session.scalar(select(Department.id)),
                             review_due_on=None, author_id=None)
        publish_notice(notice, author_id=None)
        db.session.commit()
    result = _restore(source, path)
    assert result.exit_code == 1 and "已有数据" in result.output and "--replace" in result.output
    assert _row_count(source) > sum(len(rows) for rows in before.values())
    refused = source.test_cli_runner().invoke(args=["restore", str(path), "--replace"], input="n\n")
    assert refused.exit_code == 1 and "将被删除并替换" in refused.output
    result = _restore(source, path, "--replace")
    assert result.exit_code == 0, result.output
    assert _restored(_dump(source), before) == before
    assert "备份后发布的公告" not in {hit[1] for hits in _searches(source).values() for hit in hits}


def test_a_write_during_the_backup_is_not_in_it(source, database_url, tmp_path):
    """The snapshot is consistent: a row committed while tables are being read is left out."""
    from portal.backup.services import create_backup
    from portal.search.models import SearchChange

    def write_meanwhile(table_name):
        if table_name == tables()[0].name:
            engine = create_engine(database_url)
            with engine.begin() as conn:
                conn.execute(insert(SearchChange), {"doc_type": "guide", "doc_id": 999})
            engine.dispose()

    before = len(_dump(source)["search_changes"])
    with source.app_context():
        report = create_backup(tmp_path / "b.tar.gz", after_table=write_meanwhile)
    assert report.rows["search_changes"] == before
    assert len(_dump(source)["search_changes"]) == before + 1


# -- forged archives: the manifest recomputed as a forger would, each refused before anything is written


def _forge(path: Path, out: Path, change, *, tables: bool = True) -> None:
    """Rewrite the archive: ``change(name, data)`` returns the members to put in its place (none: dropped).

    The manifest is then recomputed from scratch (member digests, rows and SHA-256 per table,
    number of files), so only the checks beyond the manifest can catch the forgery; with
    ``tables=False`` the rows and SHA-256 per table are left as they were.
    """
    with tarfile.open(path, "r:gz") as tar:
        members = [(info.name, tar.extractfile(info).read()) for info in tar]
    manifest = json.loads(members.pop()[1])
    forged = [new for name, data in members for new in change(name, data)]
    rows = dict.fromkeys(manifest["tables"], 0)
    digests = {table: hashlib.sha256() for table in manifest["tables"]}
    for name, data in forged:
        if name.startswith("tables/"):
            rows[name.split("/")[1]] += data.count(b"\n")
            digests[name.split("/")[1]].update(data)
    manifest.update(members={name: {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                             for name, data in forged},
                    files=sum(1 for name, _data in forged if name.startswith("files/")))
    if tables:
        manifest.update(tables=rows, table_sha256={table: h.hexdigest() for table, h in digests.items()})
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in [*forged, ("manifest.json", json.dumps(manifest).encode())]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    out.write_bytes(buffer.getvalue())


def _attachment_rows(change_row):
    """A ``change`` for :func:`_forge` applying ``change_row(row, column index)`` to each attachments row."""
    from portal.matters.models import Attachment

    names = [column.name for column in Attachment.__table__.columns]  # the order backup.json lists

    def change(name, data):
        if name.startswith("tables/attachments/"):
            rows = [json.loads(line) for line in data.splitlines()]
            for row in rows:
                change_row(row, names.index)
            data = b"".join(json.dumps(row, ensure_ascii=False).encode() + b"\n" for row in rows)
        return [(name, data)]

    return change


PNG_SHA, PDF_SHA = hashlib.sha256(PNG).hexdigest(), hashlib.sha256(PDF).hexdigest()
EDITED_PNG = PNG.replace(b"PNG", b"PNF", 1)
EDITED_SHA = hashlib.sha256(EDITED_PNG).hexdigest()


def _edit_file(name, data):
    return [(name, EDITED_PNG if name == f"files/{PNG_SHA}" else data)]


def _point_at_edited_file(row, index):
    if row[index("data")] == PNG_SHA:
        row[index("data")] = EDITED_SHA


def _edit_and_rename_file(name, data):  # the file renamed to its new digest, the rows' references too
    if name == f"files/{PNG_SHA}":
        return [(f"files/{EDITED_SHA}", EDITED_PNG)]
    return _attachment_rows(_point_at_edited_file)(name, data)


def _drop_file(name, data):
    return [] if name == f"files/{PDF_SHA}" else [(name, data)]


def _add_file(name, data):
    extra = b"not an upload anyone made"
    return [(f"files/{hashlib.sha256(extra).hexdigest()}", extra), (name, data)] if name.startswith(
        "tables/attachments/") else [(name, data)]


def _edit_recorded_digest(row, index):
    row[index("sha256")] = EDITED_SHA


FORGERIES = [
    ("an uploaded file edited", _edit_file, f"上传文件 files/{PNG_SHA} 的内容与它的 SHA-256 名称不符"),
    ("an uploaded file edited and renamed", _edit_and_rename_file,
     f"记录的 SHA-256（{PNG_SHA}）与它引用的上传文件 files/{EDITED_SHA} 不符"),
    ("an uploaded file removed", _drop_file, f"引用的上传文件 files/{PDF_SHA} 不在备份中"),
    ("an extra file added", _add_file,
     f"上传文件 files/{hashlib.sha256(b'not an upload anyone made').hexdigest()} 没有任何记录引用它"),
    ("an attachments row edited", _attachment_rows(_edit_recorded_digest),
     f"记录的 SHA-256（{EDITED_SHA}）与它引用的上传文件 files/"),
]


def test_forged_uploads_are_refused_with_nothing_written(source, database_url, tmp_path, monkeypatch):
    from portal.backup import archive

    monkeypatch.setattr(archive, "CHUNK_ROWS", 2)  # each file is written again before a later chunk
    path = tmp_path / "good.tar.gz"
    _backup(source, path)
    _close(source)
    _wipe(database_url, tmp_path)
    empty = _app(database_url, tmp_path / "empty", monkeypatch, schema=True)
    for label, change, message in FORGERIES:
        forged = tmp_path / f"{label}.tar.gz"
        _forge(path, forged, change)
        result = _restore(empty, forged)
        assert result.exit_code == 1, (label, result.output)
        assert message in result.output and "拒绝恢复" in result.output, (label, result.output)
        assert "数据库未做任何改动" in result.output and _row_count(empty) == 0, label
    def edit_a_note(name, data):
        if name.startswith("tables/calendar_overrides/"):
            data = data.replace("测试调整".encode(), "测试调正".encode())
        return [(name, data)]

    _forge(path, tmp_path / "note.tar.gz", edit_a_note, tables=False)  # member digest recomputed, not the table's
    result = _restore(empty, tmp_path / "note.tar.gz")
    assert result.exit_code == 1 and "表 calendar_overrides 的 SHA-256 与清单不符" in result.output, result.output
    assert _row_count(empty) == 0
    # The checks refuse forgeries, not the writer's own layout: the same archive, untouched, restores.
    _forge(path, tmp_path / "recomputed.tar.gz", lambda name, data: [(name, data)])
    for good in (path, tmp_path / "recomputed.tar.gz"):
        result = _restore(empty, good, "--replace")
        assert result.exit_code == 0, result.output
        assert "每个上传文件都与其名称和数据记录中的 SHA-256 相符" in result.output
    with empty.app_context():
        from portal.matters.models import Attachment

        assert sorted(a.sha256 for a in db.session.scalars(select(Attachment))) == sorted(
            [PNG_SHA, PNG_SHA, PDF_SHA, PDF_SHA])
    _close(empty)


def test_a_forged_archive_leaves_a_database_with_data_and_its_files_untouched(source, tmp_path):
    path = tmp_path / "b.tar.gz"
    _backup(source, path)
    before = _dump(source)
    instance = Path(source.instance_path)
    files_before = {p: p.stat().st_mtime_ns for p in instance.rglob("*") if p.is_file()}
    _forge(path, tmp_path / "forged.tar.gz", _edit_file)
    result = _restore(source, tmp_path / "forged.tar.gz", "--replace")
    assert result.exit_code == 1 and f"files/{PNG_SHA}" in result.output
    assert _dump(source) == before
    assert {p: p.stat().st_mtime_ns for p in instance.rglob("*") if p.is_file()} == files_before
