/* What both compiled readers (parsers/swift/_speedups.c, parsers/iso20022/_speedups.c) share: making
 * a canonical object the way `parsers.construct` does (`exact`, `construct`), and taking what
 * `configure` is handed.
 * Included by each of them; every definition is static to its module. */
#ifndef BREAKDESK_SPEEDUPS_COMMON_H
#define BREAKDESK_SPEEDUPS_COMMON_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

static PyObject *EMPTY_TUPLE, *S_DICT, *S_FIELDS_SET, *S_EXTRA, *S_PRIVATE;

#define INTERN(var, text)                                     \
    do {                                                      \
        if ((var = PyUnicode_InternFromString(text)) == NULL) \
            return NULL;                                      \
    } while (0)

/* the module's share of start-up; 0 ok, -1 error */
static int
common_init(void)
{
    if ((EMPTY_TUPLE = PyTuple_New(0)) == NULL || (S_DICT = PyUnicode_InternFromString("__dict__")) == NULL
        || (S_FIELDS_SET = PyUnicode_InternFromString("__pydantic_fields_set__")) == NULL
        || (S_EXTRA = PyUnicode_InternFromString("__pydantic_extra__")) == NULL
        || (S_PRIVATE = PyUnicode_InternFromString("__pydantic_private__")) == NULL)
        return -1;
    return 0;
}

/* A canonical class as the readers build it: what `parsers.construct.model_spec` hands over. */
typedef struct {
    PyObject *cls;
    PyObject *all_fields; /* construct._ALL_FIELDS[cls]: the shared set of `exact` objects */
    PyObject *names;      /* tuple of field names, model order */
    PyObject *defaults;   /* tuple: a value, or the list / dict type for a fresh one */
    PyObject *template_;  /* {name: default constant} in model order (factories filled per object) */
    Py_ssize_t slots[3];  /* offsets of the fields-set, extra and private slots; 0: set them by name */
} Model;

/* The offsets of BaseModel's object slots in `cls` (its member descriptors say where they are), so
 * a new object's slots are written in place rather than looked up by name each time. */
static int
find_slots(Model *m)
{
    PyObject *names[3] = {S_FIELDS_SET, S_EXTRA, S_PRIVATE};
    for (int i = 0; i < 3; i++) {
        PyObject *d = PyObject_GetAttr(m->cls, names[i]);
        if (d == NULL)
            return -1;
        m->slots[i] = Py_IS_TYPE(d, &PyMemberDescr_Type) && ((PyMemberDescrObject *)d)->d_member->type == T_OBJECT_EX
                          && ((PyMemberDescrObject *)d)->d_member->offset > 0
                      ? ((PyMemberDescrObject *)d)->d_member->offset
                      : 0;
        Py_DECREF(d);
    }
    if (!m->slots[0] || !m->slots[1] || !m->slots[2])
        m->slots[0] = m->slots[1] = m->slots[2] = 0;
    return 0;
}

/* object.__new__(cls) with its pydantic slots set, as construct.exact and construct.construct do
 * (no validation: the readers pass typed values). Steals `dict` and `fields_set`. */
static PyObject *
new_object(Model *m, PyObject *dict, PyObject *fields_set)
{
    PyObject *obj = NULL;
    if (dict == NULL || fields_set == NULL)
        goto out;
    obj = PyBaseObject_Type.tp_new((PyTypeObject *)m->cls, EMPTY_TUPLE, NULL);
    if (obj == NULL)
        goto out;
    if (m->slots[0]) {
        PyObject *values[3] = {fields_set, Py_None, Py_None};
        if (PyObject_GenericSetDict(obj, dict, NULL) < 0) {
            Py_CLEAR(obj);
            goto out;
        }
        for (int i = 0; i < 3; i++)
            Py_XSETREF(*(PyObject **)((char *)obj + m->slots[i]), Py_NewRef(values[i]));
    } else if (PyObject_GenericSetAttr(obj, S_DICT, dict) < 0 || PyObject_GenericSetAttr(obj, S_FIELDS_SET, fields_set) < 0
               || PyObject_GenericSetAttr(obj, S_EXTRA, Py_None) < 0 || PyObject_GenericSetAttr(obj, S_PRIVATE, Py_None) < 0) {
        Py_CLEAR(obj);
    }
out:
    Py_XDECREF(dict);
    Py_XDECREF(fields_set);
    return obj;
}

/* u[a:b].strip(), with Python's own whitespace (Py_UNICODE_ISSPACE); new reference */
static PyObject *
ustrip_range(PyObject *u, Py_ssize_t a, Py_ssize_t b)
{
    int kind = PyUnicode_KIND(u);
    const void *data = PyUnicode_DATA(u);
    while (a < b && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, a)))
        a++;
    while (b > a && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, b - 1)))
        b--;
    return PyUnicode_Substring(u, a, b);
}

