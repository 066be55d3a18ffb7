"""The errors of the rendering: French sentences for the template's author."""

from __future__ import annotations


class RenderError(ValueError):
    """A template that cannot be rendered; the message is a French sentence for the user."""

    def __init__(self, message: str, *, variable: str = "", expression: str = ""):
        self.variable = variable
        self.expression = expression
        super().__init__(message)


class UnsafeTemplate(RenderError):
    """A template that does more than print the values it is given: refused before it is compiled."""
