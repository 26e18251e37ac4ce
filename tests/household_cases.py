"""Hand-made households for the 应纳未纳 rules, shared by the domain tests and the SQL tests.

Each case is one household (changes to a plain non-key household with 3 members and a
comfortable income), its proposal date if a screening proposed monitoring, and the rules that
must fire as of 2024-09-12 with the default configuration: line 7,500 元, 一兜了之 under
1.5 × = 11,250 元, a proposal waiting from 8-29 (10 working days: 8-30, 9-2..9-6, 9-9..9-12).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from paicha.vocab import MonitoringRule as R

AS_OF = dt.date(2024, 9, 12)


@dataclass(frozen=True)
class Case:
    name: str
    changes: dict = field(default_factory=dict)
    proposed_on: dt.date | None = None
    fires: frozenset[R] = frozenset()


CASES = [
    Case("income_below_line", {"per_capita_income": 7499.0}, fires=frozenset({R.income_below_line})),
    Case("income_at_the_line", {"per_capita_income": 7500.0}),
    Case("spending_shock", {"per_capita_income": 9000.0, "compliant_oop_spending": 4800.0},
         fires=frozenset({R.spending_shock})),  # 9,000 − 4,800 / 3 = 7,400
    Case("spending_just_short", {"per_capita_income": 9000.0, "compliant_oop_spending": 4497.0}),  # 7,501
    Case("guarantee_problem", {"problem_housing": True}, fires=frozenset({R.guarantee_problem})),
    Case("proposal_not_followed", proposed_on=dt.date(2024, 8, 29), fires=frozenset({R.proposal_not_followed})),
    Case("proposal_one_day_short", proposed_on=dt.date(2024, 8, 30)),  # 9 working days
    Case("proposal_after_the_date", proposed_on=dt.date(2024, 9, 13)),
    Case("assistance_only", {"kg_new_dibao": True, "per_capita_income": 11249.0},
         fires=frozenset({R.assistance_only})),
    Case("assistance_at_the_multiple", {"kg_dispersed_tekun": True, "per_capita_income": 11250.0}),
    Case("disability_is_no_assistance", {"kg_severe_disability": True, "per_capita_income": 9000.0}),
    Case("two_rules", {"per_capita_income": 6000.0, "problem_water": True},
         fires=frozenset({R.income_below_line, R.guarantee_problem})),
    Case("monitored_never_fires", {"monitor_type": "marginal", "identified_on": dt.date(2024, 3, 1),
                                   "per_capita_income": 5000.0, "problem_medical": True}),
    Case("identified_after_the_date", {"monitor_type": "marginal", "identified_on": dt.date(2024, 9, 20),
                                       "per_capita_income": 5000.0}, fires=frozenset({R.income_below_line})),
    Case("monitored_without_a_date", {"monitor_type": "sudden_hardship", "per_capita_income": 5000.0}),
    Case("unknown_income", {"per_capita_income": None, "compliant_oop_spending": 9000.0}),
]
