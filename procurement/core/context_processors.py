from procurement.core.navigation import menu_for


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    return {"menu": menu_for(user, request.path) if user is not None else []}
