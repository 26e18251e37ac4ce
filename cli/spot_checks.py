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
from paicha.access import User
from paicha.config import Settings
from paicha.text import t
from paicha.vocab import Method, Permission

# The CLI is an operator's tool on the server: it may draw and enter results, and every draw
# and every result it writes is logged under this name like a user's.
CLI_USER = User("cli", t("cli.operator"), "", frozenset({Permission.sample}))


def cmd_sample(args: argparse.Namespace, settings: Settings) -> int:
    from data_loaders import spot_checks
    from paicha.sampling import SAMPLE_COLUMNS

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
        print(t("cli.sample_line", draw_id=draw.draw_id, method=Method(draw.method).label, seed=draw.seed,
                frame_size=draw.frame_size, frame_hash=draw.frame_hash, n=len(households)))
    return EXIT_OK


def cmd_lqas(args: argparse.Namespace, settings: Settings) -> int:
    from paicha import stats

    try:
        plan = stats.lqas_design(args.upper, args.lower, args.alpha, args.beta, population=args.population)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    if args.json:
        emit({"n": plan.n, "d": plan.d, "alpha": plan.alpha, "beta": plan.beta})
    else:
        print(t("cli.lqas_line", n=plan.n, d=plan.d, alpha=plan.alpha, beta=plan.beta))
    return EXIT_OK


def cmd_sample_size(args: argparse.Namespace, settings: Settings) -> int:
    from paicha import stats

    try:
        n = stats.proportion_sample_size(args.margin, args.p, args.confidence, args.population)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    if args.json:
        emit({"n": n})
    else:
        print(t("cli.sample_size_line", n=n))
    return EXIT_OK


def cmd_spot_results(args: argparse.Namespace, settings: Settings) -> int:
    from data_loaders import spot_checks

    store = open_store(args, settings)
    scope = checked_scope(store, args, settings)
    path = Path(args.file)
    if not path.exists():
        raise UsageError(t("cli.file_missing", path=path))
    outcome = spot_checks.import_results(store, scope, args.draw, CLI_USER, path.read_bytes(), path.name)
    emit({"draw_id": args.draw, "saved": outcome.saved, "errors": outcome.errors})
    return EXIT_OK if outcome.ok else EXIT_REJECTED


def register(command: Callable[[str, Handler, str], argparse.ArgumentParser]) -> None:
    """Add the spot-check sub-commands through cli.main's ``command`` helper."""
    p = command("sample", cmd_sample, t("cli.help.sample"))
    p.add_argument("--as-of", type=parse_date, required=True)
    p.add_argument("--method", choices=[m.value for m in Method], required=True)
    p.add_argument("--town", help=t("cli.help.sample_town"))
    p.add_argument("--n", type=int, help=t("cli.help.sample_n"))
    p.add_argument("--per-village", type=int, help=t("cli.help.per_village"))
    p.add_argument("--by", choices=["village", "town"], help=t("cli.help.by"))
    p.add_argument("--share", type=float, help=t("cli.help.share"))
    p.add_argument("--upper", type=float, help=t("cli.help.upper"))
    p.add_argument("--lower", type=float, help=t("cli.help.lower"))
    p.add_argument("--alpha", type=float, help=t("cli.help.alpha"))
    p.add_argument("--beta", type=float, help=t("cli.help.beta"))
    p.add_argument("--seed", type=int, help=t("cli.help.seed"))
    p.add_argument("--include-unscreened", action="store_true", help=t("cli.help.include_unscreened"))
    p.add_argument("--json", action="store_true")

    p = command("lqas", cmd_lqas, t("cli.help.lqas"))
    p.add_argument("--upper", type=float, required=True)
    p.add_argument("--lower", type=float, required=True)
    p.add_argument("--population", type=int)
    p.add_argument("--alpha", type=float, default=0.10)
    p.add_argument("--beta", type=float, default=0.10)
    p.add_argument("--json", action="store_true")

    p = command("sample-size", cmd_sample_size, t("cli.help.sample_size"))
    p.add_argument("--margin", type=float, required=True, help=t("cli.help.margin"))
    p.add_argument("--p", type=float, default=0.5)
    p.add_argument("--confidence", type=float, default=0.95)
    p.add_argument("--population", type=int)
    p.add_argument("--json", action="store_true")

    p = command("spot-results", cmd_spot_results, t("cli.help.spot_results"))
    p.add_argument("file", metavar="FILE")
    p.add_argument("--draw", type=int, required=True, help=t("cli.help.draw"))
    p.add_argument("--town", help=t("cli.help.spot_town"))
