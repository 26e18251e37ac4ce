"""The spot-check commands: `paicha sample`, `paicha lqas`, `paicha sample-size`, `paicha spot-results`."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import main
from data_loaders.store import Store
from tests.conftest import build_known_store
from tests.filled_lists import write_filled_list

ROOT = Path(__file__).resolve().parents[2]


def run_json(capsys, *argv):
    code = main([str(a) for a in argv])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(("argv", "expected"), [
    (["--upper", "0.8", "--lower", "0.5"], (19, 13)),
    (["--upper", "0.95", "--lower", "0.8"], (32, 29)),
    (["--upper", "0.8", "--lower", "0.5", "--alpha", "0.1", "--beta", "0.1"], (19, 13)),
])
def test_lqas_prints_the_plan(capsys, argv, expected):
    code, plan = run_json(capsys, "lqas", *argv, "--json")
    assert code == 0 and (plan["n"], plan["d"]) == expected
    assert set(plan) == {"n", "d", "alpha", "beta"} and plan["alpha"] <= 0.1 and plan["beta"] <= 0.1


def test_lqas_for_a_small_village_needs_fewer_households(capsys):
    code, plan = run_json(capsys, "lqas", "--upper", "0.8", "--lower", "0.5", "--population", "40", "--json")
    assert code == 0 and plan["n"] < 19


@pytest.mark.parametrize(("population", "n"), [("300", 169), ("20000", 377)])
def test_sample_size_with_finite_population_correction(capsys, population, n):
    code, out = run_json(capsys, "sample-size", "--margin", "0.05", "--p", "0.5", "--confidence", "0.95",
                         "--population", population, "--json")
    assert code == 0 and out == {"n": n}


def test_impossible_designs_and_bad_margins_are_usage_errors(capsys):
    assert main(["lqas", "--upper", "0.5", "--lower", "0.8", "--json"]) == 2
    assert main(["sample-size", "--margin", "5", "--json"]) == 2
    assert "允许误差" in capsys.readouterr().err


def test_sample_prints_and_stores_a_reproducible_draw(demo_copy, capsys):
    db = demo_copy
    argv = ["sample", "--db", db, "--as-of", "2024-09-20", "--method", "backcheck", "--share", "0.1",
            "--seed", "17", "--json"]
    code, first = run_json(capsys, *argv)
    assert code == 0
    assert set(first) == {"draw_id", "method", "seed", "frame_size", "frame_hash", "households"}
    assert (first["method"], first["seed"]) == ("backcheck", 17) and len(first["frame_hash"]) == 64
    assert set(first["households"][0]) == {"household_id", "village_code", "stratum", "inclusion_probability", "reason"}
    assert any(h["reason"] != "random" for h in first["households"])
    code, again = run_json(capsys, *argv)
    assert again["draw_id"] == first["draw_id"] + 1 and again["households"] == first["households"]
    from data_loaders import store as store_module
    store_module.close_all()
    store = Store(db)
    log = store.query("SELECT draw_id, user_name, seed, sample_size FROM spot_check_draws ORDER BY 1")
    assert log["user_name"].tolist() == ["cli", "cli"] and log["sample_size"].tolist() == [len(first["households"])] * 2


@pytest.mark.parametrize("method", ["srs", "stratified", "pps", "lqas"])
def test_every_method_draws_from_the_command_line(demo_copy, capsys, method):
    db = demo_copy
    size = [] if method == "lqas" else ["--n", "4"] if method == "pps" else ["--n", "30"]
    code, out = run_json(capsys, "sample", "--db", db, "--as-of", "2024-09-20", "--method", method, *size,
                         "--town", "210311104000", "--seed", "1", "--json")
    assert code == 0 and out["method"] == method and out["households"]
    assert all(h["village_code"].startswith("210311104") for h in out["households"])


def test_sample_without_seed_chooses_one_and_reports_it(tmp_path, settings, capsys):
    build_known_store(tmp_path / "k.duckdb", settings)
    code, out = run_json(capsys, "sample", "--db", tmp_path / "k.duckdb", "--as-of", "2024-09-12",
                         "--method", "srs", "--n", "2", "--json")
    assert code == 0 and isinstance(out["seed"], int) and len(out["households"]) == 2


def test_sample_usage_errors_exit_2_and_an_empty_frame_exits_1(tmp_path, settings, capsys):
    build_known_store(tmp_path / "k.duckdb", settings)
    db = str(tmp_path / "k.duckdb")
    assert main(["sample", "--db", db, "--as-of", "2024-09-12", "--method", "srs", "--town", "999"]) == 2
    assert main(["sample", "--db", db, "--as-of", "2024-09-12", "--method", "backcheck", "--share", "15"]) == 2
    assert main(["sample", "--db", str(tmp_path / "none.duckdb"), "--as-of", "2024-09-12", "--method", "srs"]) == 2
    # Nothing was screened before the campaign began: there is no frame to draw from.
    assert main(["sample", "--db", db, "--as-of", "2024-08-20", "--method", "srs", "--n", "3"]) == 1
    assert "抽样框为空" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["sample", "--db", db, "--as-of", "2024-09-12", "--method", "census"])
    assert exc.value.code == 2


def test_spot_results_imports_a_good_file_and_rejects_a_bad_one(tmp_path, settings, capsys):
    build_known_store(tmp_path / "k.duckdb", settings)
    db = tmp_path / "k.duckdb"
    code, draw = run_json(capsys, "sample", "--db", db, "--as-of", "2024-09-14", "--method", "srs", "--n", "50",
                          "--seed", "1", "--json")
    good = tmp_path / "good.xlsx"
    write_filled_list(good, [{"户编号": "A00", "是否一致": "是"}], draw["draw_id"], with_serial=False)
    code, out = run_json(capsys, "spot-results", "--db", db, "--draw", draw["draw_id"], good)
    assert code == 0 and out == {"draw_id": draw["draw_id"], "saved": 1, "errors": []}
    bad = tmp_path / "invalid_values.xlsx"
    write_filled_list(bad, [{"户编号": "A01", "是否一致": "也许"}], draw["draw_id"], with_serial=False)
    code, out = run_json(capsys, "spot-results", "--db", db, "--draw", draw["draw_id"], bad)
    assert code == 1 and out["saved"] == 0
    assert out["errors"][0].startswith("invalid_values.xlsx 工作表「第1组」第3行「是否一致」列（G列）")


def test_the_module_entry_point_reports_usage_errors_too(tmp_path, settings):
    # `python -m cli.main` loads cli.main twice (as __main__ and as cli.main); errors must still map to 2.
    build_known_store(tmp_path / "k.duckdb", settings)
    from data_loaders import store as store_module
    store_module.close_all()
    out = subprocess.run([sys.executable, "-m", "cli.main", "sample", "--db", str(tmp_path / "k.duckdb"),
                          "--as-of", "2024-09-12", "--method", "srs", "--town", "999"],
                         cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 2 and "未知的乡镇代码" in out.stderr
    out = subprocess.run([sys.executable, "-m", "cli.main", "lqas", "--upper", "0.8", "--lower", "0.5", "--json"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    assert (json.loads(out.stdout)["n"], json.loads(out.stdout)["d"]) == (19, 13)
