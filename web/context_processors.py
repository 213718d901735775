"""What every page's navigation needs: the user's roles (cached per request)."""

from django.utils.functional import SimpleLazyObject


def _roles(request) -> dict:
    from nominations.selectors import committee_seats
    from people.selectors import user_roles

    user = request.user
    if not user.is_authenticated:
        return {"authenticated": False}
    roles = set(user_roles(user))
    seats = committee_seats(user=user)
    return {
        "authenticated": True,
        "staff": "staff" in roles,
        "supervisor": "supervisor" in roles,
        "secretariat": "secretariat" in roles,
        "hr": "hr" in roles,
        "reviewer": seats["reviewer"],
        "chair_of": seats["chair_of"],
    }


def roles_for(request) -> dict:
    """The roles dict, computed once per request."""
    cached = getattr(request, "_apresiasi_roles", None)
    if cached is None:
        cached = request._apresiasi_roles = _roles(request)
    return cached


def navigation(request) -> dict:
    return {"roles": SimpleLazyObject(lambda: roles_for(request))}
