/* Compiled fast path of the MT940/942/950 statement line: one `:61:` with its `:86:` → `Entry`.
 *
 * Why it exists: an MT statement is mostly statement lines, and building each one in Python (the
 * :61: grammar, the :86: /KEYWORD/ dialect, six canonical objects) costs about three times what the
 * peer library `mt-940` spends on a line (see README, Benchmarks). This file does the same work in
 * one C call for the lines that are plainly well formed.
 *
 * The Python reader (`mt9xx._entry`, `tags.StatementLine`, the default processors and
 * `narrative._slash`) stays the reference: whenever a line needs anything this file does not do
 * exactly as the reference does (a bank quirk processor would change it, a German `?NN` narrative,
 * non-ASCII text in :61:, any value the reference would refuse), `statement_line` returns None and
 * the caller runs the reference reader, which also raises every error with its line. So this file
 * never raises a parse error of its own and never decides anything the reference does not; tests
 * compare the two on the corpus and on generated lines (tests/unit/parsers/swift/test_mt_speedups.py).
 *
 * Objects are made the way `parsers.construct.exact` makes them: `object.__new__(cls)` and the
 * pydantic slots set directly, from complete field dicts in the model's field order.
 */
#include "../_speedups_common.h"
#include <datetime.h>
#include <strings.h>

/* --- configuration handed over by Python (`configure`) ------------------------------------- */

static Model M_ENTRY, M_PROV, M_BTC, M_REFS, M_REMIT, M_PARTY, M_AGENT, M_REASON, M_STRUCTURED;
static PyObject *DECIMAL;        /* decimal.Decimal */
static PyObject *ACCOUNT_SCHEME; /* values.account_scheme(account) -> "IBAN" | None */
static PyObject *IS_IBAN;        /* values.is_iban(text) -> bool */
static int configured = 0;

static PyObject *EMPTY_STR;

/* interned strings */
static PyObject *S_CRDT, *S_DBIT, *S_BOOK, *S_SWIFT, *S_SCOR, *S_SPACE, *S_SLASH, *S_NL;
static PyObject *K_file, *K_message_index, *K_line, *K_xpath;
static PyObject *K_domain, *K_family, *K_sub_family, *K_proprietary_code, *K_proprietary_issuer;
static PyObject *K_account_servicer_reference, *K_account_owner_reference, *K_message_id, *K_payment_info_id,
    *K_instruction_id, *K_end_to_end_id, *K_transaction_id, *K_uetr, *K_mandate_id, *K_cheque_number,
    *K_clearing_system_reference, *K_proprietary;
static PyObject *K_provenance, *K_entry_reference, *K_amount, *K_currency, *K_credit_debit, *K_reversal,
    *K_status, *K_booking_date, *K_value_date, *K_bank_transaction_code, *K_references, *K_counterparty,
    *K_remittance, *K_return_reason, *K_charges, *K_additional_info, *K_narrative_fields,
    *K_supplementary_details, *K_batch_count, *K_details;
static PyObject *K_unstructured, *K_structured;
static PyObject *K_name, *K_address, *K_account, *K_account_scheme, *K_account_currency, *K_agent, *K_identifiers,
    *K_country_of_residence;
static PyObject *K_bic, *K_clearing_system_member_id, *K_creditor_reference, *K_creditor_reference_type, *K_code;

/* --- the :86: /KEYWORD/ vocabulary (narrative._SLASH_KEYS and its context sets) --------------- */

enum { F_PARTY = 1, F_ENDS = 2, F_IN = 4 };
typedef struct {
    const char *text;
    int flags;
    PyObject *str;
    PyObject *in_ctx[4]; /* "ORDP/NAME" … for the F_IN keys, one per party context */
} Key;

static Key KEYS[] = {
    {"TRTP", F_ENDS}, {"IBAN", F_IN}, {"BIC", F_IN}, {"NAME", F_IN}, {"REMI", F_ENDS}, {"EREF", F_ENDS},
    {"MARF", F_ENDS}, {"CSID", F_ENDS}, {"RTRN", F_ENDS}, {"ORDP", F_PARTY}, {"BENM", F_PARTY},
    {"ULTD", F_PARTY}, {"ULTC", F_PARTY}, {"PURP", F_ENDS}, {"ADDR", F_IN}, {"CNTP", F_ENDS}, {"PREF", 0},
    {"ISDT", 0}, {"SVCL", 0}, {"CHGS", 0}, {"OCMT", 0}, {"EXCH", 0}, {"TRCD", 0}, {"ID", F_IN}, {"PT", 0},
    {"FT", 0}, {"PY", 0}, {"OP", 0}, {"OI", 0}, {"EDI", 0}, {"REF", 0}, {"ABD", 0}, {"RREF", 0},
    {"MREF", 0}, {"TREF", 0}, {"INV", 0}, {"RFB", 0},
};
#define N_KEYS ((int)(sizeof(KEYS) / sizeof(KEYS[0])))
static const char *CONTEXTS[4] = {"ORDP", "BENM", "ULTD", "ULTC"};
static int CTX_INDEX[N_KEYS + 1]; /* key index → party context index, or -1 */
static int K_IBAN_I = 1, K_BIC_I = 2, K_NAME_I = 3;
static PyObject *S_EREF, *S_MARF, *S_MREF, *S_IBAN, *S_BIC, *S_CNTP, *S_REMI, *S_RTRN, *S_SVWZ;
static PyObject *S_PREF_IBAN[2], *S_PREF_BIC[2], *S_PREF_CTX[2]; /* [credit] */

/* --- small helpers -------------------------------------------------------------------------- */

static PyObject *
urstrip_slash_strip(PyObject *u)
{
    /* value.rstrip("/").strip() */
    Py_ssize_t b = PyUnicode_GET_LENGTH(u);
    while (b > 0 && PyUnicode_READ_CHAR(u, b - 1) == '/')
        b--;
    return ustrip_range(u, 0, b);
}

static int
truthy_str(PyObject *o)
{
    return o != NULL && o != Py_None && PyUnicode_GET_LENGTH(o) > 0;
}

/* narrative._not_provided: None for empty, NOTPROVIDED, NONREF, NONE (any case); new reference */
static PyObject *
not_provided(PyObject *value)
{
    PyObject *s, *up;
    int hit;
    if (!truthy_str(value))
        Py_RETURN_NONE;
    s = ustrip(value);
    if (s == NULL)
        return NULL;
    if (PyUnicode_GET_LENGTH(s) == 0) {
        Py_DECREF(s);
        Py_RETURN_NONE;
    }
    if (PyUnicode_IS_ASCII(s)) {
        const char *a = (const char *)PyUnicode_1BYTE_DATA(s);
        Py_ssize_t n = PyUnicode_GET_LENGTH(s);
        hit = (n == 11 && strncasecmp(a, "NOTPROVIDED", 11) == 0) || (n == 6 && strncasecmp(a, "NONREF", 6) == 0)
            || (n == 4 && strncasecmp(a, "NONE", 4) == 0);
    } else { /* str.upper() maps more than ASCII onto these letters */
        up = PyObject_CallMethod(s, "upper", NULL);
        if (up == NULL) {
            Py_DECREF(s);
            return NULL;
        }
        hit = PyUnicode_CompareWithASCIIString(up, "NOTPROVIDED") == 0
            || PyUnicode_CompareWithASCIIString(up, "NONREF") == 0
            || PyUnicode_CompareWithASCIIString(up, "NONE") == 0;
        Py_DECREF(up);
    }
    if (hit) {
        Py_DECREF(s);
        Py_RETURN_NONE;
    }
    return s;
}

/* --- dates (values.yymmdd, values.month_day_near) -------------------------------------------- */

static int
is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
    static const int d[] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return (m == 2 && is_leap(y)) ? 29 : d[m];
}

