"""The spot-check sub-commands: `paicha sample`, `paicha lqas`, `paicha sample-size`, `paicha spot-results`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from cli.common import (
    EXIT_OK,
    EXIT_REJECTED,
    Handler,
    UsageError,
    checked_scope,
    emit,
    open_store,
    parse_date,
)
from data_loaders import spot_checks
from paicha import stats
from paicha.access import User
from paicha.config import Settings
from paicha.sampling import SAMPLE_COLUMNS, Method

# The CLI is an operator's tool on the server: it may draw and enter results, and every draw
# and every result it writes is logged under this name like a user's.
CLI_USER = User("cli", "命令行", "", frozenset({"sample"}))


def cmd_sample(args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(args, settings)
    scope = checked_scope(store, args, settings)
    # Only the options that apply to the method are passed; the rest keep the method's defaults.
    given = {
        Method.srs: {"n": args.n},
        Method.stratified: {"n": args.n, "by": args.by and f"{args.by}_code"},
        Method.pps: {"n_villages": args.n, "per_village": args.per_village},
        Method.backcheck: {"share": args.share},
        Method.lqas: {"upper": args.upper, "lower": args.lower, "alpha": args.alpha, "beta": args.beta},
    }[Method(args.method)]
    try:
        draw = spot_checks.create_draw(store, settings, CLI_USER, scope, args.as_of, args.method, given,
                                       args.seed, args.include_unscreened)
    except spot_checks.SpotCheckError as exc:
        print(f"paicha: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    except ValueError as exc:  # parameters the sampling functions refuse
        raise UsageError(str(exc)) from exc
    households = draw.sample[list(SAMPLE_COLUMNS)].to_dict(orient="records")
    if args.json:
        emit({"draw_id": draw.draw_id, "method": draw.method, "seed": draw.seed, "frame_size": draw.frame_size,
              "frame_hash": draw.frame_hash, "households": households})
    else:
        print(f"抽样编号 {draw.draw_id}：{Method(draw.method).label}，种子 {draw.seed}，"
              f"抽样框 {draw.frame_size} 户（指纹 {draw.frame_hash}），抽中 {len(households)} 户")
    return EXIT_OK


def cmd_lqas(args: argparse.Namespace, settings: Settings) -> int:
    try:
        plan = stats.lqas_design(args.upper, args.lower, args.alpha, args.beta, population=args.population)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    if args.json:
        emit({"n": plan.n, "d": plan.d, "alpha": plan.alpha, "beta": plan.beta})
    else:
        print(f"抽查 {plan.n} 户，至少 {plan.d} 户正确为合格（α={plan.alpha:.4f}，β={plan.beta:.4f}）")
    return EXIT_OK


def cmd_sample_size(args: argparse.Namespace, settings: Settings) -> int:
    try:
        n = stats.proportion_sample_size(args.margin, args.p, args.confidence, args.population)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    if args.json:
        emit({"n": n})
    else:
        print(f"需核查 {n} 户")
    return EXIT_OK


def cmd_spot_results(args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(args, settings)
    scope = checked_scope(store, args, settings)
    path = Path(args.file)
    if not path.exists():
        raise UsageError(f"文件不存在: {path}")
    outcome = spot_checks.import_results(store, scope, args.draw, CLI_USER, path.read_bytes(), path.name)
    emit({"draw_id": args.draw, "saved": outcome.saved, "errors": outcome.errors})
    return EXIT_OK if outcome.ok else EXIT_REJECTED


def register(command: Callable[[str, Handler, str], argparse.ArgumentParser]) -> None:
    """Add the spot-check sub-commands through cli.main's ``command`` helper."""
    p = command("sample", cmd_sample, "抽取抽查样本并记入抽样记录")
    p.add_argument("--as-of", type=parse_date, required=True)
    p.add_argument("--method", choices=[m.value for m in Method], required=True)
    p.add_argument("--town", help="只在一个乡镇抽样（12位代码）")
    p.add_argument("--n", type=int, help="样本户数（srs、stratified）或抽取村数（pps）")
    p.add_argument("--per-village", type=int, help="pps：每村抽取户数")
    p.add_argument("--by", choices=["village", "town"], help="stratified：分层依据")
    p.add_argument("--share", type=float, help="backcheck：抽查比例，如0.15")
    p.add_argument("--upper", type=float, help="lqas：合格正确率")
    p.add_argument("--lower", type=float, help="lqas：不合格正确率")
    p.add_argument("--alpha", type=float, help="lqas：α")
    p.add_argument("--beta", type=float, help="lqas：β")
    p.add_argument("--seed", type=int, help="随机种子（不填则随机选取并输出）")
    p.add_argument("--include-unscreened", action="store_true", help="抽样框包含未排查农户")
    p.add_argument("--json", action="store_true")

    p = command("lqas", cmd_lqas, "计算LQAS抽样方案（n和合格线d）")
    p.add_argument("--upper", type=float, required=True)
    p.add_argument("--lower", type=float, required=True)
    p.add_argument("--population", type=int)
    p.add_argument("--alpha", type=float, default=0.10)
    p.add_argument("--beta", type=float, default=0.10)
    p.add_argument("--json", action="store_true")

    p = command("sample-size", cmd_sample_size, "估计比例所需样本量（含有限总体校正）")
    p.add_argument("--margin", type=float, required=True, help="允许误差，如0.05表示±5个百分点")
    p.add_argument("--p", type=float, default=0.5)
    p.add_argument("--confidence", type=float, default=0.95)
    p.add_argument("--population", type=int)
    p.add_argument("--json", action="store_true")

    p = command("spot-results", cmd_spot_results, "导入填好的核查清单（全部通过才写入）")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--draw", type=int, required=True, help="抽样编号")
    p.add_argument("--town", help="乡镇范围（12位代码）")
