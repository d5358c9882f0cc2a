"""Mask account numbers and party names before text leaves the machine; unmask the reply.

Masking is reversible within one call (a per-call token map), so the analyst still sees real values.

Three layers, because each alone leaks (issue #21 item 11):
* IBANs in any spelling people and banks use: lower case, grouped by spaces, dashes, dots or no-break
  spaces. Over-masking a look-alike costs nothing; a missed IBAN is a data leak.
* the party names the caller knows (debtor, creditor, ultimates, counterparties), case-insensitive;
* inside fenced message text (remittance, narratives, names: see `fencing`), every word that is not
  ordinary payment vocabulary. A remittance like "Rent for Hans Müller, flat 3" names a third party we
  cannot list in advance; masking all but known vocabulary and references keeps such names inside.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from breakdesk.agents.llm.fencing import CLOSE, OPEN

_SEP = r"[ \-.\u00a0]?"
# IBAN: country, check digits, 11-30 alphanumerics, optionally grouped by 4.
IBAN_RE = re.compile(rf"(?<![A-Za-z0-9])[A-Za-z]{{2}}\d{{2}}(?:{_SEP}[A-Za-z0-9]{{4}}){{2,7}}(?:{_SEP}[A-Za-z0-9]{{1,3}})?(?![A-Za-z0-9])")
_FENCED_RE = re.compile(re.escape(OPEN) + r"[^\n]*>>>\n(.*?)\n" + re.escape(CLOSE), re.DOTALL)
_MASK_TOKEN_RE = re.compile(r"\[[A-Z]+_\d+\]")
_WORD_RE = re.compile(r"[^\W\d_][^\W\d_'’.-]*(?:[’'.-][^\W\d_]+)*")

#: Words a remittance or narrative may keep in clear: what payments are for, in the languages of the
#: schemes we read, and the little words between them. Everything else inside a fence is masked.
PAYMENT_VOCABULARY = frozenset("""
a an and at by for from in of on or per re the to with via no nr nro num number ref reference refs
invoice invoices inv bill bills payment payments pay paid pmt transfer credit debit refund refunds return
returned repayment instalment installment deposit fee fees charge charges interest tax vat salary salaries
wage wages payroll bonus pension rent lease loan mortgage insurance premium order orders purchase po contract
subscription membership donation settlement account acct customer client supplier vendor period month year
quarter partial final balance advance due date total amount net gross rate dividend commission expenses
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec q1 q2 q3 q4
rechnung rechnungsnr zahlung miete gehalt lohn gutschrift lastschrift beitrag vertrag kundennr und vom für
facture paiement loyer salaire remboursement virement contrat acompte
factura pago alquiler nomina transferencia fattura pagamento affitto stipendio bonifico
faktura betaling husleie lønn lasku maksu vuokra palkka viite
eref kref mref svwz abwa abwe cred purp sepa
""".split())


class Masker:
    def __init__(self, names: Iterable[str] = ()) -> None:
        self._forward: dict[str, str] = {}
        self._names = sorted({n.strip() for n in names if n and len(n.strip()) >= 3}, key=len, reverse=True)

    def _token(self, kind: str, value: str) -> str:
        if value not in self._forward:
            n = sum(1 for t in self._forward.values() if t.startswith(f"[{kind}_")) + 1
            self._forward[value] = f"[{kind}_{n}]"
        return self._forward[value]

    def _fenced_words(self, match: re.Match[str]) -> str:
        def word(m: re.Match[str]) -> str:
            w = m.group(0)
            return w if w.lower() in PAYMENT_VOCABULARY else self._token("TEXT", w)

        def token(m: re.Match[str]) -> str:
            t = m.group(0)
            if _MASK_TOKEN_RE.fullmatch(t.strip(".,;:()")) or any(c.isdigit() for c in t):
                return t  # already masked, or a reference (INV-2026-118, ABC/123): kept for matching
            return _WORD_RE.sub(word, t)

        body = match.group(1)
        return match.group(0).replace(body, re.sub(r"\S+", token, body), 1)

    def mask(self, text: str) -> str:
        text = IBAN_RE.sub(lambda m: self._token("IBAN", m.group(0)) if any(c.isdigit() for c in m.group(0)[4:]) else m.group(0), text)
        for name in self._names:
            pattern = re.compile(re.escape(name), re.IGNORECASE)
            text = pattern.sub(lambda m, n=name: self._token("PARTY", n), text)
        return _FENCED_RE.sub(self._fenced_words, text)

    def unmask(self, text: str) -> str:
        # longest token first: [TEXT_1] must not be replaced inside [TEXT_12]
        for value, token in sorted(self._forward.items(), key=lambda kv: len(kv[1]), reverse=True):
            text = text.replace(token, value)
        return text

    @property
    def mapping(self) -> dict[str, str]:
        return {t: v for v, t in self._forward.items()}