static int
valid_date(int y, int m, int d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

static long
ordinal(int y, int m, int d)
{
    /* days since 0001-01-01, as date.toordinal() - 1 */
    long yy = y - 1, days = yy * 365 + yy / 4 - yy / 100 + yy / 400;
    for (int i = 1; i < m; i++)
        days += days_in_month(y, i);
    return days + d - 1;
}

static int
digits(const char *s, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int
two(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* --- the :86: /KEYWORD/ dialect (narrative._slash) ------------------------------------------ */

typedef struct {
    PyObject *fields;  /* dict, in reference order */
    PyObject *end_to_end_id, *mandate_id, *name, *account, *bic, *bank_code, *creditor_reference;
    PyObject *remittance; /* list */
    PyObject *return_code, *return_proprietary, *return_info;
} Facts;

static void
facts_clear(Facts *f)
{
    Py_CLEAR(f->fields);
    Py_CLEAR(f->end_to_end_id);
    Py_CLEAR(f->mandate_id);
    Py_CLEAR(f->name);
    Py_CLEAR(f->account);
    Py_CLEAR(f->bic);
    Py_CLEAR(f->bank_code);
    Py_CLEAR(f->creditor_reference);
    Py_CLEAR(f->remittance);
    Py_CLEAR(f->return_code);
    Py_CLEAR(f->return_proprietary);
    Py_CLEAR(f->return_info);
}

/* The key `/KEY/` at position i of `s` (s[i] == '/'): its index in KEYS, -1 if none; *end = the
 * position of its closing slash. */
static int
key_at(int kind, const void *data, Py_ssize_t n, Py_ssize_t i, Py_ssize_t *end)
{
    char buf[5];
    Py_ssize_t j = i + 1, len;
    while (j < n && j - i - 1 <= 4) {
        Py_UCS4 c = PyUnicode_READ(kind, data, j);
        if (c == '/')
            break;
        if (c < 'A' || c > 'Z')
            return -1;
        buf[j - i - 1] = (char)c;
        j++;
    }
    len = j - i - 1;
    if (j >= n || len < 2 || len > 4 || PyUnicode_READ(kind, data, j) != '/')
        return -1;
    buf[len] = 0;
    for (int k = 0; k < N_KEYS; k++) {
        if (strcmp(KEYS[k].text, buf) == 0) {
            *end = j;
            return k;
        }
    }
    return -1;
}

/* dict.get that treats a missing key as None; borrowed */
static PyObject *
get(PyObject *d, PyObject *k)
{
    PyObject *v = PyDict_GetItemWithError(d, k);
    return v ? v : Py_None;
}

static PyObject *
or_(PyObject *a, PyObject *b)
{
    return truthy_str(a) ? a : b;
}

/* Fill `f` from a slash-dialect :86: (`text` already known to start with a key); 0 ok, -1 error. */
static int
slash_facts(PyObject *text, int credit, Facts *f)
{
    PyObject *joined, *names = NULL, *value = NULL, *piece = NULL, *tmp;
    Py_ssize_t n, i, prev_end = -1;
    int kind, prev_key = -1, context = -1, rc = -1;
    const void *data;

    f->fields = PyDict_New();
    names = PyDict_New();
    if (f->fields == NULL || names == NULL)
        goto done;
    joined = PyUnicode_FindChar(text, '\n', 0, PyUnicode_GET_LENGTH(text), 1) == -1
        ? Py_NewRef(text) : PyUnicode_Replace(text, S_NL, EMPTY_STR, -1);
    if (joined == NULL)
        goto done;
    n = PyUnicode_GET_LENGTH(joined);
    kind = PyUnicode_KIND(joined);
    data = PyUnicode_DATA(joined);

    /* re.split on /KEY/, scanning left to right; each key with the text up to the next one */
    for (i = 0; i <= n; i++) {
        Py_ssize_t end = 0;
        int k = -1;
        if (i < n) {
            if (PyUnicode_READ(kind, data, i) != '/')
                continue;
            k = key_at(kind, data, n, i, &end);
            if (k < 0)
                continue;
        }
        if (prev_key >= 0) {
            Key *key = &KEYS[prev_key];
            PyObject *name;
            piece = PyUnicode_Substring(joined, prev_end + 1, i);
            if (piece == NULL)
                goto fail_joined;
            value = ustrip(piece);
            Py_CLEAR(piece);
            if (value == NULL)
                goto fail_joined;
            if (key->flags & F_PARTY) {
                context = CTX_INDEX[prev_key];
                if (PyUnicode_GET_LENGTH(value) && PyDict_SetItem(f->fields, key->str, value) < 0)
                    goto fail_joined;
            } else {
                PyObject *old;
                if (key->flags & F_ENDS)
                    context = -1;
                name = (context >= 0 && (key->flags & F_IN)) ? key->in_ctx[context] : key->str;
                old = PyDict_GetItemWithError(f->fields, name);
                if (old == NULL && PyErr_Occurred())
                    goto fail_joined;
                if (old != NULL) {
                    PyObject *a = PyUnicode_Concat(old, S_SPACE), *b;
                    if (a == NULL)
                        goto fail_joined;
                    b = PyUnicode_Concat(a, value);
                    Py_DECREF(a);
                    if (b == NULL)
                        goto fail_joined;
                    tmp = ustrip(b);
                    Py_DECREF(b);
                } else {
                    tmp = urstrip_slash_strip(value);
                }
                if (tmp == NULL || PyDict_SetItem(f->fields, name, tmp) < 0) {
                    Py_XDECREF(tmp);
                    goto fail_joined;
                }
                Py_DECREF(tmp);
                if (prev_key == K_NAME_I) {
                    PyObject *who = context >= 0 ? KEYS[9 + context].str : Py_None;
                    tmp = urstrip_slash_strip(value);
                    if (tmp == NULL || PyDict_SetItem(names, who, tmp) < 0) {
                        Py_XDECREF(tmp);
                        goto fail_joined;
                    }
                    Py_DECREF(tmp);
                }
            }
            Py_CLEAR(value);
        }
        if (i == n)
            break;
        prev_key = k;
        prev_end = end;
        i = end; /* the loop's i++ resumes after the closing slash */
    }
    Py_DECREF(joined);

    {
        PyObject *fd = f->fields, *iban, *bic, *remi, *rtrn, *cntp;
        f->bank_code = Py_NewRef(Py_None);
        f->end_to_end_id = not_provided(get(fd, S_EREF));
        if (f->end_to_end_id == NULL)
            goto done;
        f->mandate_id = not_provided(or_(get(fd, S_MARF), get(fd, S_MREF)));
        if (f->mandate_id == NULL)
            goto done;
        /* names.get(None) or names.get(preferred) or next(iter(names.values()), None) or None */
        tmp = or_(get(names, Py_None), get(names, S_PREF_CTX[credit]));
        if (!truthy_str(tmp)) {
            Py_ssize_t pos = 0;
            PyObject *k, *v;
            tmp = PyDict_Next(names, &pos, &k, &v) ? v : Py_None;
        }
        f->name = truthy_str(tmp) ? tmp : Py_None;
        Py_INCREF(f->name);
        iban = or_(get(fd, S_IBAN), get(fd, S_PREF_IBAN[credit]));
        bic = or_(get(fd, S_BIC), get(fd, S_PREF_BIC[credit]));
        Py_INCREF(iban);
        Py_INCREF(bic);
        cntp = PyDict_GetItemWithError(fd, S_CNTP);
        if (cntp != NULL) { /* ING: /CNTP/iban/bic/name/city/ */
            PyObject *parts = PyUnicode_Split(cntp, S_SLASH, -1);
            Py_ssize_t np;
            if (parts == NULL) {
                Py_DECREF(iban);
                Py_DECREF(bic);
                goto done;
            }
            np = PyList_GET_SIZE(parts);
            if (!truthy_str(iban)) {
                PyObject *p0 = PyList_GET_ITEM(parts, 0);
                Py_SETREF(iban, truthy_str(p0) ? Py_NewRef(p0) : Py_NewRef(Py_None));
            }
            if (!truthy_str(bic)) {
                PyObject *p1 = np > 1 ? PyList_GET_ITEM(parts, 1) : Py_None;
                Py_SETREF(bic, truthy_str(p1) ? Py_NewRef(p1) : Py_NewRef(Py_None));
            }
            if (np > 2 && truthy_str(PyList_GET_ITEM(parts, 2)) && !truthy_str(f->name))
                Py_SETREF(f->name, Py_NewRef(PyList_GET_ITEM(parts, 2)));
            Py_DECREF(parts);
        } else if (PyErr_Occurred()) {
            Py_DECREF(iban);
            Py_DECREF(bic);
            goto done;
        }
        f->account = truthy_str(iban) ? iban : Py_NewRef(Py_None);
        if (!truthy_str(iban))
            Py_DECREF(iban);
        f->bic = truthy_str(bic) ? bic : Py_NewRef(Py_None);
        if (!truthy_str(bic))
            Py_DECREF(bic);

        f->remittance = PyList_New(0);
        if (f->remittance == NULL)
            goto done;
        remi = get(fd, S_REMI);
        if (truthy_str(remi)) {
            PyObject *sub = PyUnicode_Split(remi, S_SLASH, -1);
            Py_ssize_t ns;
            if (sub == NULL)
                goto done;
            ns = PyList_GET_SIZE(sub);
            if (PyUnicode_CompareWithASCIIString(PyList_GET_ITEM(sub, 0), "STRD") == 0 && ns >= 3) {
                PyObject *cr = PyList_GET_ITEM(sub, 2);
                f->creditor_reference = Py_NewRef(truthy_str(cr) ? cr : Py_None);
                for (Py_ssize_t j = 3; j < ns; j++)
                    if (truthy_str(PyList_GET_ITEM(sub, j)) && PyList_Append(f->remittance, PyList_GET_ITEM(sub, j)) < 0) {
                        Py_DECREF(sub);
                        goto done;
                    }
            } else if (PyUnicode_CompareWithASCIIString(PyList_GET_ITEM(sub, 0), "USTD") == 0) {
                PyObject *kept = PyList_New(0), *j1, *j2;
                if (kept == NULL) {
                    Py_DECREF(sub);
                    goto done;
                }
                for (Py_ssize_t j = 1; j < ns; j++)
                    if (truthy_str(PyList_GET_ITEM(sub, j)) && PyList_Append(kept, PyList_GET_ITEM(sub, j)) < 0) {
                        Py_DECREF(kept);
                        Py_DECREF(sub);
                        goto done;
                    }
                if (PyList_GET_SIZE(kept) > 0) { /* any(sub[1:]) */
                    j1 = PyUnicode_Join(S_SLASH, kept);
                    j2 = j1 ? ustrip(j1) : NULL;
                    Py_XDECREF(j1);
                    if (j2 == NULL || PyList_Append(f->remittance, j2) < 0) {
                        Py_XDECREF(j2);
                        Py_DECREF(kept);
                        Py_DECREF(sub);
                        goto done;
                    }
                    Py_DECREF(j2);
                }
                Py_DECREF(kept);
            } else {
                /* remi.strip("/") */
                Py_ssize_t a = 0, b = PyUnicode_GET_LENGTH(remi);
                int rk = PyUnicode_KIND(remi);
                const void *rd = PyUnicode_DATA(remi);
                PyObject *r;
                while (a < b && PyUnicode_READ(rk, rd, a) == '/')
                    a++;
                while (b > a && PyUnicode_READ(rk, rd, b - 1) == '/')
                    b--;
                r = PyUnicode_Substring(remi, a, b);
                if (r == NULL || PyList_Append(f->remittance, r) < 0) {
                    Py_XDECREF(r);
                    Py_DECREF(sub);
                    goto done;
                }
                Py_DECREF(r);
            }
            Py_DECREF(sub);
        }
        if (f->creditor_reference == NULL)
            f->creditor_reference = Py_NewRef(Py_None);

        f->return_info = PyList_New(0);
        if (f->return_info == NULL)
            goto done;
        rtrn = get(fd, S_RTRN);
        f->return_code = Py_NewRef(Py_None);
        f->return_proprietary = Py_NewRef(Py_None);
        if (truthy_str(rtrn)) {
            PyObject *parts = PyUnicode_Split(rtrn, S_SLASH, -1), *code;
            Py_ssize_t np, cl;
            int iso;
            if (parts == NULL)
                goto done;
            code = ustrip(PyList_GET_ITEM(parts, 0));
            if (code == NULL) {
                Py_DECREF(parts);
                goto done;
            }
            /* _ISO_REASON: [A-Z]{2}\d{2}\Z */
            cl = PyUnicode_GET_LENGTH(code);
            iso = cl == 4;
            for (Py_ssize_t j = 0; iso && j < 4; j++) {
                Py_UCS4 c = PyUnicode_READ_CHAR(code, j);
                iso = j < 2 ? (c >= 'A' && c <= 'Z') : Py_UNICODE_ISDECIMAL(c);
            }
            if (iso)
                Py_SETREF(f->return_code, Py_NewRef(code));
            else if (cl)
                Py_SETREF(f->return_proprietary, Py_NewRef(code));
            Py_DECREF(code);
            np = PyList_GET_SIZE(parts);
            for (Py_ssize_t j = 1; j < np; j++) {
                PyObject *s = PyList_GET_ITEM(parts, j), *st = ustrip(s);
                int keep;
                if (st == NULL) {
                    Py_DECREF(parts);
                    goto done;
                }
                keep = PyUnicode_GET_LENGTH(st) > 0;
                Py_DECREF(st);
                if (keep && PyList_Append(f->return_info, s) < 0) {
                    Py_DECREF(parts);
                    goto done;
                }
            }
            Py_DECREF(parts);
        }
    }
    rc = 0;
    goto done;
fail_joined:
    Py_DECREF(joined);
done:
    Py_XDECREF(piece);
    Py_XDECREF(value);
    Py_XDECREF(names);
    return rc;
}

/* --- the :86: German ?NN dialect (narrative._german and _sepa), for ASCII text ------------------ */

#define SUBFIELD_WIDTH 27 /* narrative._SUBFIELD_WIDTH */

static int
a_space(char c)
{
    /* str.isspace() and re's \s on ASCII */
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

static int
a_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* _GERMAN_START `\s*(\d{3})?\s*\?\d\d` matched at the start of s[0:n]: the end of the match (the
 * position after the two digits), or -1; *gvc = the position of the three digits, or -1. */
static Py_ssize_t
german_start(const char *s, Py_ssize_t n, Py_ssize_t *gvc)
{
    Py_ssize_t i = 0;
    *gvc = -1;
    while (i < n && a_space(s[i]))
        i++;
    if (i + 3 <= n && a_digit(s[i]) && a_digit(s[i + 1]) && a_digit(s[i + 2])) {
        *gvc = i;
        i += 3;
        while (i < n && a_space(s[i]))
            i++;
    }
    if (i + 3 <= n && s[i] == '?' && a_digit(s[i + 1]) && a_digit(s[i + 2]))
        return i + 3;
    *gvc = -1;
    return -1;
}

static PyObject *
a_str(const char *s, Py_ssize_t a, Py_ssize_t b)
{
    return PyUnicode_FromStringAndSize(s + a, b - a);
}

/* the ASCII strip of s[*a:*b] */
static void
a_strip(const char *s, Py_ssize_t *a, Py_ssize_t *b)
{
    while (*a < *b && a_space(s[*a]))
        (*a)++;
    while (*b > *a && a_space(s[*b - 1]))
        (*b)--;
}

static PyObject *
a_stripped(const char *s, Py_ssize_t a, Py_ssize_t b)
{
    a_strip(s, &a, &b);
    return a_str(s, a, b);
}

static int
icontains(const char *s, Py_ssize_t n, const char *word)
{
    size_t w = strlen(word);
    for (Py_ssize_t i = 0; i + (Py_ssize_t)w <= n; i++)
        if (strncasecmp(s + i, word, w) == 0)
            return 1;
    return 0;
}

/* SEPA keyword `(EREF|KREF|…|BIC)\+` at s[i]: its length, or 0 */
static int
sepa_keyword(const char *s, Py_ssize_t n, Py_ssize_t i)
{
    static const char *words[] = {"EREF", "KREF", "MREF", "CRED", "DEBT", "SVWZ", "ABWA", "ABWE", "COAM", "OAMT", "IBAN", "BIC"};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
        size_t w = strlen(words[k]);
        if (i + (Py_ssize_t)w < n && memcmp(s + i, words[k], w) == 0 && s[i + w] == '+')
            return (int)w;
    }
    return 0;
}

typedef struct {
    Py_ssize_t a, b; /* the subfield's text, already joined when repeated (in `buf`) */
} Span;

/* Fill `f` from a German :86: (ASCII `text`). 0 ok, 1 not on the fast path, -1 error. */
static int
german_facts(PyObject *text, Facts *f)
{
    const char *raw = (const char *)PyUnicode_1BYTE_DATA(text);
    Py_ssize_t rn = PyUnicode_GET_LENGTH(text), n = 0, gvc, start, i;
    char *s = NULL, *buf = NULL, *sepa = NULL;
    Span subs[100];
    int order[100], nsubs = 0, rc = -1;
    Py_ssize_t used = 0;
    PyObject *t = NULL;

    for (int k = 0; k < 100; k++)
        subs[k].a = -1;
    /* _unwrap: a line shorter than the export width ended on purpose (joined with a space) */
    s = PyMem_Malloc(2 * rn + 1);
    buf = PyMem_Malloc(2 * rn + 1);
    sepa = PyMem_Malloc(2 * rn + 16 * 2 + 1);
    if (s == NULL || buf == NULL || sepa == NULL) {
        PyErr_NoMemory();
        goto out;
    }
    {
        Py_ssize_t line_start = 0, prev_len = -1;
        for (i = 0; i <= rn; i++) {
            if (i == rn || raw[i] == '\n') {
                if (prev_len >= 0 && prev_len < SUBFIELD_WIDTH)
                    s[n++] = ' ';
                memcpy(s + n, raw + line_start, i - line_start);
                n += i - line_start;
                prev_len = i - line_start;
                line_start = i + 1;
            }
        }
    }
    start = german_start(s, n, &gvc);
    if (start < 0) {
        rc = 1; /* the raw text matched, the unwrapped one does not: the reference decides */
        goto out;
    }
    /* _GERMAN_SPLIT `\?(\d\d)` from the first subfield on; a repeated key's values are joined */
    {
        Py_ssize_t vstart = -1, nseg = 0;
        Py_ssize_t (*seg)[3] = PyMem_Malloc(sizeof(Py_ssize_t[3]) * (n / 3 + 2));
        int key = -1;
        if (seg == NULL) {
            PyErr_NoMemory();
            goto out;
        }
        for (i = start - 3; i <= n; i++) {
            int hit = i + 3 <= n && s[i] == '?' && a_digit(s[i + 1]) && a_digit(s[i + 2]);
            if (!hit && i < n)
                continue;
            if (key >= 0) {
                seg[nseg][0] = key;
                seg[nseg][1] = vstart;
                seg[nseg][2] = i;
                nseg++;
                if (subs[key].a == -1) {
                    subs[key].a = -2; /* seen */
                    order[nsubs++] = key;
                }
            }
            if (i >= n)
                break;
            key = (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
            vstart = i + 3;
            i += 2;
        }
        for (int k = 0; k < nsubs; k++) {
            subs[order[k]].a = used;
            for (Py_ssize_t j = 0; j < nseg; j++) {
                if (seg[j][0] != order[k])
                    continue;
                memcpy(buf + used, s + seg[j][1], seg[j][2] - seg[j][1]);
                used += seg[j][2] - seg[j][1];
            }
            subs[order[k]].b = used;
        }
        PyMem_Free(seg);
    }
    f->fields = PyDict_New();
    f->remittance = PyList_New(0);
    f->return_info = PyList_New(0);
    if (f->fields == NULL || f->remittance == NULL || f->return_info == NULL)
        goto out;
    if (gvc >= 0) {
        t = a_str(s, gvc, gvc + 3);
        if (t == NULL || PyDict_SetItemString(f->fields, "GVC", t) < 0)
            goto out;
        Py_CLEAR(t);
    }
    for (int k = 0; k < nsubs; k++) {
        char key[4] = {'?', (char)('0' + order[k] / 10), (char)('0' + order[k] % 10), 0};
        t = a_stripped(buf, subs[order[k]].a, subs[order[k]].b);
        if (t == NULL || PyDict_SetItemString(f->fields, key, t) < 0)
            goto out;
        Py_CLEAR(t);
    }
    f->end_to_end_id = Py_NewRef(Py_None);
    f->mandate_id = Py_NewRef(Py_None);
    f->account = Py_NewRef(Py_None);
    f->bic = Py_NewRef(Py_None);
    f->bank_code = Py_NewRef(Py_None);
    f->creditor_reference = Py_NewRef(Py_None);
    f->return_code = Py_NewRef(Py_None);
    f->return_proprietary = Py_NewRef(Py_None);

    /* _sepa over the remittance subfields ?20-?29, ?60-?63 (a short one ends with \0) */
    {
        static const int rkeys[] = {20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 60, 61, 62, 63};
        Py_ssize_t m = 0, kw[64][3];
        int nkw = 0, nparts = 0;
        PyObject *values = NULL;
        for (size_t r = 0; r < sizeof rkeys / sizeof rkeys[0]; r++) {
            Span sp = subs[rkeys[r]];
            if (sp.a < 0)
                continue;
            nparts++;
            memcpy(sepa + m, buf + sp.a, sp.b - sp.a);
            m += sp.b - sp.a;
            if (sp.b - sp.a < SUBFIELD_WIDTH)
                sepa[m++] = 0;
        }
        for (i = 0; i < m; i++) {
            int w = sepa_keyword(sepa, m, i);
            if (w) {
                if (nkw == 64) {
                    rc = 1;
                    goto out;
                }
                kw[nkw][0] = i;
                kw[nkw][1] = w;
                nkw++;
                i += w; /* the '+' */
            }
        }
        if (nkw == 0) {
            /* facts.remittance = [p.strip() for p in parts if p.strip()] */
            for (size_t r = 0; r < sizeof rkeys / sizeof rkeys[0]; r++) {
                Span sp = subs[rkeys[r]];
                Py_ssize_t a = sp.a, b = sp.b;
                if (a < 0)
                    continue;
                a_strip(buf, &a, &b);
                if (a < b) {
                    t = a_str(buf, a, b);
                    if (t == NULL || PyList_Append(f->remittance, t) < 0)
                        goto out;
                    Py_CLEAR(t);
                }
            }
        } else {
            PyObject *free_ = PyList_New(0), *v;
            values = PyDict_New();
            if (free_ == NULL || values == NULL) {
                Py_XDECREF(free_);
                Py_XDECREF(values);
                goto out;
            }
            /* text before the first keyword is free text; after each keyword its first \0-piece is its
             * value and the other pieces are free text */
            for (int k = -1; k < nkw; k++) {
                Py_ssize_t a = k < 0 ? 0 : kw[k][0] + kw[k][1] + 1, b = k + 1 < nkw ? kw[k + 1][0] : m;
                Py_ssize_t p0 = a, first_end = a;
                if (k >= 0) {
                    PyObject *key = PyUnicode_FromStringAndSize(sepa + kw[k][0], kw[k][1]), *prev, *joined, *st;
                    if (key == NULL)
                        goto sepa_fail;
                    PyUnicode_InternInPlace(&key);
                    while (first_end < b && sepa[first_end] != 0)
                        first_end++;
                    prev = PyDict_GetItemWithError(values, key);
                    if (prev == NULL && PyErr_Occurred()) {
                        Py_DECREF(key);
                        goto sepa_fail;
                    }
                    v = a_str(sepa, a, first_end);
                    joined = v && prev ? PyUnicode_Concat(prev, v) : Py_XNewRef(v);
                    Py_XDECREF(v);
                    st = joined ? ustrip(joined) : NULL;
                    Py_XDECREF(joined);
                    if (st == NULL || PyDict_SetItem(values, key, st) < 0 || PyDict_SetItem(f->fields, key, st) < 0) {
                        Py_XDECREF(st);
                        Py_DECREF(key);
                        goto sepa_fail;
                    }
                    Py_DECREF(st);
                    Py_DECREF(key);
                    if (first_end >= b)
                        continue; /* no rest pieces */
                    p0 = first_end + 1;
                }
                for (;;) { /* the \0-pieces of [p0, b) */
                    Py_ssize_t e = p0, x, y;
                    while (e < b && sepa[e] != 0)
                        e++;
                    x = p0;
                    y = e;
                    a_strip(sepa, &x, &y);
                    if (x < y) {
                        v = a_str(sepa, x, y);
                        if (v == NULL || PyList_Append(free_, v) < 0) {
                            Py_XDECREF(v);
                            goto sepa_fail;
                        }
                        Py_DECREF(v);
                    }
                    if (e >= b)
                        break;
                    p0 = e + 1;
                }
            }
            Py_SETREF(f->end_to_end_id, not_provided(get(values, S_EREF)));
            Py_SETREF(f->mandate_id, f->end_to_end_id ? not_provided(get(values, S_MREF)) : NULL);
            if (f->end_to_end_id == NULL || f->mandate_id == NULL)
                goto sepa_fail;
            v = get(values, S_SVWZ);
            if (truthy_str(v)) {
                if (PyList_Append(f->remittance, v) < 0)
                    goto sepa_fail;
            } else {
                Py_SETREF(f->remittance, Py_NewRef(free_));
            }
            v = get(values, S_IBAN);
            if (truthy_str(v))
                Py_SETREF(f->account, Py_NewRef(v));
            v = get(values, S_BIC);
            if (truthy_str(v))
                Py_SETREF(f->bic, Py_NewRef(v));
            Py_DECREF(free_);
            Py_CLEAR(values);
            goto sepa_done;
        sepa_fail:
            Py_DECREF(free_);
            Py_XDECREF(values);
            goto out;
        }
    sepa_done:;
    }
    /* ?30 bank (BIC or bank code), ?31 account, ?38 IBAN, ?32/?33 name, returns */
    {
        Span bank = subs[30];
        if (bank.a >= 0) {
            Py_ssize_t a = bank.a, b = bank.b, len;
            int bic = 1;
            a_strip(buf, &a, &b);
            len = b - a;
            if (len > 0) {
                /* values.looks_like_bic: [A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})? */
                bic = len == 8 || len == 11;
                for (Py_ssize_t k = 0; bic && k < len; k++) {
                    char c = buf[a + k];
                    bic = k < 6 ? (c >= 'A' && c <= 'Z') : ((c >= 'A' && c <= 'Z') || a_digit(c));
                }
                t = a_str(buf, a, b);
                if (t == NULL)
                    goto out;
                if (bic)
                    Py_SETREF(f->bic, t);
                else
                    Py_SETREF(f->bank_code, t);
                t = NULL;
            }
        }
    }
    {
        Span acct = subs[31], iban = subs[38];
        char *tmp = PyMem_Malloc(used + 1); /* a subfield is at most everything in buf */
        Py_ssize_t k = 0;
        PyObject *account = Py_NewRef(Py_None);
        if (tmp == NULL) {
            Py_DECREF(account);
            PyErr_NoMemory();
            goto out;
        }
        if (acct.a >= 0) {
            for (Py_ssize_t j = acct.a; j < acct.b; j++)
                if (buf[j] != ' ')
                    tmp[k++] = buf[j];
            if (k)
                Py_SETREF(account, PyUnicode_FromStringAndSize(tmp, k));
        }
        if (account != NULL && iban.a >= 0) {
            Py_ssize_t a = iban.a, b = iban.b;
            a_strip(buf, &a, &b);
            if (a < b) {
                PyObject *cand, *ok;
                k = 0;
                for (Py_ssize_t j = a; j < b; j++)
                    if (buf[j] != ' ')
                        tmp[k++] = buf[j];
                cand = PyUnicode_FromStringAndSize(tmp, k);
                ok = cand ? PyObject_CallOneArg(IS_IBAN, cand) : NULL;
                if (ok == NULL) {
                    Py_XDECREF(cand);
                    Py_CLEAR(account);
                } else {
                    if (PyObject_IsTrue(ok))
                        Py_SETREF(account, Py_NewRef(cand));
                    Py_DECREF(ok);
                    Py_DECREF(cand);
                }
            }
        }
        PyMem_Free(tmp);
        if (account == NULL)
            goto out;
        Py_SETREF(f->account, account);
    }
    {
        /* name = (?32 + ("" if len(?32) >= 27 else " ") + ?33).strip(), runs of whitespace → " " */
        Span a32 = subs[32], a33 = subs[33];
        Py_ssize_t l32 = a32.a >= 0 ? a32.b - a32.a : 0, l33 = a33.a >= 0 ? a33.b - a33.a : 0, a, b, k = 0;
        char *nm = PyMem_Malloc(l32 + l33 + 2), *out2 = PyMem_Malloc(l32 + l33 + 2);
        if (nm == NULL || out2 == NULL) {
            PyMem_Free(nm);
            PyMem_Free(out2);
            PyErr_NoMemory();
            goto out;
        }
        if (l32)
            memcpy(nm, buf + a32.a, l32);
        b = l32;
        if (l32 < SUBFIELD_WIDTH)
            nm[b++] = ' ';
        if (l33)
            memcpy(nm + b, buf + a33.a, l33);
        b += l33;
        a = 0;
        a_strip(nm, &a, &b);
        for (Py_ssize_t j = a; j < b; j++) {
            if (a_space(nm[j]) && j + 1 < b && a_space(nm[j + 1])) {
                while (j + 1 < b && a_space(nm[j + 1]))
                    j++;
                out2[k++] = ' ';
            } else {
                out2[k++] = nm[j];
            }
        }
        f->name = k ? PyUnicode_FromStringAndSize(out2, k) : Py_NewRef(Py_None);
        PyMem_Free(nm);
        PyMem_Free(out2);
        if (f->name == NULL)
            goto out;
    }
    {
        Span posting = subs[0];
        int is_return = 0;
        if (gvc >= 0) {
            static const char *gvcs[] = {"108", "109", "159", "169"};
            for (int k = 0; k < 4; k++)
                is_return |= memcmp(s + gvc, gvcs[k], 3) == 0;
        }
        if (!is_return && posting.a >= 0)
            is_return = icontains(buf + posting.a, posting.b - posting.a, "RETOURE")
                || icontains(buf + posting.a, posting.b - posting.a, "RUECK");
        if (is_return) {
            Span c34 = subs[34];
            Py_ssize_t a = c34.a, b = c34.b;
            if (a >= 0)
                a_strip(buf, &a, &b);
            if (a >= 0 && a < b)
                t = a_str(buf, a, b);
            else if (posting.a >= 0 && (a = posting.a, b = posting.b, a_strip(buf, &a, &b), a < b))
                t = a_str(buf, a, b);
            else
                t = Py_NewRef(Py_None);
            if (t == NULL)
                goto out;
            Py_SETREF(f->return_proprietary, t);
            t = NULL;
        }
    }
    rc = 0;
out:
    Py_XDECREF(t);
    PyMem_Free(s);
    PyMem_Free(buf);
    PyMem_Free(sepa);
    return rc;
}

/* Where a :86: goes: 1 slash dialect, 2 German ?NN (ASCII), 0 free text, -1 not on the fast path. */
static int
narrative_dialect(PyObject *text)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0, end, gvc;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_UCS4 head;
    while (i < n && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)))
        i++;
    if (i == n)
        return 0;
    head = PyUnicode_READ(kind, data, i);
    if (head == '?' || Py_UNICODE_ISDIGIT(head)) {
        if (!PyUnicode_IS_ASCII(text))
            return -1;
        return german_start((const char *)PyUnicode_1BYTE_DATA(text), n, &gvc) >= 0 ? 2 : 0;
    }
    if (head == '/' && key_at(kind, data, n, i, &end) >= 0)
        return 1;
    return 0;
}

/* --- the statement line ------------------------------------------------------------------ */

/* mt9xx._ref on an ASCII slice: None for blank or NONREF (any case); new reference */
static PyObject *
ref_of(const char *s, Py_ssize_t a, Py_ssize_t b)
{
    a_strip(s, &a, &b);
    if (b == a || (b - a == 6 && strncasecmp(s + a, "NONREF", 6) == 0))
        Py_RETURN_NONE;
    return PyUnicode_FromStringAndSize(s + a, b - a);
}

static PyObject *
statement_line(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *value, *text86, *currency, *units_o, *file, *msg_index, *line;
    const char *s;
    Py_ssize_t n, p, q, nl, amount_start, amount_len, type_start, comma = -1;
    int vy, vm, vd, has_entry_date = 0, reversal, credit, dialect = 0;
    int by = 0, bm = 0, bd = 0;
    long units = -1;
    char mark;
    PyObject *amount = NULL, *value_date = NULL, *booking_date = NULL, *refs = NULL, *prov = NULL, *btc = NULL;
    PyObject *counterparty = NULL, *remittance = NULL, *return_reason = NULL, *narrative = NULL;
    PyObject *supp = NULL, *asr = NULL, *aor = NULL, *e2e = Py_None, *mandate = Py_None, *result = NULL;
    PyObject *charges = NULL, *details = NULL, *proprietary = NULL, *type = NULL;
    Facts facts = {0};

    if (nargs != 7) {
        PyErr_SetString(PyExc_TypeError, "statement_line() takes 7 arguments");
        return NULL;
    }
    if (!configured) {
        PyErr_SetString(PyExc_RuntimeError, "breakdesk.parsers.swift._speedups is not configured");
        return NULL;
    }
    value = args[0]; text86 = args[1]; currency = args[2]; units_o = args[3];
    file = args[4]; msg_index = args[5]; line = args[6];
    if (!PyUnicode_Check(value) || !PyUnicode_IS_ASCII(value) || (text86 != Py_None && !PyUnicode_Check(text86)))
        Py_RETURN_NONE;
    if (units_o != Py_None) {
        units = PyLong_AsLong(units_o);
        if (units == -1 && PyErr_Occurred())
            return NULL;
    }
    s = (const char *)PyUnicode_1BYTE_DATA(value);
    n = PyUnicode_GET_LENGTH(value);

    /* value date, entry date (the default processors would rewrite a blank or time-like one) */
    if (n < 6 || !digits(s, 6))
        Py_RETURN_NONE;
    p = 6;
    if (n >= 10 && digits(s + 6, 4)) {
        int mm = two(s + 6), dd = two(s + 8);
        if (!(mm >= 1 && mm <= 12 && dd >= 1 && dd <= 31))
            Py_RETURN_NONE; /* processors.time_in_entry_date */
        has_entry_date = 1;
        p = 10;
    } else if (n >= 10 && memcmp(s + 6, "    ", 4) == 0) {
        Py_RETURN_NONE; /* processors.blank_entry_date */
    }
    /* mark R?[CD], funds code [A-Z]? */
    if (p + 1 < n && s[p] == 'R' && (s[p + 1] == 'C' || s[p + 1] == 'D')) {
        reversal = 1;
        mark = s[p + 1];
        p += 2;
    } else if (p < n && (s[p] == 'C' || s[p] == 'D')) {
        reversal = 0;
        mark = s[p];
        p += 1;
    } else {
        Py_RETURN_NONE;
    }
    credit = mark == 'C';
    if (p < n && s[p] >= 'A' && s[p] <= 'Z')
        p++;
    /* amount \d[0-9,]{0,19}, which values.amount reads as \d{1,15}(,\d*)? */
    amount_start = p;
    while (p < n && ((s[p] >= '0' && s[p] <= '9') || s[p] == ',')) {
        if (s[p] == ',') {
            if (comma >= 0)
                Py_RETURN_NONE;
            comma = p;
        }
        p++;
    }
    amount_len = p - amount_start;
    if (amount_len < 1 || amount_len > 20 || s[amount_start] == ',')
        Py_RETURN_NONE;
    if (comma < 0 || comma - amount_start > 15)
        Py_RETURN_NONE; /* no decimal comma: the reference refuses it (values.amount) */
    /* type [A-Z][A-Z0-9 ]{3} */
    if (p + 4 > n || !(s[p] >= 'A' && s[p] <= 'Z'))
        Py_RETURN_NONE;
    for (int i = 1; i < 4; i++) {
        char c = s[p + i];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' '))
            Py_RETURN_NONE;
    }
    type_start = p;
    p += 4;
    /* customer reference to '//' or the end of the first line; bank reference to the line's end */
    q = p;
    while (q < n && s[q] != '\n' && !(s[q] == '/' && q + 1 < n && s[q + 1] == '/'))
        q++;
    for (Py_ssize_t i = p; i + 1 < q; i++)
        if (s[i] == ' ' && s[i + 1] == ' ')
            Py_RETURN_NONE; /* processors.rabobank_counterparty may split it */
    nl = q;
    while (nl < n && s[nl] != '\n')
        nl++;

    /* dates */
    vy = two(s);
    vy += vy >= 80 ? 1900 : 2000;
    vm = two(s + 2);
    vd = two(s + 4);
    if (!valid_date(vy, vm, vd))
        Py_RETURN_NONE;
    if (has_entry_date) {
        int mm = two(s + 6), dd = two(s + 8), found = 0;
        long anchor = ordinal(vy, vm, vd), best = 0;
        int years[3] = {vy, vy - 1, vy + 1};
        for (int i = 0; i < 3; i++) {
            long diff;
            if (!valid_date(years[i], mm, dd))
                continue;
            diff = labs(ordinal(years[i], mm, dd) - anchor);
            if (!found || diff < best) {
                found = 1;
                best = diff;
                by = years[i];
            }
        }
        if (!found)
            Py_RETURN_NONE; /* impossible entry date: the reference reports it */
        bm = mm;
        bd = dd;
    }
    /* amount: padded to the currency's minor units; more decimals is the reference's error */
    {
        Py_ssize_t whole_end = comma >= 0 ? comma : type_start;
        Py_ssize_t frac_len = comma >= 0 ? type_start - comma - 1 : 0;
        char buf[64];
        Py_ssize_t w = whole_end - amount_start, k = 0;
        PyObject *text;
        if ((units >= 0 && frac_len > units) || units > 20)
            Py_RETURN_NONE;
        memcpy(buf, s + amount_start, w);
        k = w;
        if (frac_len > 0 || units > 0) {
            Py_ssize_t width = units >= 0 ? units : frac_len;
            buf[k++] = '.';
            memcpy(buf + k, s + comma + 1, frac_len);
            k += frac_len;
            while (k - w - 1 < width)
                buf[k++] = '0';
        }
        text = PyUnicode_FromStringAndSize(buf, k);
        if (text == NULL)
            return NULL;
        amount = PyObject_CallOneArg(DECIMAL, text);
        Py_DECREF(text);
        if (amount == NULL)
            return NULL;
    }

    if (text86 != Py_None) {
        dialect = narrative_dialect(text86);
        if (dialect < 0) {
            Py_DECREF(amount);
            Py_RETURN_NONE;
        }
    }

    value_date = PyDate_FromDate(vy, vm, vd);
    if (value_date == NULL)
        goto done;
    if (has_entry_date) {
        booking_date = PyDate_FromDate(by, bm, bd);
        if (booking_date == NULL)
            goto done;
    } else {
        booking_date = Py_NewRef(Py_None);
    }
    asr = q < n && s[q] == '/' ? ref_of(s, q + 2, nl) : Py_NewRef(Py_None);
    aor = asr ? ref_of(s, p, q) : NULL;
    if (aor == NULL)
        goto done;
    if (nl < n) {
        Py_ssize_t a = nl + 1, b = n;
        a_strip(s, &a, &b);
        /* `supplementary.strip() if supplementary else None` */
        supp = a < b || nl + 1 < n ? PyUnicode_FromStringAndSize(s + a, b - a) : Py_NewRef(Py_None);
        if (supp == NULL)
            goto done;
    } else {
        supp = Py_NewRef(Py_None);
    }
    {
        Py_ssize_t b = 4;
        while (b > 0 && s[type_start + b - 1] == ' ')
            b--;
        type = PyUnicode_FromStringAndSize(s + type_start, b);
        if (type == NULL)
            goto done;
    }

    counterparty = Py_NewRef(Py_None);
    return_reason = Py_NewRef(Py_None);
    if (dialect == 2) {
        int r = german_facts(text86, &facts);
        if (r < 0)
            goto done;
        if (r > 0) { /* the reference reader decides */
            result = Py_NewRef(Py_None);
            goto done;
        }
    } else if (dialect == 1 && slash_facts(text86, credit, &facts) < 0) {
        goto done;
    }
    if (dialect > 0) {
        narrative = Py_NewRef(facts.fields);
        if (truthy_str(facts.end_to_end_id))
            e2e = facts.end_to_end_id;
        if (truthy_str(facts.mandate_id))
            mandate = facts.mandate_id;
        if (truthy_str(facts.name) || truthy_str(facts.account) || truthy_str(facts.bic) || truthy_str(facts.bank_code)) {
            PyObject *scheme = Py_None, *agent = Py_None, *idents = PyList_New(0), *account = Py_None;
            if (idents == NULL)
                goto done;
            Py_INCREF(scheme);
            Py_INCREF(agent);
            if (truthy_str(facts.account)) {
                account = facts.account;
                Py_SETREF(scheme, PyObject_CallOneArg(ACCOUNT_SCHEME, account));
            }
            if (scheme != NULL && (truthy_str(facts.bic) || truthy_str(facts.bank_code))) {
                PyObject *kv[] = {K_bic, facts.bic, K_clearing_system_member_id, facts.bank_code, NULL};
                Py_SETREF(agent, construct(&M_AGENT, kv));
            }
            if (scheme == NULL || agent == NULL) {
                Py_XDECREF(scheme);
                Py_XDECREF(agent);
                Py_DECREF(idents);
                goto done;
            }
            {
                PyObject *kv[] = {
                    K_name, facts.name, K_address, Py_None, K_account, account, K_account_scheme, scheme,
                    K_account_currency, Py_None, K_agent, agent, K_identifiers, idents,
                    K_country_of_residence, Py_None, K_provenance, Py_None, NULL,
                };
                Py_SETREF(counterparty, exact_kv(&M_PARTY, kv));
            }
            Py_DECREF(scheme);
            Py_DECREF(agent);
            Py_DECREF(idents);
            if (counterparty == NULL)
                goto done;
        }
        if (PyList_GET_SIZE(facts.remittance) > 0 || truthy_str(facts.creditor_reference)) {
            PyObject *structured = PyList_New(0), *unstructured = PyList_GetSlice(facts.remittance, 0, PY_SSIZE_T_MAX);
            if (structured == NULL || unstructured == NULL) {
                Py_XDECREF(structured);
                Py_XDECREF(unstructured);
                goto done;
            }
            if (truthy_str(facts.creditor_reference)) {
                PyObject *kv[] = {K_creditor_reference, facts.creditor_reference, K_creditor_reference_type, S_SCOR, NULL};
                PyObject *sr = construct(&M_STRUCTURED, kv);
                if (sr == NULL || PyList_Append(structured, sr) < 0) {
                    Py_XDECREF(sr);
                    Py_DECREF(structured);
                    Py_DECREF(unstructured);
                    goto done;
                }
                Py_DECREF(sr);
            }
            {
                PyObject *kv[] = {K_unstructured, unstructured, K_structured, structured, NULL};
                remittance = exact_kv(&M_REMIT, kv);
            }
            Py_DECREF(structured);
            Py_DECREF(unstructured);
            if (remittance == NULL)
                goto done;
        }
        if (truthy_str(facts.return_code) || truthy_str(facts.return_proprietary)) {
            PyObject *kv[] = {K_code, facts.return_code, K_proprietary, facts.return_proprietary,
                              K_additional_info, facts.return_info, NULL};
            Py_SETREF(return_reason, construct(&M_REASON, kv));
            if (return_reason == NULL)
                goto done;
        }
    }
    if (narrative == NULL && (narrative = PyDict_New()) == NULL)
        goto done;
    if (remittance == NULL) {
        PyObject *u = PyList_New(0), *st = PyList_New(0);
        PyObject *kv[] = {K_unstructured, u, K_structured, st, NULL};
        remittance = u && st ? exact_kv(&M_REMIT, kv) : NULL;
        Py_XDECREF(u);
        Py_XDECREF(st);
        if (remittance == NULL)
            goto done;
    }
    proprietary = PyList_New(0);
    charges = PyList_New(0);
    details = PyList_New(0);
    if (proprietary == NULL || charges == NULL || details == NULL)
        goto done;
    {
        PyObject *kv[] = {
            K_account_servicer_reference, asr, K_account_owner_reference, aor, K_message_id, Py_None,
            K_payment_info_id, Py_None, K_instruction_id, Py_None, K_end_to_end_id, e2e,
            K_transaction_id, Py_None, K_uetr, Py_None, K_mandate_id, mandate, K_cheque_number, Py_None,
            K_clearing_system_reference, Py_None, K_proprietary, proprietary, NULL,
        };
        refs = exact_kv(&M_REFS, kv);
        if (refs == NULL)
            goto done;
    }
    {
        PyObject *kv[] = {K_file, file, K_message_index, msg_index, K_line, line, K_xpath, Py_None, NULL};
        prov = exact_kv(&M_PROV, kv);
        if (prov == NULL)
            goto done;
    }
    {
        PyObject *kv[] = {
            K_domain, Py_None, K_family, Py_None, K_sub_family, Py_None, K_proprietary_code, type,
            K_proprietary_issuer, S_SWIFT, NULL,
        };
        btc = exact_kv(&M_BTC, kv);
        if (btc == NULL)
            goto done;
    }
    {
        PyObject *kv[] = {
            K_provenance, prov, K_entry_reference, Py_None, K_amount, amount, K_currency, currency,
            K_credit_debit, credit ? S_CRDT : S_DBIT, K_reversal, reversal ? Py_True : Py_False,
            K_status, S_BOOK, K_booking_date, booking_date, K_value_date, value_date,
            K_bank_transaction_code, btc, K_references, refs, K_counterparty, counterparty,
            K_remittance, remittance, K_return_reason, return_reason, K_charges, charges,
            K_additional_info, text86, K_narrative_fields, narrative, K_supplementary_details, supp,
            K_batch_count, Py_None, K_details, details, NULL,
        };
        result = exact_kv(&M_ENTRY, kv);
    }

