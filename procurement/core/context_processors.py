from procurement.core.navigation import menu_for
from procurement.core.roles import user_roles


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    return {
        "menu": menu_for(user, request.path) if user is not None else [],
        "user_roles": user_roles(user),
    }
