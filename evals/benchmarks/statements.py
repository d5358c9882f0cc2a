"""Statements that look like a bank's day, for the parser benchmark (`parsers_bench --input realistic`).

The first benchmark wrote one shape of entry in ASCII ("Kontor Buero"), which is what the compiled
readers take; real statements carry what they leave to the Python readers. This generator writes
the mix an ops team receives, with weights from what European corporate statements typically hold:

* camt.053.001.08: single credit transfers with structured remittance (a creditor reference `RF…`
  and referred invoices with their amounts) or unstructured text naming invoices; parties with
  postal addresses, organisation ids (LEI or a tax id) and ultimate parties; bank transaction codes
  with the bank's proprietary code beside the ISO domain; charges records on outgoing payments;
  batch bookings of 2–6 transactions; returns with their reason; card and fee lines with only
  additional entry information.
* MT940 in the two common `:86:` dialects: the German `?NN` subfields (GVC, `EREF+`, `SVWZ+`, name
  in `?32`/`?33`, umlauts kept) and the `/KEYWORD/` style (`/EREF/`, `/REMI/`, `/NAME/`, `/IBAN/`),
  with the `:61:` supplementary details some banks add (`/OCMT/…//CHGS/…/`).

Names are non-ASCII where real names are (Müller, Ørsted, Łódź, Škoda, Dvořák, Ñandú). The output is
deterministic for a seed; nothing here is tuned to a reader.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

PARTIES = [
    ("Müller & Söhne GmbH", "Königstraße", "12", "70173", "Stuttgart", "DE", "DE44500105175407324931"),
    ("Ørsted Energi A/S", "Nesa Allé", "1", "2820", "Gentofte", "DK", "DK5000400440116243"),
    ("Przedsiębiorstwo Łódź Sp. z o.o.", "Piotrkowska", "104", "90-926", "Łódź", "PL", "PL61109010140000071219812874"),
    ("Škoda Components s.r.o.", "Václava Klementa", "869", "29301", "Mladá Boleslav", "CZ", "CZ6508000000192000145399"),
    ("Dvořák Hudba a.s.", "Náměstí Míru", "9", "12000", "Praha", "CZ", "CZ6508000000192000145399"),
    ("Ñandú Exportaciones S.L.", "Calle de Alcalá", "48", "28014", "Madrid", "ES", "ES9121000418450200051332"),
    ("Société Générale d'Équipement SAS", "Rue de la Paix", "3", "75002", "Paris", "FR", "FR1420041010050500013M02606"),
    ("Nordwind Logistik GmbH", "Am Sandtorkai", "50", "20457", "Hamburg", "DE", "DE89370400440532013000"),
    ("Verdi Consulting S.r.l.", "Via Roma", "1", "00184", "Roma", "IT", "IT60X0542811101000000123456"),
    ("Åkerlund & Rausing AB", "Drottninggatan", "7", "11151", "Stockholm", "SE", "SE4550000000058398257466"),
]
BICS = ["COBADEFFXXX", "DEUTDEFFXXX", "BNPAFRPPXXX", "INGBNL2AXXX", "DABADKKKXXX", "NDEASESSXXX", "BSCHESMMXXX"]
LEIS = ["529900T8BM49AURSDO55", "5493001KJTIIGC8Y1R12", "7LTWFZYICNSX8D621K86"]
RETURN_CODES = [("AC04", "Account closed"), ("AC01", "Incorrect account number"), ("MD07", "Debtor deceased"),
                ("AM04", "Insufficient funds"), ("MS03", "Reason not specified")]
GERMAN_GVC = [("166", "GUTSCHRIFT", "NTRF"), ("177", "UEBERWEISUNG", "NTRF"), ("105", "LASTSCHRIFT", "NDDT"),
              ("159", "RUECKUEBERWEISUNG", "NRTI")]


def _rf_reference(rnd: random.Random) -> str:
    """An ISO 11649 creditor reference with its check digits."""
    body = "".join(rnd.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(rnd.randint(8, 16)))
    digits = "".join(str(int(c, 36)) for c in body + "RF00")
    return f"RF{98 - int(digits) % 97:02d}{body}"


def _invoice(rnd: random.Random) -> str:
    return rnd.choice(["INV-{:06d}", "RE-2026-{:05d}", "F{:07d}", "Rechnung {:06d}"]).format(rnd.randint(1, 999_999))


def _amount(rnd: random.Random) -> Decimal:
    # log-uniform between 1.00 and 2,000,000.00: many small payments, a few large ones
    return (Decimal(10) ** Decimal(rnd.uniform(0, 6.3))).quantize(Decimal("0.01"))


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;")


# --- camt.053.001.08 --------------------------------------------------------------------------------

_NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"


def _party(rnd: random.Random, role: str) -> str:
    name, street, nb, pc, town, ctry, iban = rnd.choice(PARTIES)
    ident = (f"<Id><OrgId><LEI>{rnd.choice(LEIS)}</LEI></OrgId></Id>" if rnd.random() < 0.3 else
             f"<Id><OrgId><Othr><Id>{ctry}{rnd.randint(10**8, 10**9 - 1)}</Id><SchmeNm><Cd>TXID</Cd></SchmeNm></Othr></OrgId></Id>"
             if rnd.random() < 0.3 else "")
    ultimate = (f"<Ultmt{role}><Pty><Nm>{_esc(rnd.choice(PARTIES)[0])}</Nm></Pty></Ultmt{role}>"
                if rnd.random() < 0.15 else "")
    return (f"<{role}><Pty><Nm>{_esc(name)}</Nm><PstlAdr><StrtNm>{_esc(street)}</StrtNm><BldgNb>{nb}</BldgNb>"
            f"<PstCd>{pc}</PstCd><TwnNm>{_esc(town)}</TwnNm><Ctry>{ctry}</Ctry></PstlAdr>{ident}</Pty></{role}>"
            f"<{role}Acct><Id><IBAN>{iban}</IBAN></Id></{role}Acct>{ultimate}")


def _remittance(rnd: random.Random, amount: Decimal) -> str:
    if rnd.random() < 0.45:
        docs = "".join(
            f"<RfrdDocInf><Tp><CdOrPrtry><Cd>CINV</Cd></CdOrPrtry></Tp><Nb>{_invoice(rnd)}</Nb></RfrdDocInf>"
            f'<RfrdDocAmt><RmtdAmt Ccy="EUR">{amount:.2f}</RmtdAmt></RfrdDocAmt>' for _ in range(1))
        return (f"<RmtInf><Strd>{docs}<CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>"
                f"<Ref>{_rf_reference(rnd)}</Ref></CdtrRefInf></Strd></RmtInf>")
    invoices = ", ".join(_invoice(rnd) for _ in range(rnd.randint(1, 3)))
    return f"<RmtInf><Ustrd>{_esc(f'Zahlung {invoices} abzgl. Skonto / payment of {invoices}')[:140]}</Ustrd></RmtInf>"


def _tx(rnd: random.Random, i: int, amount: Decimal, credit: bool, *, charges: bool = False, ret: bool = False) -> str:
    uetr = f"<UETR>{uuid.UUID(int=rnd.getrandbits(128), version=4)}</UETR>" if rnd.random() < 0.4 else ""
    refs = (f"<Refs><AcctSvcrRef>TX{i:010d}</AcctSvcrRef><InstrId>INS-{i:08d}</InstrId>"
            f"<EndToEndId>E2E-{i:09d}</EndToEndId>{uetr}</Refs>")
    charge = (f'<Chrgs><TtlChrgsAndTaxAmt Ccy="EUR">{Decimal(rnd.choice(["1.50", "2.50", "12.50", "25.00"])):.2f}</TtlChrgsAndTaxAmt>'
              f'<Rcrd><Amt Ccy="EUR">{Decimal(rnd.choice(["1.50", "2.50", "12.50", "25.00"])):.2f}</Amt><CdtDbtInd>DBIT</CdtDbtInd>'
              f"<Tp><Cd>COMM</Cd></Tp></Rcrd></Chrgs>" if charges else "")
    other = "Dbtr" if credit else "Cdtr"
    agent = f"<RltdAgts><{other}Agt><FinInstnId><BICFI>{rnd.choice(BICS)}</BICFI></FinInstnId></{other}Agt></RltdAgts>"
    rtr = ""
    if ret:
        code, text = rnd.choice(RETURN_CODES)
        rtr = (f"<RtrInf><OrgnlBkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn>"
               f"</OrgnlBkTxCd><Rsn><Cd>{code}</Cd></Rsn><AddtlInf>{text}</AddtlInf></RtrInf>")
    return (f"<TxDtls>{refs}<AmtDtls><InstdAmt><Amt Ccy=\"EUR\">{amount:.2f}</Amt></InstdAmt>"
            f"<TxAmt><Amt Ccy=\"EUR\">{amount:.2f}</Amt></TxAmt></AmtDtls>{charge}"
            f"<RltdPties>{_party(rnd, other)}</RltdPties>{agent}{_remittance(rnd, amount)}{rtr}</TxDtls>")


def _btc(domain: str, family: str, sub: str, proprietary: str) -> str:
    return (f"<BkTxCd><Domn><Cd>{domain}</Cd><Fmly><Cd>{family}</Cd><SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn>"
            f"<Prtry><Cd>{proprietary}</Cd><Issr>DK</Issr></Prtry></BkTxCd>")


def camt053_entries(n: int, seed: int = 11) -> Iterator[tuple[str, Decimal]]:
    """(entry XML, its signed amount) for `n` entries."""
    rnd = random.Random(seed)
    day = date(2026, 1, 2)
    for i in range(n):
        d = day + timedelta(days=(i // 400) % 330)
        kind = rnd.random()
        amount = _amount(rnd)

        def head(credit: bool, status: str = "BOOK", i: int = i, amount: Decimal = amount, d: date = d) -> str:
            return (f'<Ntry><NtryRef>{i}</NtryRef><Amt Ccy="EUR">{amount:.2f}</Amt>'
                    f'<CdtDbtInd>{"CRDT" if credit else "DBIT"}</CdtDbtInd><Sts><Cd>{status}</Cd></Sts>'
                    f"<BookgDt><Dt>{d.isoformat()}</Dt></BookgDt><ValDt><Dt>{d.isoformat()}</Dt></ValDt>"
                    f"<AcctSvcrRef>CBK{i:010d}</AcctSvcrRef>")
        if kind < 0.40:  # incoming SEPA credit transfer
            yield (head(True) + _btc("PMNT", "RCDT", "ESCT", "NTRF+166")
                   + f"<NtryDtls>{_tx(rnd, i, amount, True)}</NtryDtls></Ntry>\n"), amount
        elif kind < 0.65:  # outgoing transfer with its charges
            yield (head(False) + _btc("PMNT", "ICDT", "ESCT", "NTRF+177")
                   + f"<NtryDtls>{_tx(rnd, i, amount, False, charges=rnd.random() < 0.5)}</NtryDtls></Ntry>\n"), -amount
        elif kind < 0.77:  # batch booking of several payments
            parts = rnd.randint(2, 6)
            amounts = [_amount(rnd) for _ in range(parts)]
            total = sum(amounts, Decimal(0))
            # the batch's payments get ids of their own (10^8 + …): `i * 10 + k` alone was the id of entry
            # number i * 10 + k further on, which threaded unrelated payments into one
            txs = "".join(_tx(rnd, 10**8 + i * 10 + k, a, False) for k, a in enumerate(amounts))
            yield (head(False).replace(f">{amount:.2f}<", f">{total:.2f}<", 1) + _btc("PMNT", "ICDT", "ESCT", "NTRF+191")
                   + f"<NtryDtls><Btch><NbOfTxs>{parts}</NbOfTxs><TtlAmt Ccy=\"EUR\">{total:.2f}</TtlAmt>"
                     f"<CdtDbtInd>DBIT</CdtDbtInd></Btch>{txs}</NtryDtls></Ntry>\n"), -total
        elif kind < 0.85:  # a payment of ours returned by the beneficiary's bank
            yield (head(True) + _btc("PMNT", "ICDT", "RRTN", "NRTI+159")
                   + f"<NtryDtls>{_tx(rnd, i, amount, True, ret=True)}</NtryDtls></Ntry>\n"), amount
        else:  # card settlement or account fee: no details, only the bank's text
            text = rnd.choice(["Kartenumsatz Zürich Hauptbahnhof", "Kontoführungsgebühr Dezember", "SEPA-Lastschrift Versicherung Köln",
                               "Zinsen/Entgelte per 31.12."])
            credit = rnd.random() < 0.2
            yield (head(credit) + _btc("ACMT", "MDOP", "CHRG", "NCHG+805")
                   + f"<AddtlNtryInf>{_esc(text)}</AddtlNtryInf></Ntry>\n"), amount if credit else -amount


def _balance(code: str, amount: Decimal, day: str) -> str:
    return (f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{abs(amount):.2f}</Amt>'
            f"<CdtDbtInd>{'CRDT' if amount >= 0 else 'DBIT'}</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>")


def write_camt053(path: Path, n: int, seed: int = 11) -> None:
    """A statement whose closing balance is its opening balance plus its entries (a first pass sums them)."""
    opening = Decimal("250000.00")
    closing = opening + sum((signed for _, signed in camt053_entries(n, seed)), Decimal(0))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{_NS}"><BkToCstmrStmt>'
                 "<GrpHdr><MsgId>BENCH-REAL</MsgId><CreDtTm>2026-11-27T22:00:00+01:00</CreDtTm></GrpHdr>"
                 "<Stmt><Id>BENCH-REAL-1</Id><ElctrncSeqNb>1</ElctrncSeqNb><CreDtTm>2026-11-27T22:00:00+01:00</CreDtTm>"
                 "<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy><Ownr><Nm>Nordwind Logistik GmbH</Nm></Ownr>"
                 "<Svcr><FinInstnId><BICFI>COBADEFFXXX</BICFI></FinInstnId></Svcr></Acct>"
                 + _balance("OPBD", opening, "2026-01-01") + _balance("CLBD", closing, "2026-12-01") + "\n")
        buf: list[str] = []
        for entry, _ in camt053_entries(n, seed):
            buf.append(entry)
            if len(buf) >= 2000:
                fh.write("".join(buf))
                buf.clear()
        fh.write("".join(buf) + "</Stmt></BkToCstmrStmt></Document>\n")


# --- MT940 ------------------------------------------------------------------------------------------

def _german_86(rnd: random.Random, i: int, gvc: str, text: str) -> str:
    name = rnd.choice(PARTIES)
    remi = f"SVWZ+{_invoice(rnd)} {_invoice(rnd)} Danke"
    sub = [f"{gvc}?00{text}?10{rnd.randint(1000, 9999)}", f"?20EREF+E2E-{i:09d}", f"?21{remi[:27]}", f"?22{remi[27:54]}",
           f"?30{rnd.choice(BICS)}", f"?31{name[6]}", f"?32{name[0][:27]}", f"?33{name[0][27:54]}", "?34997"]
    body = "".join(s for s in sub if not s.endswith(("?22", "?33")))
    return "\n".join(body[k:k + 65] for k in range(0, len(body), 65))


def _keyword_86(rnd: random.Random, i: int) -> str:
    name = rnd.choice(PARTIES)
    body = (f"/EREF/E2E-{i:09d}/REMI/USTD//{_invoice(rnd)} {_invoice(rnd)}/NAME/{name[0]}/IBAN/{name[6]}"
            f"/BIC/{rnd.choice(BICS)}")
    return "\n".join(body[k:k + 65] for k in range(0, len(body), 65))


def write_mt940(path: Path, n: int, seed: int = 11, per_statement: int = 100) -> None:
    rnd = random.Random(seed)
    start = date(2026, 1, 2)
    with open(path, "w", encoding="utf-8", newline="\r\n") as fh:
        stmt, balance = 0, Decimal("250000.00")

        def mt_balance(tag: str, day: date) -> str:
            return f":{tag}:{'C' if balance >= 0 else 'D'}{day:%y%m%d}EUR{abs(balance):.2f}".replace(".", ",")

        for i in range(n):
            d = start + timedelta(days=(i // 400) % 330)
            if i % per_statement == 0:
                if i:
                    fh.write(mt_balance("62F", d) + "\n-}\n")
                stmt += 1
                german = stmt % 2 == 0  # two banks' dialects, statement by statement
                bic = "COBADEFFAXXX" if german else "INGBNL2AAXXX"
                fh.write(f"{{1:F01{bic}0000000000}}{{2:O9401200261127{bic}00000000002611271200N}}{{4:\n")
                fh.write(f":20:STMT{stmt:08d}\n:25:DE89370400440532013000\n:28C:{stmt}/1\n" + mt_balance("60F", d) + "\n")
            amount = _amount(rnd)
            cd = "C" if rnd.random() < 0.45 else "D"
            balance += amount if cd == "C" else -amount
            amt = f"{amount:.2f}".replace(".", ",")
            gvc, text, code = rnd.choice(GERMAN_GVC)
            line = f":61:{d:%y%m%d}{d:%m%d}{cd}{amt}{code}E2E-{i:09d}//CBK{i:010d}"
            if rnd.random() < 0.15:  # the supplementary line with the original amount and charges
                line += f"\n/OCMT/EUR{amt}//CHGS/EUR2,50/"
            fh.write(line + "\n")
            fh.write(":86:" + (_german_86(rnd, i, gvc, text) if german else _keyword_86(rnd, i)) + "\n")
        fh.write(mt_balance("62F", date(2026, 12, 1)) + "\n-}\n")