done:
    facts_clear(&facts);
    Py_XDECREF(amount);
    Py_XDECREF(value_date);
    Py_XDECREF(booking_date);
    Py_XDECREF(asr);
    Py_XDECREF(aor);
    Py_XDECREF(supp);
    Py_XDECREF(type);
    Py_XDECREF(counterparty);
    Py_XDECREF(return_reason);
    Py_XDECREF(remittance);
    Py_XDECREF(narrative);
    Py_XDECREF(proprietary);
    Py_XDECREF(charges);
    Py_XDECREF(details);
    Py_XDECREF(refs);
    Py_XDECREF(prov);
    Py_XDECREF(btc);
    return result;
}

/* --- runs of statement lines -------------------------------------------------------------- */

static PyObject *S_tag, *S_value, *S_line, *S_61, *S_86, *S_NS;

static int
tag_is(PyObject *field, PyObject *tag, int *out)
{
    PyObject *t = PyObject_GetAttr(field, S_tag);
    if (t == NULL)
        return -1;
    *out = PyUnicode_Check(t) && PyUnicode_Compare(t, tag) == 0;
    Py_DECREF(t);
    if (*out == 0 && PyErr_Occurred())
        return -1;
    return 0;
}

static PyObject *
statement_lines(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    /* statement_lines(fields, start, currency, units, file, message_index, entries) -> next index
     *
     * Appends the Entry of each `:61:` (with the `:86:` right after it) from fields[start] on, and
     * returns the index of the first field it did not take: one that is not a statement line, or a
     * line `statement_line` leaves to the reference reader, or one followed by an `:NS:` block. */
    PyObject *fields, *entries, *sub[7];
    Py_ssize_t i, n;
    if (nargs != 7) {
        PyErr_SetString(PyExc_TypeError, "statement_lines() takes 7 arguments");
        return NULL;
    }
    fields = args[0];
    entries = args[6];
    if (!PyList_Check(fields) || !PyList_Check(entries)) {
        PyErr_SetString(PyExc_TypeError, "statement_lines(): fields and entries must be lists");
        return NULL;
    }
    i = PyLong_AsSsize_t(args[1]);
    if (i == -1 && PyErr_Occurred())
        return NULL;
    n = PyList_GET_SIZE(fields);
    sub[2] = args[2]; sub[3] = args[3]; sub[4] = args[4]; sub[5] = args[5];
    while (i < n) {
        PyObject *f = PyList_GET_ITEM(fields, i), *entry;
        Py_ssize_t take = 1;
        int is61, is86 = 0, isns = 0;
        if (tag_is(f, S_61, &is61) < 0)
            return NULL;
        if (!is61)
            break;
        sub[1] = Py_None;
        if (i + 1 < n) {
            PyObject *g = PyList_GET_ITEM(fields, i + 1);
            if (tag_is(g, S_86, &is86) < 0 || tag_is(g, S_NS, &isns) < 0)
                return NULL;
            if (isns)
                break;
            if (is86) {
                take = 2;
                if (i + 2 < n && tag_is(PyList_GET_ITEM(fields, i + 2), S_NS, &isns) < 0)
                    return NULL;
                if (isns)
                    break;
            }
        }
        Py_INCREF(f);
        sub[0] = PyObject_GetAttr(f, S_value);
        sub[6] = PyObject_GetAttr(f, S_line);
        if (take == 2 && sub[0] != NULL)
            sub[1] = PyObject_GetAttr(PyList_GET_ITEM(fields, i + 1), S_value);
        entry = sub[0] && sub[6] && sub[1] ? statement_line(NULL, sub, 7) : NULL;
        Py_XDECREF(sub[0]);
        Py_XDECREF(sub[6]);
        if (take == 2)
            Py_XDECREF(sub[1]);
        Py_DECREF(f);
        if (entry == NULL)
            return NULL;
        if (entry == Py_None) {
            Py_DECREF(entry);
            break;
        }
        if (PyList_Append(entries, entry) < 0) {
            Py_DECREF(entry);
            return NULL;
        }
        Py_DECREF(entry);
        i += take;
    }
    return PyLong_FromSsize_t(i);
}

