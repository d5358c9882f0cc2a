"""pacs.008 FI to FI customer credit transfer (v02 … v12)."""

from breakdesk.parsers.iso20022.payments import read_credit_transfers
from breakdesk.parsers.iso20022.registry import register

register("pacs.008", kind="payment", roots=("FIToFICstmrCdtTrf",))(read_credit_transfers)
