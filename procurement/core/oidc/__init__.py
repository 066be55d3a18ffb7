"""Single sign-on through OpenID Connect (mozilla-django-oidc), configured from the environment
(settings ``OIDC_*``): the provider's endpoints (config), the roles its claims give (rules), the user
signing in found or created (services), the authentication backend and the pages (backend, views)."""
