"""The tests' own app factory (tests/apps.py): each app it builds is cheap, yet its own — a
database of its own at the newest migration, and the same page an app built from nothing
serves."""

from __future__ import annotations

from sqlalchemy import text

from app import create_app
from store import migrate
from tests.apps import make_app


def attempts_in(app) -> int:
    with app.extensions["store"].engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM attempts")).scalar()


def test_each_app_has_its_own_database_at_the_newest_migration(tmp_path):
    first, second = make_app(tmp_path / "one"), make_app(tmp_path / "two")
    for app in (first, second):
        assert migrate.current(app.extensions["store"].engine) == migrate.head()
    answer = first.test_client().post("/api/checkpoint/q1", json={"answer": "e4"})
    assert answer.status_code == 200 and answer.get_json()["saved"]
    assert (attempts_in(first), attempts_in(second)) == (1, 0)
    assert make_app(tmp_path / "three").test_client().get("/api/progress").status_code == 200
    assert attempts_in(first) == 1


def test_a_second_app_on_the_same_folder_keeps_its_database(tmp_path):
    client = make_app(tmp_path).test_client()
    assert client.post("/api/checkpoint/q2", json={"answer": "true"}).status_code == 200
    again = make_app(tmp_path)  # another process on the same instance folder
    assert attempts_in(again) == 1


def test_the_shared_compiled_templates_serve_the_page_an_app_built_alone_serves(tmp_path):
    shared = make_app(tmp_path / "shared")
    cached = make_app(tmp_path / "cached")  # its templates come from the shared cache
    alone = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key",
                        "DATABASE_URL": f"sqlite:///{tmp_path / 'alone.sqlite'}",
                        "INSTANCE_PATH": str(tmp_path / "alone")})
    page = alone.extensions["chapter_page"].body
    assert shared.extensions["chapter_page"].body == page
    assert cached.extensions["chapter_page"].body == page
    assert alone.jinja_env.bytecode_cache is None  # Flask's own options were left as they were
    assert cached.jinja_env.bytecode_cache is not None
