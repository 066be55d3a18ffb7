"""Views every app builds on (``access``: who may open a page; ``service_forms``: a form page that
calls a service) and core's own pages (``pages``: reference data, errors, health, login)."""