/* --- block-4 fields ----------------------------------------------------------------------- */

static PyObject *RAW_FIELD, *CLEAN_SPACES;

/* A field token at `pos` (a line start): its tag's length and the token's end, or 0. `-` lines
 * (`-`, `-}`, then spaces or tabs to the end of the line) give tag length -1. Mirrors
 * fields._TOKEN: `^(?::([0-9]{2}[A-Z]?|[A-Z]{2}|[0-9]{3}):|-\}?[ \t]*$)`. */
static int
token_at(int kind, const void *d, Py_ssize_t n, Py_ssize_t pos, Py_ssize_t *end)
{
#define CH(k) ((pos + (k)) < n ? PyUnicode_READ(kind, d, pos + (k)) : 0)
#define DIG(c) ((c) >= '0' && (c) <= '9')
#define UP(c) ((c) >= 'A' && (c) <= 'Z')
    Py_UCS4 c0 = CH(0), c1 = CH(1), c2 = CH(2), c3 = CH(3), c4 = CH(4);
    if (c0 == ':') {
        if (DIG(c1) && DIG(c2)) {
            if (UP(c3) && c4 == ':') { *end = pos + 5; return 3; }
            if (c3 == ':') { *end = pos + 4; return 2; }
            if (DIG(c3) && c4 == ':') { *end = pos + 5; return 3; }
            return 0;
        }
        if (UP(c1) && UP(c2) && c3 == ':') { *end = pos + 4; return 2; }
        return 0;
    }
    if (c0 == '-') {
        Py_ssize_t k = pos + 1;
        if (k < n && PyUnicode_READ(kind, d, k) == '}')
            k++;
        while (k < n && (PyUnicode_READ(kind, d, k) == ' ' || PyUnicode_READ(kind, d, k) == '\t'))
            k++;
        if (k == n || PyUnicode_READ(kind, d, k) == '\n') {
            *end = k;
            return -1;
        }
    }
    return 0;
#undef CH
#undef DIG
#undef UP
}

