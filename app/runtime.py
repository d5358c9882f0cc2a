"""Process-wide start-up settings (re-exported from `knowledge_base.runtime`).

The definitions live in `knowledge_base` because that stage comes before `app` in the layering and
must switch the hubs off itself before it loads a model; `app` keeps this name for its callers.
"""

from __future__ import annotations

from breakdesk.knowledge_base.runtime import OFFLINE_DEFAULTS, apply_offline_defaults

__all__ = ["OFFLINE_DEFAULTS", "apply_offline_defaults"]
