"""pacs.009 financial institution credit transfer, core and COV (`FinInstnCdtTrf` up to v02, then `FICdtTrf`)."""

from breakdesk.parsers.iso20022.payments import read_credit_transfers
from breakdesk.parsers.iso20022.registry import register

register("pacs.009", kind="payment", roots=("FICdtTrf", "FinInstnCdtTrf"))(read_credit_transfers)
