"""The canonical model: the one contract between parsers, matcher, agent and UI.

Every SWIFT MT and ISO 20022 message, whatever its version or bank dialect, becomes a `Message`.
A message has a `kind` and fills the list that belongs to that kind:

    kind                  list             from
    payment               transactions     pain.001, pacs.008, pacs.009, MT103, MT202, MT202COV
    status_report         statuses         pain.002, pacs.002
    return                returns (+ transactions for MT)  pacs.004, MT103/MT202 with /RETN/ or /REJT/
    cancellation_request  cancellations    camt.056, MT192, MT292
    cancellation_answer   answers          camt.029, MT196, MT296
    statement             statements       camt.052/053/054, MT940/942/950, MT900/910
    free_format           free_format      MT199, MT299

Design choices that matter to the consumers:

* Money is `Decimal` plus an ISO 4217 code, never float. JSON carries amounts as strings so no
  consumer can lose precision by accident.
* Amounts of statement entries and balances are unsigned, with `credit_debit` (`CRDT`/`DBIT`) saying
  the direction, exactly as camt does; `signed_amount` gives the book-keeping sign.
* Every object that a person may need to point at carries a `Provenance` (file, message index, and
  the MT line or MX XPath), so an explanation can cite the exact field.
* Identifiers keep their ISO names (`end_to_end_id`, `instruction_id`, `uetr` …) whatever the source:
  the MT parser maps `:20:`/`:21:`/`{121:}` onto them, so threading a payment's lifecycle works across
  MT and MX.
"""

from __future__ import annotations

import datetime as _dt
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_serializer

CreditDebit = Literal["CRDT", "DBIT"]
MessageKind = Literal[
    "payment",
    "status_report",
    "return",
    "cancellation_request",
    "cancellation_answer",
    "statement",
    "free_format",
]
StatementKind = Literal["statement", "report", "notification", "confirmation"]
StatusLevel = Literal["group", "payment_info", "transaction"]


class _Model(BaseModel):
    """Base for every canonical object: strict about unknown fields, Decimal-safe JSON."""

    # "ignore" so a JSON dump (which includes computed fields) loads back into the model.
    model_config = ConfigDict(extra="ignore")

    @field_serializer("*", when_used="json", check_fields=False)
    def _decimal_as_string(self, value):  # noqa: D401 - serializer
        # Decimal is emitted as its exact string (e.g. "10.50"), never as a JSON float.
        if isinstance(value, Decimal):
            return format(value, "f")
        return value


