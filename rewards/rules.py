import rules

from people.rules import is_hr, is_secretariat
from people.selectors import user_employee


@rules.predicate
def is_recipient(user, record) -> bool:
    employee = user_employee(user)
    return employee is not None and record.employee_id == employee.pk


rules.add_perm("rewards.view_incentive", is_recipient | is_hr)
rules.add_perm("rewards.decide_incentive", is_hr)  # also without an object
rules.add_perm("rewards.export_incentives", is_hr)
rules.add_perm("rewards.view_policy", is_secretariat | is_hr)
rules.add_perm("rewards.manage_policy", is_secretariat)
rules.add_perm("rewards.manage_webhooks", is_secretariat)
