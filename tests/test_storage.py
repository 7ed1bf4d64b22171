"""Storage: schema, migrations, idempotent inserts, filters, decisions — on real SQLite files and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from kb.models import Metadata
from kb.storage import SCHEMA_VERSION, Storage


def _add(st: Storage, h: str, **meta) -> tuple[int, bool]:
    return st.add_submission(
        content_hash=h,
        source=f"{h}.txt",
        source_path="",
        fmt="txt",
        text="正文" + h,
        norm_text="正文" + h,
        meta=Metadata(**meta),
    )


def test_init_creates_schema_wal_and_foreign_keys(db_url, backend):
    st = Storage(db_url)
    assert st.schema_version() == 0
    assert st.init() == SCHEMA_VERSION
    assert st.schema_version() == SCHEMA_VERSION
    if backend == "sqlite":
        with st.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert sa.inspect(st.engine).has_table("api_keys")
    assert st.init() == SCHEMA_VERSION  # idempotent
    assert st.integrity_check() == "ok"


def test_migration_from_version_1_adds_later_tables(db_url):
    st = Storage(db_url)
    from kb import storage as mod

    with st.engine.begin() as conn:
        mod.MIGRATIONS[1](conn)
        conn.execute(sa.insert(mod.meta_t).values(key="schema_version", value="1"))
    assert st.schema_version() == 1
    assert not sa.inspect(st.engine).has_table("family_reviews")
    st.init()
    assert st.schema_version() == SCHEMA_VERSION
    assert sa.inspect(st.engine).has_table("family_reviews") and sa.inspect(st.engine).has_table("api_keys")
    assert "summary" in {c["name"] for c in sa.inspect(st.engine).get_columns("analyses")}


def test_newer_schema_is_refused(db_url):
    from kb.errors import SchemaVersionError

    st = Storage(db_url)
    st.init()
    st.set_meta("schema_version", str(SCHEMA_VERSION + 5))
    try:
        st.init()
    except SchemaVersionError as exc:
        assert "升级" in str(exc)
    else:
        raise AssertionError("a newer schema must be refused")


def test_add_is_idempotent_by_hash_and_filters_work(db_url):
    st = Storage(db_url)
    st.init()
    a, created = _add(st, "h1", region="浙江省", year=2021, kind="scenario", title="甲")
    assert created
    again, created2 = _add(st, "h1", region="江苏省")
    assert (again, created2) == (a, False)
    _add(st, "h2", region="江苏省", year=2022, kind="factory", title="乙")
    assert st.count_submissions() == 2
    assert [s.meta.title for s in st.list_submissions({"region": "江苏省"})] == ["乙"]
    assert [s.id for s in st.list_submissions({"year": [2021, 2022]}, order_by="year", descending=True)] == [
        2,
        1,
    ]
    assert st.list_submissions({"q": "甲"})[0].id == a
    assert st.list_submissions(limit=1, offset=1)[0].id == 2
    assert st.distinct_values("region") == ["江苏省", "浙江省"]


def test_decisions_labels_and_cascade(db_url):
    st = Storage(db_url)
    st.init()
    sid, _ = _add(st, "x")
    st.add_decision(sid, "r1", "存疑", "数据对不上")
    st.add_decision(sid, "r1", "通过", "已核实")
    assert st.latest_decisions()[sid]["status"] == "通过"
    assert len(st.decision_history(sid)) == 2
    st.add_label(sid, "scenario", "G21-01", "2021", "r1")
    st.add_label(sid, "scenario", "G21-01", "2021", "r1")
    assert len(st.labels("scenario")) == 1
    st.save_analysis(sid, "check", "v1", {"weakness": 10})
    assert st.get_analysis(sid, "check") == ("v1", {"weakness": 10})
    st.delete_submission(sid)
    assert st.get_analysis(sid, "check") is None  # cascaded
    assert st.latest_decisions() == {}


def test_plain_postgresql_urls_use_psycopg3(db_url, backend):
    if backend != "postgresql":
        return
    st = Storage(db_url.replace("postgresql+psycopg://", "postgresql://"))
    assert st.engine.dialect.driver == "psycopg"
    assert st.init() == SCHEMA_VERSION
    _add(st, "p1", title="长标题" * 40, region="新疆生产建设兵团第十二师" * 3)  # no VARCHAR length limits
    assert st.list_submissions()[0].meta.title == "长标题" * 40
