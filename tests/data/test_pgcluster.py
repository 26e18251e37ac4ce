"""The throw-away PostgreSQL server of the tests: reachable by its URL, as an account without
superuser rights, with a database of its own for each test."""

import subprocess

import pytest


def psql(url: str, sql: str) -> str:
    return subprocess.run(["psql", "-X", "-qAt", url, "-c", sql], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_a_plain_client_reaches_the_database_by_its_url(pg_url):
    assert psql(pg_url, "select 1") == "1"


def test_the_role_may_create_roles_but_is_no_superuser(pg_url):
    assert psql(pg_url, "select current_user, rolsuper, rolcreaterole from pg_roles "
                        "where rolname = current_user") == "paicha|f|t"


def test_the_role_owns_the_database_and_may_create_tables_in_it(pg_url):
    assert psql(pg_url, "select pg_get_userbyid(datdba) from pg_database "
                        "where datname = current_database()") == "paicha"
    assert psql(pg_url, "create table t (x int); insert into t values (1); select count(*) from t") == "1"


seen: list[str] = []


@pytest.mark.parametrize("run", [1, 2])
def test_every_test_gets_a_fresh_empty_database_and_the_last_one_is_gone(pg_url, run):
    assert pg_url not in seen
    names = psql(pg_url, "select datname from pg_database").split()
    assert [url for url in seen if url.rsplit("/", 1)[1] in names] == []
    assert psql(pg_url, "select count(*) from pg_tables where schemaname = 'public'") == "0"
    psql(pg_url, "create table left_behind (x int)")
    seen.append(pg_url)


def test_the_main_database_is_paicha_s(pg_cluster):
    assert pg_cluster.url.endswith("/paicha")
    assert psql(pg_cluster.url, "select current_database()") == "paicha"
