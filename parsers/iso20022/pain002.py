"""pain.002 customer payment status report (v03 … v10, SIX variants)."""

from breakdesk.parsers.iso20022.registry import register
from breakdesk.parsers.iso20022.statuses import read_statuses

register("pain.002", kind="status_report", roots=("CstmrPmtStsRpt",))(read_statuses)
