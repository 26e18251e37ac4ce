"""A throw-away PostgreSQL cluster on loopback for tests and benchmarks (`python -m tests.pgcluster start|stop DIR`)."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROLE = "paicha"
ADMIN = "postgres"
# Durability traded for speed: the cluster is thrown away, a crash loses nothing worth keeping.
SETTINGS = {"listen_addresses": "'127.0.0.1'", "fsync": "off", "synchronous_commit": "off",
            "full_page_writes": "off", "max_connections": "200", "shared_buffers": "256MB"}
NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")  # a database name that needs no quoting, in SQL or a URL


def bin_dir(version: str = "*") -> Path:
    """The server binaries of ``version``, by default the newest installed."""
    found = [p.parent for p in Path("/usr/lib/postgresql").glob(f"{version}/bin/initdb")]
    if not found:
        raise FileNotFoundError(f"no PostgreSQL server in /usr/lib/postgresql/{version}/bin: "
                                "`make postgres` installs it")
    return max(found, key=lambda p: [int(part) for part in p.parent.name.split(".")])


def _as_owner() -> list[str]:
    """initdb and pg_ctl refuse to run as root: root runs them as Debian's postgres user."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"]


def _run(cmd: list, cwd: Path) -> str:
    # cwd: a folder the server's user may enter (as postgres, initdb cannot stay in root's home).
    out = subprocess.run([str(c) for c in cmd], cwd=cwd, stdin=subprocess.DEVNULL,
                         capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed:\n{out.stdout}{out.stderr}")
    return out.stdout


def _locale() -> str:
    """C.UTF-8 where the C library has it (upper() and regex classes beyond ASCII), else C;
    both sort by code point, whatever the machine's language."""
    names = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.split()
    return "C.UTF-8" if {"C.utf8", "C.UTF-8"} & set(names) else "C"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Cluster:
    base_dir: Path
    port: int

    @property
    def url(self) -> str:
        return self.url_of(ROLE)

    @property
    def admin_url(self) -> str:
        return f"postgresql://{ADMIN}@127.0.0.1:{self.port}/postgres"

    def url_of(self, database: str) -> str:
        return f"postgresql://{ROLE}@127.0.0.1:{self.port}/{database}"

    def psql(self, url: str, *commands: str) -> str:
        """Each command in its own transaction (CREATE DATABASE may not run in one); rows as
        unaligned text."""
        args = [c for command in commands for c in ("-c", command)]
        return _run([_binaries(self.base_dir) / "psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1",
                     url, *args], self.base_dir)

    def create_database(self, name: str, template: str | None = None) -> str:
        """A fresh database owned by paicha, empty or a copy of ``template``; its URL."""
        for given in filter(None, (name, template)):
            if not NAME.fullmatch(given):
                raise ValueError(f"database name {given!r} is not a plain lower-case identifier")
        copy = f" TEMPLATE {template}" if template else ""
        self.psql(self.admin_url, f"CREATE DATABASE {name} OWNER {ROLE}{copy}")
        return self.url_of(name)

    def drop_database(self, name: str) -> None:
        # FORCE: a test's pool may still hold connections when its database goes.
        self.psql(self.admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        stop(self.base_dir)


def _binaries(base_dir: Path) -> Path:
    """Those of the version that made the cluster, which may not be the newest one any more."""
    return bin_dir((base_dir / "data" / "PG_VERSION").read_text().strip())


def start(base_dir: Path, settings: dict[str, str] | None = None) -> Cluster:
    """A new cluster in ``base_dir`` (its data, log and socket), running, with the role and
    database paicha; ``settings`` add to or override the server's configuration."""
    base_dir = Path(base_dir).resolve()
    base_dir.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(base_dir, "postgres", "postgres")
        if subprocess.run([*_as_owner(), "test", "-w", base_dir]).returncode:
            raise PermissionError(f"the postgres user cannot write {base_dir}: a folder on its way is "
                                  "private to root (as pytest's are); use one directly in /tmp")
    data, log, port = base_dir / "data", base_dir / "postgres.log", _free_port()
    binaries = bin_dir()
    _run([*_as_owner(), binaries / "initdb", "--no-sync", "--no-instructions", "-D", data, "-U", ADMIN,
          "--auth=trust", "--encoding=UTF8", f"--locale={_locale()}"], base_dir)
    # In the configuration rather than on pg_ctl's command line, so a plain `pg_ctl start` of
    # the same folder comes back the same.
    settings = {**SETTINGS, **(settings or {}), "port": str(port), "unix_socket_directories": f"'{base_dir}'"}
    with (data / "postgresql.conf").open("a") as conf:
        conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
    try:
        _run([*_as_owner(), binaries / "pg_ctl", "-D", data, "-l", log, "-w", "-t", "30", "start"],
             base_dir)
    except RuntimeError as failed:
        tail = log.read_text(errors="replace").splitlines()[-20:] if log.exists() else []
        raise RuntimeError("\n".join([str(failed), f"{log} ends:", *tail])) from None
    cluster = Cluster(base_dir, port)
    # Not a superuser, so the tests see what the application's own account may and may not do.
    cluster.psql(cluster.admin_url, f"CREATE ROLE {ROLE} LOGIN CREATEROLE",
                 f"CREATE DATABASE {ROLE} OWNER {ROLE}")
    return cluster


def stop(base_dir: Path) -> None:
    """Stop the cluster in ``base_dir``, closing its connections."""
    base_dir = Path(base_dir).resolve()
    _run([*_as_owner(), _binaries(base_dir) / "pg_ctl", "-D", base_dir / "data", "-m", "fast",
          "-w", "stop"], base_dir)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.pgcluster", description=__doc__)
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("dir", type=Path, help="the cluster's folder (a new one to start)")
    args = parser.parse_args(argv)
    if args.action == "start":
        print(start(args.dir).url)
    else:
        stop(args.dir)


if __name__ == "__main__":
    main()
