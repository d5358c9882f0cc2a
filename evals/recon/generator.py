"""Seeded generator of labelled bank statement lines and book items with realistic noise.

The book side is a ledger (CSV text, the format `agents.recon.ledger` reads); the bank side is
canonical `Message` objects (one camt.053-shaped statement per currency), so the same builders that
read real files read these. Every line carries its truth: which group it belongs to, or which break
class it should get.

Noise, per book item (probabilities in `Mix`): clean 1:1 with value-date shifts, upper-cased,
truncated or legal-form-less names and missing references; fees deducted/added; batch bookings
(with and without details); several receipts of one customer in one line; missing bookings; amount
and value-date differences; duplicated bank lines and duplicated ledger items; returns with reason
codes; bank-only fees and interest.

`generate(..., hard=True)` adds what real days have and the fast path does not like: twins (one
supplier, two invoices of the same amount on the same day, told apart only by the invoice number the
payer wrote in its own words, sometimes with a typo), counterparties with non-ASCII names that the
bank transliterates, charges taken from small payments, and charges booked as a separate line that
names the payment.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from schwifty import IBAN

from breakdesk.parsers.canonical import (
    BankTransactionCode,
    Entry,
    EntryDetail,
    EntryReferences,
    Message,
    Party,
    Provenance,
    Reason,
    Remittance,
    Statement,
)

_ADJ = """Nordic Alpine Baltic Central Atlantic Global Royal Swift Bright Silver Golden Blue Green
Red Northern Southern Eastern Western Prime United Modern Classic Urban Rapid Solid Smart Quantum
Vertex Summit Harbor River Coastal Iron Oak Maple Cedar Granite Crystal Sunrise Polar""".split()
_NOUN = """Timber Steel Logistics Foods Textiles Pharma Energy Software Media Motors Paper Plastics
Chemicals Foods Furniture Packaging Electronics Optics Robotics Tools Machines Metals Glass Freight
Consulting Systems Solutions Trading Imports Exports Bakery Dairy Fisheries Farms Builders Labs
Ceramics Cables Pumps Valves""".split()
_THIRD = ["", "", "", "Supplies", "Holding", "Group", "International", "Services", "Partners", "Works"]
_LEGAL = ["GmbH", "AG", "Ltd", "Ltd.", "S.A.", "B.V.", "SAS", "S.p.A.", "Oy", "AB", "Inc.", "LLC", "GmbH & Co. KG", "plc"]
_CURRENCIES = [("EUR", 0.80), ("USD", 0.10), ("CHF", 0.05), ("JPY", 0.05)]
_MINOR = {"EUR": 2, "USD": 2, "CHF": 2, "JPY": 0}
_RETURN_CODES = ["AC01", "AC04", "AC06", "AM05", "MS03", "BE04", "RR04", "MD07"]
_FEES = [Decimal(x) for x in ("2.50", "5.00", "7.50", "12.00", "15.00", "25.00")]
BASE_DATE = date(2026, 10, 1)
#: (name as the ledger holds it, how a bank writes it) for counterparties with non-ASCII names
_NON_ASCII = [
    ("Müller Präzisionstechnik GmbH", "MUELLER PRAEZISIONSTECHNIK GMBH"),
    ("Großhandel Weiß & Söhne KG", "GROSSHANDEL WEISS + SOEHNE KG"),
    ("Łódź Logistyka Sp. z o.o.", "LODZ LOGISTYKA SP Z O O"),
    ("Škoda Díly s.r.o.", "SKODA DILY S R O"),
    ("Ørsted Handel ApS", "OERSTED HANDEL APS"),
    ("Société Générale de Câbles SA", "SOCIETE GENERALE DE CABLES"),
    ("Åkesson Träteknik AB", "AAKESSON TRAETEKNIK AB"),
    ("Çelik Makina Sanayi A.Ş.", "CELIK MAKINA SANAYI AS"),
    ("Ελληνικά Τρόφιμα Α.Ε.", "ELLINIKA TROFIMA AE"),
    ("Гранит Строй ООО", "GRANIT STROY OOO"),
]
#: How payers write an invoice number in their remittance (the ledger says "Invoice <ref>").
_INVOICE_WORDS = ["RECHNUNG {n}", "INV {n}", "Inv.Nr. {n}", "FACTURE N {n}", "RE {n} ABO", "{n}", "RG.NR {n} VOM MONAT",
                  "FATTURA {n}", "INVOICE NO. {n}"]


@dataclass(frozen=True)
class Mix:
    fee: float = 0.06
    batch: float = 0.07
    receipts_in_one: float = 0.03
    missing_booking: float = 0.04
    amount_difference: float = 0.02
    value_date_difference: float = 0.01
    bank_duplicate: float = 0.01
    book_duplicate: float = 0.005
    returned: float = 0.01
    bank_only: float = 0.03
    #: Only with `hard=True`
    twins: float = 0.04
    small_fee: float = 0.02
    separate_charges: float = 0.02
    #: Distribution knobs (not noise): monitoring tests shift them to make a period drift.
    amount_log_mean: float = 6.5
    return_codes: tuple[str, ...] = tuple(_RETURN_CODES)


@dataclass
class BankSpec:
    amount: Decimal
    currency: str
    direction: str
    booking: date
    value: date
    asr: str | None
    e2e: str | None = None
    remittance: str = ""
    name: str | None = None
    iban: str | None = None
    btc: tuple[str, str, str] | None = None
    return_code: str | None = None
    batch_count: int | None = None
    details: list[tuple[Decimal, str | None, str | None, str | None]] = field(default_factory=list)
    group: int | None = None  # truth: the match group it belongs to
    break_class: str | None = None  # truth: the break class when it belongs to no group


@dataclass
class BookRow:
    id: str
    date: date
    amount: Decimal  # unsigned
    currency: str
    direction: str
    counterparty: str
    iban: str
    reference: str
    description: str
    e2e: str | None
    group: int | None = None
    break_class: str | None = None


@dataclass
class Dataset:
    seed: int
    banks: list[BankSpec]
    books: list[BookRow]
    group_kinds: dict[int, str]

    def ledger_csv(self) -> str:
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["id", "date", "amount", "currency", "counterparty", "reference", "description",
                    "iban", "end_to_end_id", "direction"])
        for r in self.books:
            w.writerow([r.id, r.date.isoformat(), format(-r.amount if r.direction == "DBIT" else r.amount, "f"),
                        r.currency, r.counterparty, r.reference, r.description, r.iban, r.e2e or "",
                        r.direction])
        return out.getvalue()

    def bank_messages(self, filename: str = "generated-camt053.xml") -> list[Message]:
        """One camt.053-shaped message; one statement per currency, entries in `banks` order."""
        statements: list[Statement] = []
        by_ccy: dict[str, Statement] = {}
        for spec in self.banks:
            st = by_ccy.get(spec.currency)
            if st is None:
                st = Statement(
                    provenance=Provenance(file=filename, xpath=f"/Document/BkToCstmrStmt/Stmt[{len(statements) + 1}]"),
                    statement_id=f"GEN-{self.seed}-{spec.currency}", currency=spec.currency,
                    account=f"GEN-ACCOUNT-{spec.currency}",
                )
                by_ccy[spec.currency] = st
                statements.append(st)
            j = len(st.entries) + 1
            st.entries.append(_entry(spec, Provenance(file=filename, xpath=f"{st.provenance.xpath}/Ntry[{j}]")))
        return [Message(message_type="camt.053.001.08", family="camt.053", kind="statement",
                        provenance=Provenance(file=filename), statements=statements)]

    def bank_order(self) -> list[BankSpec]:
        """The specs in the order `bank_items_from_messages` yields them (grouped by currency)."""
        order: dict[str, list[BankSpec]] = {}
        for s in self.banks:
            order.setdefault(s.currency, []).append(s)
        return [s for group in order.values() for s in group]


def _entry(spec: BankSpec, prov: Provenance) -> Entry:
    party = Party(name=spec.name, account=spec.iban, account_scheme="IBAN" if spec.iban else None) \
        if (spec.name or spec.iban) else None
    details = []
    if spec.details:
        for k, (amt, e2e, name, iban) in enumerate(spec.details):
            p = Party(name=name, account=iban)
            details.append(EntryDetail(
                provenance=Provenance(file=prov.file, xpath=f"{prov.xpath}/NtryDtls/TxDtls[{k + 1}]"),
                references=EntryReferences(end_to_end_id=e2e), amount=amt, currency=spec.currency,
                credit_debit=spec.direction, creditor=p if spec.direction == "DBIT" else None,
                debtor=p if spec.direction == "CRDT" else None,
            ))
    btc = BankTransactionCode(domain=spec.btc[0], family=spec.btc[1], sub_family=spec.btc[2]) if spec.btc else None
    return Entry(
        provenance=prov, amount=spec.amount, currency=spec.currency, credit_debit=spec.direction,
        booking_date=spec.booking, value_date=spec.value, bank_transaction_code=btc,
        references=EntryReferences(account_servicer_reference=spec.asr, end_to_end_id=spec.e2e),
        counterparty=party, remittance=Remittance(unstructured=[spec.remittance] if spec.remittance else []),
        return_reason=Reason(code=spec.return_code) if spec.return_code else None,
        batch_count=spec.batch_count, details=details,
    )


class _Gen:
    def __init__(self, n: int, seed: int, mix: Mix, parties_seed: int | None = None, hard: bool = False) -> None:
        self.rng = random.Random(seed)
        self.hard = hard
        self.bank_names: dict[str, str] = {}
        self.n, self.seed, self.mix = n, seed, mix
        self.banks: list[BankSpec] = []
        self.books: list[BookRow] = []
        self.kinds: dict[int, str] = {}
        self.next_group = 0
        size = max(60, n // 6)
        if parties_seed is None:
            self.parties = [self._party(i) for i in range(size)]
        else:  # the same customers in every period generated with this seed (only the traffic differs)
            rng, self.rng = self.rng, random.Random(parties_seed)
            self.parties = [self._party(i) for i in range(size)]
            self.rng = rng
        if hard:
            for ledger_name, bank_name in _NON_ASCII:
                self.bank_names[ledger_name] = bank_name
                self.parties.append((ledger_name, self._party(len(self.parties))[1]))

    # -- building blocks -------------------------------------------------------------------------
    def _party(self, i: int) -> tuple[str, str]:
        r = self.rng
        words = [r.choice(_ADJ), r.choice(_NOUN)]
        third = r.choice(_THIRD)
        if third:
            words.append(third)
        name = " ".join(words) + " " + r.choice(_LEGAL)
        iban = str(IBAN.generate("DE", bank_code=f"{r.randrange(10**7, 10**8)}", account_code=f"{r.randrange(10**9, 10**10)}"))
        return name, iban

    def _currency(self) -> str:
        x, acc = self.rng.random(), 0.0
        for c, p in _CURRENCIES:
            acc += p
            if x < acc:
                return c
        return "EUR"

    def _amount(self, ccy: str, lo: float = 10, hi: float = 50_000) -> Decimal:
        r = self.rng
        v = min(hi, max(lo, r.lognormvariate(self.mix.amount_log_mean, 1.3)))
        if ccy == "JPY":
            return Decimal(int(v * 150))
        return Decimal(f"{v:.2f}")

    def _asr(self) -> str | None:
        if self.rng.random() < 0.15:
            return None  # the builder derives a stable id
        return f"ASR{self.seed:03d}{len(self.banks):08d}{self.rng.randrange(100):02d}"

    def _group(self, kind: str) -> int:
        g = self.next_group
        self.next_group += 1
        self.kinds[g] = kind
        return g

    def _book(self, ccy: str | None = None, direction: str | None = None, party=None, day: date | None = None,
              amount: Decimal | None = None) -> BookRow:
        r = self.rng
        i = len(self.books)
        ccy = ccy or self._currency()
        direction = direction or ("DBIT" if r.random() < 0.7 else "CRDT")
        name, iban = party or r.choice(self.parties)
        day = day or BASE_DATE + timedelta(days=r.randrange(60))
        e2e = f"E2E{self.seed:03d}{i:07d}{r.randrange(36**3):04X}" if r.random() < 0.85 else None
        ref = f"INV-2026-{i:07d}"
        row = BookRow(id=f"L{self.seed:03d}{i:07d}", date=day, amount=amount or self._amount(ccy), currency=ccy,
                      direction=direction, counterparty=name, iban=iban, reference=ref,
                      description=f"Invoice {ref}", e2e=e2e)
        self.books.append(row)
        return row

    def _bank_name(self, name: str) -> str:
        r = self.rng
        x = r.random()
        out = self.bank_names.get(name, name)
        if x < 0.25:
            out = " ".join(w for w in name.split() if w.strip(".&") not in {word.strip(".") for word in _LEGAL} and w != "&")
        if r.random() < 0.7:
            out = out.upper()
        if r.random() < 0.25:
            out = out[:18]
        return out

    def _bank_from(self, row: BookRow, *, refs: bool | None = None, shift: int | None = None,
                   amount: Decimal | None = None) -> BankSpec:
        r = self.rng
        if shift is None:
            shift = r.choices([0, 1, 2, -1, 3], [0.55, 0.25, 0.1, 0.05, 0.05])[0]
        value = row.date + timedelta(days=shift)
        e2e, remit = None, ""
        mode = r.random() if refs is None else (0.0 if refs else 0.99)
        if mode < 0.55 and row.e2e:
            e2e = row.e2e
            remit = r.choice(["", f"PAYMENT {row.reference}", "SEPA CT"])
        elif mode < 0.80:
            ref = row.reference if r.random() < 0.6 else row.reference.replace("-", " ")
            remit = r.choice([f"INVOICE {ref}", f"{ref} THANK YOU", f"RE {ref}"])
        else:
            remit = r.choice(["", "PAYMENT", "SERVICES OCTOBER", "SEE ATTACHED"])
        has_party = r.random() < 0.9
        return BankSpec(
            amount=amount if amount is not None else row.amount, currency=row.currency, direction=row.direction,
            booking=value, value=value, asr=self._asr(), e2e=e2e, remittance=remit,
            name=self._bank_name(row.counterparty) if has_party else None,
            iban=row.iban if has_party and r.random() < 0.7 else None,
            btc=("PMNT", "ICDT" if row.direction == "DBIT" else "RCDT", "ESCT"),
        )

    # -- scenarios ---------------------------------------------------------------------------------
    def one_to_one(self) -> None:
        row = self._book()
        g = self._group("1:1")
        row.group = g
        spec = self._bank_from(row)
        spec.group = g
        self.banks.append(spec)
        r, m = self.rng, self.mix
        if r.random() < m.bank_duplicate / 0.6:
            dup = BankSpec(**{**spec.__dict__, "asr": self._asr(), "group": None, "break_class": "duplicate"})
            self.banks.append(dup)
        if r.random() < m.book_duplicate / 0.6:
            copy = self._book(row.currency, row.direction, (row.counterparty, row.iban), row.date, row.amount)
            copy.reference, copy.description, copy.e2e = row.reference, row.description, None
            copy.break_class = "duplicate"
        if row.direction == "DBIT" and row.e2e and r.random() < m.returned / 0.6:
            code = r.choice(m.return_codes)
            later = spec.value + timedelta(days=r.randrange(2, 6))
            self.banks.append(BankSpec(
                amount=row.amount, currency=row.currency, direction="CRDT", booking=later, value=later,
                asr=self._asr(), e2e=row.e2e, remittance=f"RETURN {code} {row.reference}",
                name=spec.name, btc=("PMNT", "ICDT", "RRTN"), return_code=code, break_class="returned",
            ))

    def fee(self) -> None:
        row = self._book(amount=None)
        fee = self.rng.choice([f for f in _FEES if f <= row.amount * Decimal("0.05")] or [None])
        if fee is None or row.currency == "JPY":
            row.group = self._group("1:1")
            spec = self._bank_from(row)
            spec.group = row.group
            self.banks.append(spec)
            return
        g = self._group("fee")
        row.group = g
        amount = row.amount - fee if row.direction == "CRDT" else row.amount + fee
        spec = self._bank_from(row, refs=self.rng.random() < 0.9, amount=amount)
        spec.group = g
        self.banks.append(spec)

    def batch(self) -> None:
        r = self.rng
        k = r.randrange(3, 7)
        ccy = self._currency()
        day = BASE_DATE + timedelta(days=r.randrange(60))
        rows = [self._book(ccy, "DBIT", day=day) for _ in range(k)]
        g = self._group("batch")
        for row in rows:
            row.group = g
        total = sum((x.amount for x in rows), Decimal(0))
        with_details = r.random() < 0.6 and all(x.e2e for x in rows)
        spec = BankSpec(amount=total, currency=ccy, direction="DBIT", booking=day, value=day, asr=self._asr(),
                        remittance=f"BATCH {r.randrange(10**6):06d}", btc=("PMNT", "ICDT", "BOOK"),
                        batch_count=k, group=g)
        if with_details:
            spec.details = [(x.amount, x.e2e, self._bank_name(x.counterparty), x.iban) for x in rows]
        self.banks.append(spec)

    def receipts_in_one(self) -> None:
        r = self.rng
        party = r.choice(self.parties)
        ccy = "EUR"
        day = BASE_DATE + timedelta(days=r.randrange(60))
        rows = [self._book(ccy, "CRDT", party=party, day=day - timedelta(days=r.randrange(3)))
                for _ in range(r.randrange(2, 4))]
        g = self._group("N:1")
        for row in rows:
            row.group = g
        total = sum((x.amount for x in rows), Decimal(0))
        remit = " ".join(x.reference for x in rows) if r.random() < 0.5 else "PAYMENT OF INVOICES"
        self.banks.append(BankSpec(amount=total, currency=ccy, direction="CRDT", booking=day, value=day,
                                   asr=self._asr(), remittance=remit, name=self._bank_name(party[0]),
                                   iban=party[1], btc=("PMNT", "RCDT", "ESCT"), group=g))

    def twins(self) -> None:
        """One supplier, two invoices of the same amount on the same day, paid by two transfers."""
        r = self.rng
        party = r.choice(self.parties)
        ccy, direction = "EUR", r.choice(["DBIT", "CRDT"])
        day = BASE_DATE + timedelta(days=r.randrange(60))
        amount = self._amount(ccy)
        first = r.randrange(10_000, 999_000)
        specs = []
        for k in range(2):
            row = self._book(ccy, direction, party=party, day=day, amount=amount)
            number = str(first + k)
            row.reference, row.description, row.e2e = f"INV-{number}", f"Invoice INV-{number}", None
            row.group = self._group("twin")
            written = number
            if r.random() < 0.15:  # a typo: two neighbouring digits swapped
                i = r.randrange(len(number) - 1)
                if number[i] != number[i + 1]:
                    written = number[:i] + number[i + 1] + number[i] + number[i + 2:]
            spec = self._bank_from(row, refs=False, shift=r.choice([0, 0, 1]))
            spec.remittance = r.choice(_INVOICE_WORDS).format(n=written)
            spec.group = row.group
            specs.append(spec)
        if r.random() < 0.5:
            specs.reverse()
        self.banks.extend(specs)

    def small_fee(self) -> None:
        """A small receipt that arrives short by the sender's bank charge."""
        r = self.rng
        row = self._book("EUR", "CRDT", amount=Decimal(f"{r.uniform(20, 250):.2f}"))
        row.group = self._group("fee")
        fee = r.choice([Decimal("12.50"), Decimal("15.00"), Decimal("9.00")])
        spec = self._bank_from(row, refs=r.random() < 0.8, amount=row.amount - fee)
        spec.group = row.group
        self.banks.append(spec)

    def separate_charges(self) -> None:
        """A payment booked in full, its charges on a line of their own that names it."""
        r = self.rng
        row = self._book("EUR", "DBIT")
        row.group = self._group("1:1")
        spec = self._bank_from(row, refs=True)
        spec.group = row.group
        self.banks.append(spec)
        named = row.e2e or row.reference
        self.banks.append(BankSpec(
            amount=r.choice([Decimal("12.50"), Decimal("15.00"), Decimal("25.00")]), currency="EUR", direction="DBIT",
            booking=spec.booking, value=spec.value, asr=self._asr(),
            remittance=r.choice([f"CHARGES FOR {named}", f"SWIFT CHARGES {named}", f"ENTGELT ZU {named}"]),
            btc=("PMNT", "ICDT", "CHRG"), break_class="bank_only",
        ))

    def missing_booking(self) -> None:
        self._book().break_class = "missing_booking"

    def amount_difference(self) -> None:
        row = self._book()
        row.break_class = "amount_difference"
        factor = Decimal(self.rng.choice(["0.5", "0.8", "1.2", "2"]))
        amount = (row.amount * factor).quantize(Decimal(1).scaleb(-_MINOR[row.currency]))
        if abs(amount - row.amount) <= Decimal("50"):
            amount = row.amount + Decimal("100") * (1 if self.rng.random() < 0.5 else -1)
            amount = abs(amount) if amount != 0 else Decimal("1")
        spec = self._bank_from(row, refs=True, amount=amount)
        spec.break_class = "amount_difference"
        self.banks.append(spec)

    def value_date_difference(self) -> None:
        row = self._book()
        row.break_class = "value_date_difference"
        spec = self._bank_from(row, refs=True, shift=self.rng.randrange(15, 30))
        spec.break_class = "value_date_difference"
        self.banks.append(spec)

    def bank_only(self) -> None:
        r = self.rng
        day = BASE_DATE + timedelta(days=r.randrange(60))
        if r.random() < 0.7:
            spec = BankSpec(amount=Decimal(r.choice(["1.50", "4.90", "12.00", "25.00", "35.70"])), currency="EUR",
                            direction="DBIT", booking=day, value=day, asr=self._asr(),
                            remittance=r.choice(["ACCOUNT MAINTENANCE FEE", "CARD FEE", "SWIFT CHARGES"]),
                            btc=("ACMT", "MDOP", "CHRG"))
        else:
            spec = BankSpec(amount=Decimal(f"{r.uniform(0.5, 300):.2f}"), currency="EUR", direction="CRDT",
                            booking=day, value=day, asr=self._asr(), remittance="INTEREST",
                            btc=("ACMT", "MDOP", "INTR"))
        spec.break_class = "bank_only"
        self.banks.append(spec)


