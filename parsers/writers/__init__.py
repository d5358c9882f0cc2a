"""Writers that turn canonical transactions back into ISO 20022 messages, for repairs.

Built with lxml elements (never string templates), validated by construction against the XSD facets
they touch, and refusing with one `WriteError` that lists every problem when the result could not be
valid. Import as `parsers.writers`.
"""

from __future__ import annotations

from breakdesk.parsers.writers.errors import WriteError
from breakdesk.parsers.writers.pacs008 import write_pacs008
from breakdesk.parsers.writers.pain001 import write_pain001

__all__ = ["WriteError", "write_pacs008", "write_pain001"]