class Provenance(_Model):
    """Where an object came from, precise enough to cite the field in an explanation."""

    file: str | None = None
    message_index: int = 0
    line: int | None = Field(default=None, description="1-based line in the file (MT)")
    xpath: str | None = Field(default=None, description="XPath of the element (MX)")

    def describe(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        if self.xpath:
            where += f" {self.xpath}"
        return where


Severity = Literal["error", "warning", "info"]


class Finding(_Model):
    """One problem found in a message, while reading it or by validating it; located, never an exception.

    `code` is a stable machine name (e.g. `IBAN_INVALID`, `CTRL_SUM_MISMATCH`, `BANK_DEVIATION`,
    `UNREADABLE_ENTRY`) that the agent, the UI and the evals key on; `message` is for people. It lives in
    the canonical model because what the reader tolerated or could not read travels with the message
    (`Message.findings`) into the store, the case and the item."""

    model_config = ConfigDict(extra="ignore")

    severity: Severity
    code: str
    message: str
    location: Provenance
    field: str | None = None
    value: str | None = None

    def describe(self) -> str:
        return f"{self.location.describe()}: {self.severity}: {self.code}: {self.message}"


class Money(_Model):
    amount: Decimal
    currency: str


class PostalAddress(_Model):
    """Structured and/or unstructured postal address (CBPR+ 'hybrid' allows both)."""

    street_name: str | None = None
    building_number: str | None = None
    post_code: str | None = None
    town_name: str | None = None
    country_sub_division: str | None = None
    country: str | None = None
    address_lines: list[str] = Field(default_factory=list)

    @property
    def is_structured(self) -> bool:
        return bool(self.town_name and self.country)


class Agent(_Model):
    """A financial institution: BIC and/or clearing member id and/or name."""

    bic: str | None = None
    clearing_system_member_id: str | None = None
    clearing_system: str | None = None
    name: str | None = None
    address: PostalAddress | None = None
    account: str | None = None
    provenance: Provenance | None = None


class Party(_Model):
    """A debtor or creditor (or an ultimate one) with its account and its bank."""

    name: str | None = None
    address: PostalAddress | None = None
    account: str | None = Field(default=None, description="IBAN, or another account id")
    account_scheme: str | None = Field(default=None, description='"IBAN", or the other id\'s scheme')
    account_currency: str | None = None
    agent: Agent | None = None
    identifiers: list[str] = Field(default_factory=list, description="BIC/LEI/org or private ids")
    country_of_residence: str | None = None
    provenance: Provenance | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def agent_bic(self) -> str | None:
        return self.agent.bic if self.agent else None


class StructuredRemittance(_Model):
    creditor_reference: str | None = None
    creditor_reference_type: str | None = None
    referred_document_type: str | None = None
    referred_document_number: str | None = None
    referred_document_date: date | None = None
    amount: Decimal | None = None
    currency: str | None = None
    additional_info: list[str] = Field(default_factory=list)


class Remittance(_Model):
    unstructured: list[str] = Field(default_factory=list)
    structured: list[StructuredRemittance] = Field(default_factory=list)

    @property
    def text(self) -> str:
        parts = list(self.unstructured)
        for s in self.structured:
            parts.extend(p for p in (s.creditor_reference, s.referred_document_number) if p)
            parts.extend(s.additional_info)
        return " ".join(parts)

    def is_empty(self) -> bool:
        return not self.unstructured and not self.structured


class Reason(_Model):
    """A reason code (ISO external code or proprietary) with its free-text additional info."""

    code: str | None = None
    proprietary: str | None = None
    additional_info: list[str] = Field(default_factory=list)
    originator: str | None = None

    @property
    def best(self) -> str | None:
        return self.code or self.proprietary


class Transaction(_Model):
    """One credit transfer instruction (pain.001 CdtTrfTxInf, pacs.008/009, MT103/202)."""

    provenance: Provenance
    message_id: str | None = None
    payment_info_id: str | None = None
    instruction_id: str | None = None
    end_to_end_id: str | None = None
    transaction_id: str | None = None
    uetr: str | None = None
    clearing_system_reference: str | None = None
    amount: Decimal = Field(description="Interbank settlement amount, or instructed amount for pain.001")
    currency: str
    instructed_amount: Money | None = None
    exchange_rate: Decimal | None = None
    charge_bearer: str | None = Field(default=None, description="ISO code: DEBT, CRED, SHAR, SLEV")
    charges: list[Money] = Field(default_factory=list)
    payment_method: str | None = None
    service_level: str | None = None
    local_instrument: str | None = None
    category_purpose: str | None = None
    purpose: str | None = None
    requested_execution_date: date | None = None
    settlement_date: date | None = None
    settlement_method: str | None = None
    debtor: Party = Field(default_factory=Party)
    creditor: Party = Field(default_factory=Party)
    ultimate_debtor: Party | None = None
    ultimate_creditor: Party | None = None
    initiating_party: Party | None = None
    instructing_agent: Agent | None = None
    instructed_agent: Agent | None = None
    intermediaries: list[Agent] = Field(default_factory=list)
    remittance: Remittance = Field(default_factory=Remittance)
    instructions_for_agents: list[str] = Field(
        default_factory=list, description="InstrForCdtrAgt/InstrForNxtAgt, MT field 72 lines"
    )
    regulatory_reporting: list[str] = Field(default_factory=list)
    underlying: Transaction | None = Field(
        default=None, description="Underlying customer credit transfer of a cover payment (COV)"
    )


class PaymentGroup(_Model):
    """A pain.001 PmtInf block (or the GrpHdr totals) with its declared control totals."""

    provenance: Provenance
    payment_info_id: str | None = None
    number_of_transactions: int | None = None
    control_sum: Decimal | None = None
    requested_execution_date: date | None = None
    debtor: Party | None = None


class _AboutOriginal(_Model):
    """What statuses, returns, recalls and their answers share: the original payment's references and
    the reason given. Threading a lifecycle keys on these `original_*` fields."""

    provenance: Provenance
    original_message_id: str | None = None
    original_message_type: str | None = None
    original_instruction_id: str | None = None
    original_end_to_end_id: str | None = None
    original_transaction_id: str | None = None
    original_uetr: str | None = None
    original_amount: Decimal | None = None
    original_currency: str | None = None
    reason_code: str | None = None
    reason_proprietary: str | None = None
    additional_info: list[str] = Field(default_factory=list)


class Status(_AboutOriginal):
    """A status of a group, payment information block or transaction (pain.002, pacs.002)."""

    level: StatusLevel
    status: str | None = None
    reasons: list[Reason] = Field(default_factory=list)
    status_id: str | None = None
    original_payment_info_id: str | None = None
    acceptance_datetime: datetime | None = None
    effective_date: date | None = None
    debtor: Party | None = None
    creditor: Party | None = None


class PaymentReturn(_AboutOriginal):
    """A return (money comes back) or reject (never settled), from pacs.004 or MT field 72."""

    kind: Literal["return", "reject"] = "return"
    return_id: str | None = None
    returned_amount: Decimal | None = None
    currency: str | None = None
    settlement_date: date | None = None
    charge_bearer: str | None = None
    charges: list[Money] = Field(default_factory=list)
    debtor: Party | None = None
    creditor: Party | None = None


class CancellationRequest(_AboutOriginal):
    """A request to cancel or recall a payment (camt.056, MT192, MT292)."""

    case_id: str | None = None
    assignment_id: str | None = None
    cancellation_id: str | None = None
    original_message_date: date | None = Field(default=None, description="Date of the original (MT :11S:)")
    original_settlement_date: date | None = None
    debtor: Party | None = None
    creditor: Party | None = None


class CancellationAnswer(_AboutOriginal):
    """An answer to a cancellation request (camt.029, MT196, MT296)."""

    case_id: str | None = None
    assignment_id: str | None = None
    resolved_case_id: str | None = None
    status: str | None = Field(default=None, description="CNCL, RJCR, PDCR, or MT196 answer code")
    cancellation_status_id: str | None = None
    original_message_date: date | None = Field(default=None, description="Date of the original (MT :11R:)")


class BankTransactionCode(_Model):
    domain: str | None = None
    family: str | None = None
    sub_family: str | None = None
    proprietary_code: str | None = None
    proprietary_issuer: str | None = None

    @property
    def iso(self) -> str | None:
        if self.domain and self.family and self.sub_family:
            return f"{self.domain}/{self.family}/{self.sub_family}"
        return None


class EntryReferences(_Model):
    account_servicer_reference: str | None = None
    account_owner_reference: str | None = Field(default=None, description="MT :61: customer reference")
    message_id: str | None = None
    payment_info_id: str | None = None
    instruction_id: str | None = None
    end_to_end_id: str | None = None
    transaction_id: str | None = None
    uetr: str | None = None
    mandate_id: str | None = None
    cheque_number: str | None = None
    clearing_system_reference: str | None = None
    proprietary: list[str] = Field(default_factory=list)

    def values(self) -> list[str]:
        """All non-empty references, for reference matching."""
        out = [
            v
            for k, v in self.__dict__.items()
            if k != "proprietary" and isinstance(v, str) and v and v.upper() != "NONREF"
        ]
        return out + [p for p in self.proprietary if p]


class EntryDetail(_Model):
    """One transaction inside an entry (camt TxDtls): for batch bookings, one per payment."""

    provenance: Provenance
    references: EntryReferences = Field(default_factory=EntryReferences)
    amount: Decimal | None = None
    currency: str | None = None
    credit_debit: CreditDebit | None = None
    instructed_amount: Money | None = None
    bank_transaction_code: BankTransactionCode | None = None
    debtor: Party | None = None
    creditor: Party | None = None
    ultimate_debtor: Party | None = None
    ultimate_creditor: Party | None = None
    remittance: Remittance = Field(default_factory=Remittance)
    purpose: str | None = None
    return_reason: Reason | None = None
    charges: list[Money] = Field(default_factory=list)
    additional_info: str | None = None


class Entry(_Model):
    """One statement line (camt Ntry, MT :61: with its :86:)."""

    provenance: Provenance
    entry_reference: str | None = None
    amount: Decimal
    currency: str
    credit_debit: CreditDebit
    reversal: bool = False
    status: str | None = Field(default="BOOK", description="BOOK, PDNG, INFO")
    booking_date: date | None = None
    value_date: date | None = None
    bank_transaction_code: BankTransactionCode | None = None
    references: EntryReferences = Field(default_factory=EntryReferences)
    counterparty: Party | None = None
    remittance: Remittance = Field(default_factory=Remittance)
    return_reason: Reason | None = None
    charges: list[Money] = Field(default_factory=list)
    additional_info: str | None = Field(default=None, description="AddtlNtryInf, or MT :86: text")
    narrative_fields: dict[str, str] = Field(
        default_factory=dict, description="Structured :86: subfields (?NN or /KEYWORD/)"
    )
    supplementary_details: str | None = Field(default=None, description="MT :61: subfield 9")
    batch_count: int | None = Field(default=None, description="Btch/NbOfTxs of a batch booking")
    details: list[EntryDetail] = Field(default_factory=list)

    @property
    def signed_amount(self) -> Decimal:
        sign = -1 if self.credit_debit == "DBIT" else 1
        if self.reversal:
            sign = -sign
        return sign * self.amount


class Balance(_Model):
    """A balance with its ISO type (MT tags are mapped: 60F→OPBD, 62F→CLBD, 64→CLAV, 65→FWAV …)."""

    provenance: Provenance
    type: str
    sub_type: str | None = None
    amount: Decimal
    currency: str
    credit_debit: CreditDebit
    date: _dt.date | None = None
    mt_tag: str | None = None

    @property
    def signed_amount(self) -> Decimal:
        return -self.amount if self.credit_debit == "DBIT" else self.amount


#: Balance types that open / close a statement, in order of preference. MT intermediate balances
#: (60M/62M) are ISO type ITBD; their `mt_tag` tells opening (60x) from closing (62x).
OPENING_TYPES = ("OPBD", "PRCD", "60M")
CLOSING_TYPES = ("CLBD", "62M")


class TransactionsSummary(_Model):
    """Totals a statement declares about itself (camt TxsSummry, MT942 90D/90C)."""

    credit_count: int | None = None
    credit_sum: Decimal | None = None
    debit_count: int | None = None
    debit_sum: Decimal | None = None
    total_count: int | None = None
    net_amount: Decimal | None = None
    net_credit_debit: CreditDebit | None = None


class Statement(_Model):
    """An account statement, intraday report, or debit/credit notification."""

    provenance: Provenance
    kind: StatementKind = "statement"
    statement_id: str | None = None
    sequence_number: str | None = Field(default=None, description="ElctrncSeqNb or :28C:")
    legal_sequence_number: str | None = None
    page: str | None = None
    related_reference: str | None = Field(default=None, description="MT :21:")
    created_at: datetime | None = None
    from_datetime: datetime | None = None
    to_datetime: datetime | None = None
    account: str | None = Field(default=None, description="IBAN, or another account id (MT :25:)")
    account_scheme: str | None = None
    account_owner: Party | None = None
    servicer: Agent | None = None
    currency: str | None = None
    balances: list[Balance] = Field(default_factory=list)
    entries: list[Entry] = Field(default_factory=list)
    summary: TransactionsSummary | None = None
    floor_limits: list[Money] = Field(default_factory=list, description="MT942 :34F:")
    additional_info: str | None = None

    def _balance(self, types: tuple[str, ...]) -> Balance | None:
        for t in types:
            for b in self.balances:
                if b.type == t or (b.type == "ITBD" and b.mt_tag == t):
                    return b
        return None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def opening_balance(self) -> Balance | None:
        return self._balance(OPENING_TYPES)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def closing_balance(self) -> Balance | None:
        return self._balance(CLOSING_TYPES)


class FreeFormat(_Model):
    """MT199/299 (and other n99) free-format text, with the reason codes it mentions."""

    provenance: Provenance
    reference: str | None = None
    related_reference: str | None = None
    narrative: str = ""
    reason_codes: list[str] = Field(default_factory=list)


class Header(_Model):
    """Envelope facts: MT blocks 1-3 and 5, or the ISO business application header + group header."""

    message_id: str | None = None
    created_at: datetime | None = None
    sender_bic: str | None = None
    receiver_bic: str | None = None
    direction: Literal["input", "output"] | None = None
    priority: str | None = None
    business_service: str | None = None
    message_definition_id: str | None = None
    business_message_id: str | None = None
    uetr: str | None = None
    validation_flag: str | None = Field(default=None, description="MT {119:} e.g. COV, STP")
    service_type_id: str | None = Field(default=None, description="MT {111:}")
    number_of_transactions: int | None = None
    control_sum: Decimal | None = None
    total_settlement_amount: Money | None = None
    settlement_method: str | None = None
    settlement_date: date | None = None
    initiating_party: Party | None = None
    trailer: dict[str, str] = Field(default_factory=dict, description="MT block 5 (CHK, MAC …)")
    network_ack: str | None = Field(
        default=None, description='MT: "ACK" or "NAK <code>" from the F21 service message delivered with it'
    )
    has_application_header: bool = False
    application_header_type: str | None = Field(
        default=None, description='ISO BAH version ("head.001.001.02") or older header ("$ahV10"), if any'
    )
    envelope: str | None = Field(default=None, description="Wrapper element outside Document, if any")


class Message(_Model):
    """One parsed message. `message_type` is the exact version, `family` the version-less name."""

    message_type: str = Field(description='e.g. "camt.053.001.02" or "MT940"')
    family: str = Field(description='e.g. "camt.053" or "MT940"')
    kind: MessageKind
    provenance: Provenance
    namespace: str | None = None
    header: Header = Field(default_factory=Header)
    payment_groups: list[PaymentGroup] = Field(default_factory=list)
    transactions: list[Transaction] = Field(default_factory=list)
    statuses: list[Status] = Field(default_factory=list)
    returns: list[PaymentReturn] = Field(default_factory=list)
    cancellations: list[CancellationRequest] = Field(default_factory=list)
    answers: list[CancellationAnswer] = Field(default_factory=list)
    statements: list[Statement] = Field(default_factory=list)
    free_format: FreeFormat | None = None
    findings: list[Finding] = Field(
        default_factory=list,
        description="What the reader tolerated (a bank's deviation) or could not read (a line it left out), "
        "with where; validation adds its own findings on top (`parsers.validate`)",
    )

    def to_json_dict(self) -> dict:
        """The JSON shape printed by `breakdesk parse --json` (decimals as strings)."""
        return self.model_dump(mode="json")


def message_json_schema() -> dict:
    """JSON Schema of the canonical model, as printed by `breakdesk schema`."""
    return Message.model_json_schema(mode="serialization")
