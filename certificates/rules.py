import rules

from people.rules import is_secretariat
from people.selectors import user_employee


@rules.predicate
def is_recipient(user, certificate) -> bool:
    employee = user_employee(user)
    return employee is not None and certificate.recipient_id == employee.pk


@rules.predicate
def is_nominator(user, certificate) -> bool:
    employee = user_employee(user)
    return employee is not None and certificate.nomination.nominator_id == employee.pk


rules.add_perm("certificates.download_certificate", is_recipient | is_nominator | is_secretariat)
rules.add_perm("certificates.revoke_certificate", is_secretariat)  # also without an object
rules.add_perm("certificates.view_history", is_secretariat)