/* fields._clean(text[a:b]): trailing whitespace off, spaces and tabs before a newline off */
static PyObject *
clean_value(PyObject *text, int kind, const void *d, Py_ssize_t a, Py_ssize_t b)
{
    PyObject *v, *r;
    int inner = 0;
    while (b > a && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, d, b - 1)))
        b--;
    for (Py_ssize_t k = a; k + 1 < b; k++) {
        Py_UCS4 c = PyUnicode_READ(kind, d, k);
        if ((c == ' ' || c == '\t') && PyUnicode_READ(kind, d, k + 1) == '\n') {
            inner = 1;
            break;
        }
    }
    v = PyUnicode_Substring(text, a, b);
    if (v == NULL || !inner)
        return v;
    r = PyObject_CallOneArg(CLEAN_SPACES, v); /* the rare case: fields._TRAILING_SPACE.sub */
    Py_DECREF(v);
    return r;
}

static PyObject *
make_raw_field(PyObject *tag, PyObject *value, Py_ssize_t line)
{
    PyObject *f, *ln;
    if (tag == NULL || value == NULL)
        return NULL;
    f = PyBaseObject_Type.tp_new((PyTypeObject *)RAW_FIELD, EMPTY_TUPLE, NULL); /* a slots dataclass */
    ln = PyLong_FromSsize_t(line);
    if (f == NULL || ln == NULL || PyObject_GenericSetAttr(f, S_tag, tag) < 0
        || PyObject_GenericSetAttr(f, S_value, value) < 0 || PyObject_GenericSetAttr(f, S_line, ln) < 0) {
        Py_XDECREF(f);
        f = NULL;
    }
    Py_XDECREF(ln);
    return f;
}

