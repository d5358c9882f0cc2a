"""camt.053 (statement): read by the shared statement reader (`parsers.iso20022.statements`)."""

from parsers.iso20022.registry import register
from parsers.iso20022.statements import read_statements

register("camt.053", kind="statement", roots=("BkToCstmrStmt",))(read_statements)
