"""camt.052 (report): read by the shared statement reader (`parsers.iso20022.statements`)."""

from breakdesk.parsers.iso20022.registry import register
from breakdesk.parsers.iso20022.statements import read_statements

register("camt.052", kind="statement", roots=("BkToCstmrAcctRpt",))(read_statements)