static PyObject *
scan_fields(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    /* scan_fields(text, first_line) -> (head, [RawField…])
     *
     * Every `:TAG:` field (and `-` line, as tag "-") of block-4 text, in order, with its cleaned
     * value and line; `head` is the text before the first one. Its reference is `fields.scan`;
     * `fields.tokenize` makes the runs of either. */
    PyObject *text, *out = NULL, *head = NULL, *result = NULL, *dash = NULL;
    Py_ssize_t n, pos, line, prev_end = 0, prev_line = 0, tag_start = 0;
    int kind, prev_len = 0; /* 0: no token yet */
    const void *d;
    if (nargs != 2 || !PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "scan_fields(text, first_line)");
        return NULL;
    }
    if (RAW_FIELD == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "breakdesk.parsers.swift._speedups is not configured");
        return NULL;
    }
    text = args[0];
    line = PyLong_AsSsize_t(args[1]);
    if (line == -1 && PyErr_Occurred())
        return NULL;
    n = PyUnicode_GET_LENGTH(text);
    kind = PyUnicode_KIND(text);
    d = PyUnicode_DATA(text);
    out = PyList_New(0);
    dash = PyUnicode_InternFromString("-");
    if (out == NULL || dash == NULL)
        goto fail;
    pos = 0;
    for (;;) {
        Py_ssize_t end = 0;
        int len = pos < n ? token_at(kind, d, n, pos, &end) : 0;
        if (len != 0 || pos >= n) {
            Py_ssize_t stop = pos >= n ? n : pos;
            if (prev_len == 0) {
                head = PyUnicode_Substring(text, 0, stop);
                if (head == NULL)
                    goto fail;
            } else {
                PyObject *tag = prev_len < 0 ? Py_NewRef(dash) : PyUnicode_Substring(text, tag_start, tag_start + prev_len);
                PyObject *f;
                if (tag != NULL && prev_len > 0)
                    PyUnicode_InternInPlace(&tag);
                f = make_raw_field(tag, clean_value(text, kind, d, prev_end, stop), prev_line);
                Py_XDECREF(tag);
                if (f == NULL || PyList_Append(out, f) < 0) {
                    Py_XDECREF(f);
                    goto fail;
                }
                Py_DECREF(f);
            }
            if (pos >= n)
                break;
            prev_len = len;
            prev_end = end;
            prev_line = line;
            tag_start = pos + 1;
        }
        /* to the next line start */
        while (pos < n && PyUnicode_READ(kind, d, pos) != '\n')
            pos++;
        if (pos < n) {
            pos++;
            line++;
        } else {
            pos = n;
        }
    }
    result = PyTuple_Pack(2, head, out);