def generate(n: int = 2000, seed: int = 7, mix: Mix | None = None, *, parties_seed: int | None = None,
             hard: bool = False) -> Dataset:
    """About `n` book items (and a similar number of bank lines), fully labelled, reproducible.

    `parties_seed` fixes the pool of counterparties independently of `seed`, so two periods can share
    their customers (same distribution) while their payments differ. `hard` adds the scenarios named in
    the module docstring."""
    mix = mix or Mix()
    g = _Gen(n, seed, mix, parties_seed, hard)
    scenarios = [
        (mix.fee, g.fee), (mix.batch / 4.5, g.batch), (mix.receipts_in_one / 2.5, g.receipts_in_one),
        (mix.missing_booking, g.missing_booking), (mix.amount_difference, g.amount_difference),
        (mix.value_date_difference, g.value_date_difference),
    ]
    if hard:
        scenarios += [(mix.twins / 2, g.twins), (mix.small_fee, g.small_fee), (mix.separate_charges, g.separate_charges)]
    while len(g.books) < n:
        x, acc, done = g.rng.random(), 0.0, False
        for p, fn in scenarios:
            acc += p
            if x < acc:
                fn()
                done = True
                break
        if not done:
            g.one_to_one()
    for _ in range(int(n * mix.bank_only)):
        g.bank_only()
    # statement order: by currency (one statement each), then booking date, then creation order
    banks = sorted(enumerate(g.banks), key=lambda t: (t[1].booking, t[0]))
    return Dataset(seed=seed, banks=[b for _, b in banks], books=g.books, group_kinds=g.kinds)