/* str.strip() */
static PyObject *
ustrip(PyObject *u)
{
    return ustrip_range(u, 0, PyUnicode_GET_LENGTH(u));
}

/* spec[name] into *slot; a TypeError naming it when missing */
static int
take(PyObject *spec, const char *name, PyObject **slot)
{
    PyObject *o = PyDict_GetItemString(spec, name);
    if (o == NULL) {
        PyErr_Format(PyExc_TypeError, "configure: %s is missing", name);
        return -1;
    }
    Py_XSETREF(*slot, Py_NewRef(o));
    return 0;
}


static int
take_model(PyObject *spec, const char *name, Model *m)
{
    /* spec[name] = construct.model_spec(cls): (cls, shared fields-set, field names, defaults) */
    PyObject *t = PyDict_GetItemString(spec, name);
    if (t == NULL || !PyTuple_Check(t) || PyTuple_GET_SIZE(t) != 4) {
        PyErr_Format(PyExc_TypeError, "configure: %s must be (class, fields set, names, defaults)", name);
        return -1;
    }
    Py_XSETREF(m->cls, Py_NewRef(PyTuple_GET_ITEM(t, 0)));
    Py_XSETREF(m->all_fields, Py_NewRef(PyTuple_GET_ITEM(t, 1)));
    Py_XSETREF(m->names, Py_NewRef(PyTuple_GET_ITEM(t, 2)));
    Py_XSETREF(m->defaults, Py_NewRef(PyTuple_GET_ITEM(t, 3)));
    Py_XSETREF(m->template_, PyDict_New());
    if (m->template_ == NULL)
        return -1;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(m->names); i++) {
        PyObject *def = PyTuple_GET_ITEM(m->defaults, i);
        if (def == (PyObject *)&PyList_Type || def == (PyObject *)&PyDict_Type)
            def = Py_None; /* replaced by a fresh one per object */
        if (PyDict_SetItem(m->template_, PyTuple_GET_ITEM(m->names, i), def) < 0)
            return -1;
    }
    return find_slots(m);
}

/* construct(cls, **kw) with kw as NULL-terminated (interned name, value) pairs; values borrowed.
 * Missing fields get their default (a fresh list or dict for a factory); the fields-set is the
 * given names, a new set per object. */
static PyObject *
construct(Model *m, PyObject **kv)
{
    PyObject *d, *fs;
    Py_ssize_t n = PyTuple_GET_SIZE(m->names);
    for (int i = 0; kv[i] != NULL; i += 2)
        if (kv[i + 1] == NULL)
            return NULL;
    d = PyDict_Copy(m->template_);
    fs = PySet_New(NULL);
    if (d == NULL || fs == NULL)
        goto fail;
    for (int i = 0; kv[i] != NULL; i += 2)
        if (PyDict_SetItem(d, kv[i], kv[i + 1]) < 0 || PySet_Add(fs, kv[i]) < 0)
            goto fail;
    for (Py_ssize_t f = 0; f < n; f++) { /* a factory field not given: a fresh list or dict */
        PyObject *def = PyTuple_GET_ITEM(m->defaults, f), *name = PyTuple_GET_ITEM(m->names, f), *fresh;
        int given;
        if (def != (PyObject *)&PyList_Type && def != (PyObject *)&PyDict_Type)
            continue;
        given = PySet_Contains(fs, name);
        if (given < 0)
            goto fail;
        if (given)
            continue;
        fresh = def == (PyObject *)&PyList_Type ? PyList_New(0) : PyDict_New();
        if (fresh == NULL || PyDict_SetItem(d, name, fresh) < 0) {
            Py_XDECREF(fresh);
            goto fail;
        }
        Py_DECREF(fresh);
    }
    return new_object(m, d, fs);
fail:
    Py_XDECREF(d);
    Py_XDECREF(fs);
    return NULL;
}

/* exact(cls, dict) for a dict holding every field; steals `dict` */
static PyObject *
exact(Model *m, PyObject *dict)
{
    Py_XINCREF(m->all_fields);
    return new_object(m, dict, m->all_fields);
}

/* exact(cls, {…}) from NULL-terminated (interned name, value) pairs naming every field; values borrowed */
static PyObject *
exact_kv(Model *m, PyObject **kv)
{
    PyObject *d;
    for (int i = 0; kv[i] != NULL; i += 2)
        if (kv[i + 1] == NULL)
            return NULL;
    d = PyDict_Copy(m->template_);
    if (d == NULL)
        return NULL;
    for (int i = 0; kv[i] != NULL; i += 2)
        if (PyDict_SetItem(d, kv[i], kv[i + 1]) < 0) {
            Py_DECREF(d);
            return NULL;
        }
    return exact(m, d);
}

#endif
