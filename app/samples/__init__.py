"""Sample messages that ship inside the package, so an installed Breakdesk has them too.

The demo day seeds the UI (`breakdesk ui`) and is what `breakdesk demo` parses when no corpus sits
beside the checkout; a folder outside the package would be missing from a wheel.
"""

from __future__ import annotations

from pathlib import Path

DEMO_DAY_DIR = Path(__file__).resolve().parent / "demo-day"
