"""应纳未纳: the rules that find households monitoring may have missed, their cut-offs and their texts.

The work plan promises 确保应纳尽纳: every household at risk of falling (back) into poverty
becomes a monitoring object. A household that is not one, and for which one of these rules
fires, is a candidate to look at again (the rules flag, people decide):

- ``income_below_line``: per-capita income below the monitoring line;
- ``spending_shock`` (支出骤增): income at or above the line, but income minus 合规自付支出
  per member below it — the spending, not the income, puts the household under the line;
- ``guarantee_problem``: a 三保障 (education, medical care, housing) or 饮水安全 problem flagged;
- ``proposal_not_followed``: a screening proposed monitoring (建议纳入监测) at least
  ``proposal_workdays`` working days ago and the household is still not monitored;
- ``assistance_only`` (一兜了之): a household helped by social assistance (2024 new 低保, 特困,
  大额临时救助, a rejected 低保/特困 application) whose income is under
  ``assistance_only_multiple`` × the line — assistance without monitoring and its measures.

Everything is as of a date: a household identified after it is not yet monitored, a proposal
made after it does not exist. Unknown income or spending fires no income rule.

The lists evaluate the same rules in SQL (``data_loaders.households``); :func:`fired` is the
definition the household detail explains itself with, and a test keeps the two in step.

>>> from paicha.config import Monitoring
>>> cut = cutoffs(7500, Monitoring(), dt.date(2024, 9, 12))
>>> cut.proposed_on_or_before  # 10 working days before 9-12 began on 8-30
datetime.date(2024, 8, 29)
>>> fired(HouseholdFacts(monitored=False, per_capita_income=6120, members=3), cut)
[<MonitoringRule.income_below_line: 'income_below_line'>]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from paicha.calendar import last_workdays, workdays_between
from paicha.config import Monitoring
from paicha.text import t
from paicha.vocab import Guarantee, KeyGroup, MonitoringRule, MonitorType

# The key groups that are social assistance (低保, 特困, 临时救助, and an application for it that
# was refused): the households 一兜了之 is about. Disability, illness and mental disorder are key
# groups for the home visit, not assistance by themselves.
SOCIAL_ASSISTANCE_GROUPS = (KeyGroup.new_dibao, KeyGroup.dispersed_tekun, KeyGroup.large_temp_aid,
                            KeyGroup.rejected_application)

# Rules whose text already says the household's income.
INCOME_RULES = frozenset({MonitoringRule.income_below_line, MonitoringRule.spending_shock,
                          MonitoringRule.assistance_only})


def waited_since(as_of: dt.date, workdays: int) -> dt.date:
    """The last day from which ``workdays`` working days have passed by ``as_of``.

    Something that happened on day d has waited the working days after d up to and including
    ``as_of``; it has waited at least ``workdays`` when d is on or before the returned day.

    >>> waited_since(dt.date(2024, 9, 18), 2)  # 9-15..17 are 中秋节 holidays, 9-14 a working Saturday
    datetime.date(2024, 9, 13)
    """
    return last_workdays(as_of, workdays)[0] - dt.timedelta(days=1)


def workdays_waited(since: dt.date, as_of: dt.date) -> int:
    """Working days after ``since`` up to and including ``as_of``."""
    return workdays_between(since + dt.timedelta(days=1), as_of)


@dataclass(frozen=True)
class Cutoffs:
    """Every rule's cut-off as of one date, from the configuration."""

    as_of: dt.date
    income_line: float
    assistance_line: float
    assistance_multiple: float
    proposal_workdays: int
    proposed_on_or_before: dt.date
    green_channel_workdays: int
    assisted_on_or_before: dt.date


def cutoffs(monitoring_income: float, monitoring: Monitoring, as_of: dt.date) -> Cutoffs:
    """The cut-offs of every rule and of the 绿色通道 as of ``as_of``."""
    return Cutoffs(
        as_of=as_of,
        income_line=float(monitoring_income),
        assistance_line=float(monitoring_income) * monitoring.assistance_only_multiple,
        assistance_multiple=monitoring.assistance_only_multiple,
        proposal_workdays=monitoring.proposal_workdays,
        proposed_on_or_before=waited_since(as_of, monitoring.proposal_workdays),
        green_channel_workdays=monitoring.green_channel_workdays,
        assisted_on_or_before=waited_since(as_of, monitoring.green_channel_workdays),
    )


def monitored(monitor_type: str | None, identified_on: dt.date | None, as_of: dt.date) -> bool:
    """A monitoring object as of ``as_of``: its roster type says so and it was identified by then
    (a roster without the identification date counts the type as known since ever).
    """
    if monitor_type in (None, MonitorType.none.value):
        return False
    return identified_on is None or identified_on <= as_of