fail:
    Py_XDECREF(dash);
    Py_XDECREF(head);
    Py_XDECREF(out);
    return result;
}

/* --- configuration ------------------------------------------------------------------------- */

static PyObject *
configure(PyObject *self, PyObject *spec)
{
    if (!PyDict_Check(spec)) {
        PyErr_SetString(PyExc_TypeError, "configure() takes a dict");
        return NULL;
    }
    if (take_model(spec, "Entry", &M_ENTRY) < 0 || take_model(spec, "Provenance", &M_PROV) < 0
        || take_model(spec, "BankTransactionCode", &M_BTC) < 0 || take_model(spec, "EntryReferences", &M_REFS) < 0
        || take_model(spec, "Remittance", &M_REMIT) < 0 || take_model(spec, "Party", &M_PARTY) < 0
        || take(spec, "Decimal", &DECIMAL) < 0 || take(spec, "account_scheme", &ACCOUNT_SCHEME) < 0
        || take(spec, "is_iban", &IS_IBAN) < 0
        || take_model(spec, "Agent", &M_AGENT) < 0 || take_model(spec, "Reason", &M_REASON) < 0
        || take_model(spec, "StructuredRemittance", &M_STRUCTURED) < 0
        || take(spec, "RawField", &RAW_FIELD) < 0 || take(spec, "clean_spaces", &CLEAN_SPACES) < 0)
        return NULL;
    configured = 1;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"configure", (PyCFunction)configure, METH_O,
     "configure(spec): the canonical classes (construct.model_spec) and helpers the fast path builds with."},
    {"statement_line", (PyCFunction)(void (*)(void))statement_line, METH_FASTCALL,
     "statement_line(value61, text86, currency, minor_units, file, message_index, line) -> Entry | None\n\n"
     "The Entry of one :61: (with its :86: text or None), or None when the line needs the reference reader."},
    {"statement_lines", (PyCFunction)(void (*)(void))statement_lines, METH_FASTCALL,
     "statement_lines(fields, start, currency, minor_units, file, message_index, entries) -> next index"},
    {"scan_fields", (PyCFunction)(void (*)(void))scan_fields, METH_FASTCALL,
     "scan_fields(text, first_line) -> (head, [RawField…]): the fields and '-' lines of block-4 text"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "breakdesk.parsers.swift._speedups", NULL, -1, methods};

