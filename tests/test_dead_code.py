"""No dead code: ``vulture`` over the application, with a small allow-list of framework hooks.

Functions, methods, classes and properties nothing calls fail this test. Names a template uses
count as used (vulture reads no templates), so do names the tests use; methods that a library
calls by name (Authlib's server hooks, aiosmtpd, prometheus_client) are in tests/vulture_allowlist.py.
Unused variables and attributes are not checked: most are database columns.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Registered with a framework by a decorator: called by Flask, click or the job scheduler.
REGISTERED = ("@*.route", "@*.get", "@*.post", "@*.command", "@*.errorhandler", "@*.before_request",
              "@*.after_request", "@*.app_context_processor", "@*.context_processor", "@*.record_once",
              "@*.before_app_request", "@*.after_app_request", "@*.app_template_filter", "@*.teardown_request",
              "@*.teardown_appcontext", "@*.listens_for", "@scheduled", "@*.scheduled")


def unused() -> list[str]:
    vulture = Path(sys.executable).with_name("vulture")
    result = subprocess.run(
        [str(vulture), "catalogue", "marketplace", "auth", "seed", "tests", "tests/vulture_allowlist.py",
         "--min-confidence", "60", "--exclude", "marketplace/migrations", "--ignore-decorators", ",".join(REGISTERED)],
        cwd=ROOT, capture_output=True, text=True)
    assert result.returncode in (0, 3), result.stderr  # 3: vulture found something
    in_templates = set()
    for template in (ROOT / "templates").rglob("*.html"):
        in_templates |= set(re.findall(r"[A-Za-z_]\w*", template.read_text(encoding="utf-8")))
    found = []
    for line in result.stdout.splitlines():
        match = re.search(r"unused (function|method|class|property) '(\w+)'", line)
        if match and match.group(2) not in in_templates and not line.startswith("tests/"):
            found.append(line)
    return found


def test_no_dead_code():
    found = unused()
    assert not found, "dead code (remove it, or allow-list a framework hook in tests/vulture_allowlist.py):\n" + \
        "\n".join(found)


def test_templates_have_no_guards_that_cannot_fail():
    """Every endpoint and partial always exists: no ``has_endpoint()`` guards, no ``ignore missing`` includes."""
    found = [f"{path.relative_to(ROOT)}:{number}" for path in sorted((ROOT / "templates").rglob("*.html"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if "has_endpoint(" in line or "ignore missing" in line]
    assert not found, found