@dataclass(frozen=True)
class HouseholdFacts:
    """What the rules read of one household, as of the cut-offs' date."""

    monitored: bool
    per_capita_income: float | None = None
    compliant_oop_spending: float | None = None
    members: int | None = None
    guarantee_problems: frozenset[Guarantee] = field(default_factory=frozenset)
    key_groups: frozenset[KeyGroup] = field(default_factory=frozenset)
    proposed_on: dt.date | None = None  # its first 建议纳入监测 on or before the as-of date

    @property
    def net_income(self) -> float | None:
        """Per-capita income minus 合规自付支出 per member; None without an income or members
        (no spending recorded counts as none).
        """
        if self.per_capita_income is None or not self.members or self.members < 1:
            return None
        return self.per_capita_income - (self.compliant_oop_spending or 0) / self.members

    @property
    def assistance_groups(self) -> list[KeyGroup]:
        return [g for g in SOCIAL_ASSISTANCE_GROUPS if g in self.key_groups]


def _income_below(facts: HouseholdFacts, line: float) -> bool:
    return facts.per_capita_income is not None and facts.per_capita_income < line


def applies(rule: MonitoringRule, facts: HouseholdFacts, cut: Cutoffs) -> bool:
    """Whether ``rule`` fires for a household (never for a monitoring object)."""
    if facts.monitored:
        return False
    if rule is MonitoringRule.income_below_line:
        return _income_below(facts, cut.income_line)
    if rule is MonitoringRule.spending_shock:
        net = facts.net_income
        spent = bool(facts.compliant_oop_spending and facts.compliant_oop_spending > 0)
        return spent and not _income_below(facts, cut.income_line) and net is not None and net < cut.income_line
    if rule is MonitoringRule.guarantee_problem:
        return bool(facts.guarantee_problems)
    if rule is MonitoringRule.proposal_not_followed:
        return facts.proposed_on is not None and facts.proposed_on <= cut.proposed_on_or_before
    return bool(facts.assistance_groups) and _income_below(facts, cut.assistance_line)


def fired(facts: HouseholdFacts, cut: Cutoffs) -> list[MonitoringRule]:
    """The rules that fire, in the order of :class:`MonitoringRule`."""
    return [rule for rule in MonitoringRule if applies(rule, facts, cut)]


def money(value: float) -> str:
    """元 as people write them: 6,120."""
    return f"{value:,.0f}"


def short_text(rule: MonitoringRule, facts: HouseholdFacts, cut: Cutoffs, income_said: bool = False) -> str:
    """A fired rule's facts as a list row says them, short ("人均纯收入 6,120 元"); the rule's
    name is in its own column. ``income_said``: an earlier part already gave the income.
    """
    income = money(facts.per_capita_income) if facts.per_capita_income is not None else t("households.rule.unknown")
    if rule is MonitoringRule.income_below_line:
        return t("households.short.income", income=income)
    if rule is MonitoringRule.spending_shock:
        net = facts.net_income
        return t("households.short.spending_shock", income=income,
                 net=money(net) if net is not None else t("households.rule.unknown"))
    if rule is MonitoringRule.proposal_not_followed and facts.proposed_on is not None:
        return t("households.short.proposal_not_followed", on=facts.proposed_on.isoformat(),
                 days=workdays_waited(facts.proposed_on, cut.as_of))
    if rule is MonitoringRule.assistance_only:
        groups = t("text.list_separator").join(g.label for g in facts.assistance_groups)
        if income_said:
            return groups
        return t("households.short.assistance_only", groups=groups, income=income)
    return rule_text(rule, facts, cut)


def rule_text(rule: MonitoringRule, facts: HouseholdFacts, cut: Cutoffs) -> str:
    """The facts behind a rule for this household beside its cut-off, as the household detail
    explains every rule, fired or not ("人均纯收入 6,120 元（监测线 7,500 元）").
    """
    line = money(cut.income_line)
    income = money(facts.per_capita_income) if facts.per_capita_income is not None else t("households.rule.unknown")
    if rule is MonitoringRule.income_below_line:
        return t("households.rule.income_below_line", income=income, line=line)
    if rule is MonitoringRule.spending_shock:
        net = facts.net_income
        return t("households.rule.spending_shock", income=income, line=line,
                 spending=money(facts.compliant_oop_spending or 0),
                 net=money(net) if net is not None else t("households.rule.unknown"))
    if rule is MonitoringRule.guarantee_problem:
        problems = t("text.list_separator").join(g.label for g in Guarantee if g in facts.guarantee_problems)
        return problems or t("households.rule.no_guarantee_problem")
    if rule is MonitoringRule.proposal_not_followed:
        if facts.proposed_on is None:
            return t("households.rule.not_proposed")
        return t("households.rule.proposal_not_followed", on=facts.proposed_on.isoformat(),
                 days=workdays_waited(facts.proposed_on, cut.as_of), limit=cut.proposal_workdays)
    groups = t("text.list_separator").join(g.label for g in facts.assistance_groups)
    if not groups:
        return t("households.rule.no_assistance")
    return t("households.rule.assistance_only", groups=groups, income=income,
             multiple=f"{cut.assistance_multiple:g}", line=money(cut.assistance_line))