#define KEY(name) INTERN(K_##name, #name)

PyMODINIT_FUNC
PyInit__speedups(void)
{
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL)
        return NULL;
    if (common_init() < 0)
        return NULL;
    INTERN(EMPTY_STR, "");
    INTERN(S_CRDT, "CRDT");
    INTERN(S_DBIT, "DBIT");
    INTERN(S_BOOK, "BOOK");
    INTERN(S_SWIFT, "SWIFT");
    INTERN(S_SCOR, "SCOR");
    INTERN(S_SPACE, " ");
    INTERN(S_SLASH, "/");
    INTERN(S_NL, "\n");
    INTERN(S_tag, "tag");
    INTERN(S_value, "value");
    INTERN(S_line, "line");
    INTERN(S_61, "61");
    INTERN(S_86, "86");
    INTERN(S_NS, "NS");
    KEY(file); KEY(message_index); KEY(line); KEY(xpath);
    KEY(domain); KEY(family); KEY(sub_family); KEY(proprietary_code); KEY(proprietary_issuer);
    KEY(account_servicer_reference); KEY(account_owner_reference); KEY(message_id); KEY(payment_info_id);
    KEY(instruction_id); KEY(end_to_end_id); KEY(transaction_id); KEY(uetr); KEY(mandate_id);
    KEY(cheque_number); KEY(clearing_system_reference); KEY(proprietary);
    KEY(provenance); KEY(entry_reference); KEY(amount); KEY(currency); KEY(credit_debit); KEY(reversal);
    KEY(status); KEY(booking_date); KEY(value_date); KEY(bank_transaction_code); KEY(references);
    KEY(counterparty); KEY(remittance); KEY(return_reason); KEY(charges); KEY(additional_info);
    KEY(narrative_fields); KEY(supplementary_details); KEY(batch_count); KEY(details);
    KEY(unstructured); KEY(structured);
    KEY(name); KEY(address); KEY(account); KEY(account_scheme); KEY(account_currency); KEY(agent);
    KEY(identifiers); KEY(country_of_residence);
    KEY(bic); KEY(clearing_system_member_id); KEY(creditor_reference); KEY(creditor_reference_type); KEY(code);
    for (int k = 0; k < N_KEYS; k++) {
        INTERN(KEYS[k].str, KEYS[k].text);
        CTX_INDEX[k] = -1;
        for (int c = 0; c < 4; c++) {
            if (strcmp(KEYS[k].text, CONTEXTS[c]) == 0)
                CTX_INDEX[k] = c;
            if (KEYS[k].flags & F_IN) {
                char buf[16];
                snprintf(buf, sizeof buf, "%s/%s", CONTEXTS[c], KEYS[k].text);
                INTERN(KEYS[k].in_ctx[c], buf);
            }
        }
    }
    S_IBAN = KEYS[K_IBAN_I].str;
    S_BIC = KEYS[K_BIC_I].str;
    INTERN(S_EREF, "EREF");
    INTERN(S_MARF, "MARF");
    INTERN(S_MREF, "MREF");
    INTERN(S_CNTP, "CNTP");
    INTERN(S_REMI, "REMI");
    INTERN(S_RTRN, "RTRN");
    INTERN(S_SVWZ, "SVWZ");
    /* _PREFERRED[credit]: the ordering party of a credit, else the beneficiary */
    INTERN(S_PREF_CTX[1], "ORDP");
    INTERN(S_PREF_IBAN[1], "ORDP/IBAN");
    INTERN(S_PREF_BIC[1], "ORDP/BIC");
    INTERN(S_PREF_CTX[0], "BENM");
    INTERN(S_PREF_IBAN[0], "BENM/IBAN");
    INTERN(S_PREF_BIC[0], "BENM/BIC");
    return PyModule_Create(&module);
}
