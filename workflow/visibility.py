"""Who may see a case: everyone who held a step on it, the officials above them along
``reports_to``, active stand-ins of any of these, the TU, the admin and the top of the SOP
(the Direktur)."""

from datetime import datetime

from workflow.case import Case
from workflow.directory import Directory
from workflow.roster import oversees_cases
from workflow.sop import Sop

__all__ = ["may_see"]


def may_see(case: Case, sop: Sop, directory: Directory, official: str, now: datetime) -> bool:
    """Whether ``official`` may see ``case`` at ``now``."""
    if not directory.is_active(official):
        return False
    if _sees_by_own_right(case, sop, directory, official):
        return True
    principals = {s.for_key for s in directory.stand_ins if s.official == official and s.covers(now)}
    return any(_sees_by_own_right(case, sop, directory, p) for p in principals)


def _sees_by_own_right(case: Case, sop: Sop, directory: Directory, key: str) -> bool:
    person = directory.get(key)
    if person is None:
        return False
    top_roles = {r.key for r in sop.roles if r.superior is None}
    if oversees_cases(person.role) or person.role in top_roles:
        return True
    handlers = {s.assignee for s in case.steps} | {s.actor for s in case.steps}
    handlers.discard(None)
    if key in handlers:
        return True
    for handler in handlers:
        seen, boss = set(), directory.get(handler)
        while boss is not None and boss.reports_to and boss.reports_to not in seen:
            if boss.reports_to == key:
                return True
            seen.add(boss.reports_to)
            boss = directory.get(boss.reports_to)
    return False
