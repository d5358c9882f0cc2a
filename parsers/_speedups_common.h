/* What both compiled readers (parsers/swift/_speedups.c, parsers/iso20022/_speedups.c) share: making
 * a canonical object the way `parsers.construct` does, and taking what `configure` is handed.
 * Included by each of them; every definition is static to its module. */
#ifndef BREAKDESK_SPEEDUPS_COMMON_H
#define BREAKDESK_SPEEDUPS_COMMON_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

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

/* object.__new__(cls) with its pydantic slots set, as construct.exact and construct.construct do
 * (no validation: the readers pass typed values). Steals `dict` and `fields_set`. */
static PyObject *
new_object(PyObject *cls, PyObject *dict, PyObject *fields_set)
{
    PyObject *obj = NULL;
    if (dict == NULL || fields_set == NULL)
        goto out;
    obj = PyBaseObject_Type.tp_new((PyTypeObject *)cls, EMPTY_TUPLE, NULL);
    if (obj == NULL)
        goto out;
    if (PyObject_GenericSetAttr(obj, S_DICT, dict) < 0 || PyObject_GenericSetAttr(obj, S_FIELDS_SET, fields_set) < 0
        || PyObject_GenericSetAttr(obj, S_EXTRA, Py_None) < 0 || PyObject_GenericSetAttr(obj, S_PRIVATE, Py_None) < 0)
        Py_CLEAR(obj);
out:
    Py_XDECREF(dict);
    Py_XDECREF(fields_set);
    return obj;
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

#endif
