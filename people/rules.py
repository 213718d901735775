"""Permission predicates of the people app (django-rules)."""

import rules

from .selectors import HR, SECRETARIAT, employee_is_supervisor, user_employee, user_group_names


@rules.predicate
def is_secretariat(user) -> bool:
    return SECRETARIAT in user_group_names(user)


@rules.predicate
def is_hr(user) -> bool:
    return HR in user_group_names(user)


@rules.predicate
def is_supervisor(user) -> bool:
    """Derived from the reporting line: someone reports to the user's employee."""
    return employee_is_supervisor(employee=user_employee(user))


rules.add_perm("people.list_all_employees", is_secretariat | is_hr)
rules.add_perm("people.import_employees", is_secretariat | is_hr)
rules.add_perm("people.read_career_feed", is_hr)


@rules.predicate
def started_the_task(user, task) -> bool:
    return task is not None and user.is_authenticated and task.started_by_id == user.pk


# A background task's progress: who started it, and the secretariat.
rules.add_perm("core.view_task", started_the_task | is_secretariat)
