# The whole developer interface. `make run` and `make test` set up everything they need.
# uv from PATH, else the uv package run as a module (pip puts it there on a bare machine).
UV ?= $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
PY := $(UV) run --frozen

.PHONY: setup uv browser documents postgres nginx run demo test test-fast lint bench

uv:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv \
		|| python3 -m pip install --quiet --user uv \
		|| python3 -m pip install --quiet --user --break-system-packages uv

setup: uv
	$(UV) sync --frozen

# Debian's Chromium and CJK fonts for the browser tests (Playwright's own download cannot work here).
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

# LibreOffice Writer turns the 进展通报 into PDF (ui/documents/pdf.py); without it there is no PDF,
# the Word and Excel files are made all the same.
documents:
	@if ! command -v soffice >/dev/null 2>&1; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libreoffice-writer-nogui fonts-noto-cjk >/dev/null; \
	fi

# Debian's PostgreSQL server (any version): tests/pgcluster.py starts a throw-away cluster of it
# for the tests and benchmarks of the PostgreSQL store. The client alone is not enough: initdb
# and pg_ctl come with the server.
postgres:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null; \
	fi

# Debian's nginx, the reverse proxy in front of the dashboard in the tests that need one; the
# light build has all it takes. /usr/sbin is not on every user's PATH, hence the second look.
nginx:
	@if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && { DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx-light >/dev/null \
			|| DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx >/dev/null; }; \
	fi

# The dashboard's database: PAICHA_DB when set, else the real store when there is one, else the
# demo store, which is generated (and marked demo) on first use. A real store is never touched.
REAL_DB := data/paicha.duckdb
DEMO_DB := data/demo.duckdb
RUN_DB = $(or $(PAICHA_DB),$(if $(wildcard $(REAL_DB)),$(REAL_DB),$(DEMO_DB)))

run: setup
	@if [ "$(RUN_DB)" = "$(DEMO_DB)" ] && [ ! -e "$(DEMO_DB)" ]; then $(PY) paicha demo --db "$(DEMO_DB)"; fi
	PAICHA_DB="$(RUN_DB)" $(PY) streamlit run server.py

demo: setup
	$(PY) paicha demo --db "$(DEMO_DB)"

# Everything but the browser tests on every core (the store tests run twice, once per engine);
# the browser tests two at a time, a whole file each (its module fixtures start one server and
# one store): they spend most of their time waiting for a page, so two overlap well even on two
# cores (12.6 min against 19.2 one at a time on a 2-core machine), and more would starve them.
test: setup browser documents postgres nginx
	$(PY) pytest --numprocesses auto -m "not e2e"
	$(PY) pytest --numprocesses 2 --dist loadfile -m e2e

test-fast: setup
	$(PY) pytest -m "not e2e"

lint: setup
	$(PY) ruff check .

bench: setup
	$(PY) python benchmarks/overview.py
