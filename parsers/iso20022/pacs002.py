"""pacs.002 FI to FI payment status report (v03 … v14)."""

from breakdesk.parsers.iso20022.registry import register
from breakdesk.parsers.iso20022.statuses import read_statuses

register("pacs.002", kind="status_report", roots=("FIToFIPmtStsRpt",))(read_statuses)
