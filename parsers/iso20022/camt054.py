"""camt.054 (notification): read by the shared statement reader (`parsers.iso20022.statements`)."""

from breakdesk.parsers.iso20022.registry import register
from breakdesk.parsers.iso20022.statements import read_statements

register("camt.054", kind="statement", roots=("BkToCstmrDbtCdtNtfctn",))(read_statements)
