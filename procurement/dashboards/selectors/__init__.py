"""Reads across apps for the dashboards: the programme page (``programme``) and the home page's
to-dos (``todos``). They call the apps' selectors and own no model."""
