"""The Content-Security-Policy allows no inline script nor inline style: no template or chart may
rely on one (a browser would silently ignore it), unless it carries the response's nonce."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR) / "procurement"
INLINE = re.compile(r"""\sstyle=["']|<(script|style)(?![^>]*\s(src|nonce)=)[^>]*>""")
CHARTS = ["resources/charts.py", "tenders/evaluation/charts.py"]


def test_the_policy_forbids_inline_scripts_and_styles():
    policy = settings.CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in policy and "style-src 'self';" in policy
    assert "unsafe-inline" not in policy


def test_no_template_nor_chart_uses_an_inline_script_or_style():
    files = [*ROOT.glob("**/templates/**/*.html"), *(ROOT / name for name in CHARTS)]
    offending = [f"{path.relative_to(ROOT)}:{number}" for path in files
                 for number, line in enumerate(path.read_text().splitlines(), start=1) if INLINE.search(line)]
    assert len(files) > 50
    assert offending == []
