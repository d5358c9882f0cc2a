"""Breakdesk: payments exception handling and reconciliation.

Everything imports as ``breakdesk.<stage>`` (parsers, knowledge_base, agents, app, evals). The stage
folders stay at the repository's top level, as the architecture map draws them; ``setup.py`` maps each
one under this package, so a wheel installs a single top-level name and cannot collide with another
project's ``app`` or ``parsers``.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("breakdesk")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

#: The stage packages, bottom layer first: each imports only from the ones before it.
STAGES = ("parsers", "knowledge_base", "agents", "app", "evals")
