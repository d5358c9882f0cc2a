"""camt.053 (statement): read by the shared statement reader (`parsers.iso20022.statements`)."""

from breakdesk.parsers.iso20022.registry import register
from breakdesk.parsers.iso20022.statements import read_statements

register("camt.053", kind="statement", roots=("BkToCstmrStmt",))(read_statements)
