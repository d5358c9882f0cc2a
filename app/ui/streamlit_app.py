"""Breakdesk web UI: the router. Signs people in and shows the pages their role may open.

Run it with `breakdesk ui` (migrates the database, seeds the demo day, then starts Streamlit on
127.0.0.1). Each page lives in `views/` and calls `app.services` only.
"""

from __future__ import annotations

# No sys.path insertion: the folders are mapped under the `breakdesk` package by setup.py, so adding the
# repo root would not make `breakdesk` importable anyway. Install the clone (`pip install -e .`) first.
from breakdesk.app.runtime import apply_offline_defaults  # noqa: E402

apply_offline_defaults()

import streamlit as st  # noqa: E402

from breakdesk.app.ui import state  # noqa: E402

st.set_page_config(page_title="Breakdesk", page_icon=":material/account_balance:", layout="wide")
try:
    state.startup()
except ValueError as exc:  # UsersFileError: the message names the file and the user entry at fault
    st.title("Breakdesk")
    st.error(f"Cannot start: {exc}")
    st.stop()

user = state.keep_session_alive()
# First in the sidebar, before anything a person can see or click: a run cut short by the next click (or
# a refresh right after sign-in) has already sent it, whatever the page does after. The sidebar is its own
# container, so the page's elements keep their places between runs.
with st.sidebar:
    state.cookie_script()
if user is None:
    page = st.navigation([st.Page("views/sign_in.py", title="Sign in", icon=":material/login:")])
else:
    sections: dict[str, list] = {}
    for spec in state.PAGES:
        if state.can(spec.permission):
            sections.setdefault(spec.section, []).append(st.Page(spec.path, title=spec.title, icon=spec.icon))
    page = st.navigation(sections)
    with st.sidebar:
        st.markdown(f"**{user['display_name']}**  \n`{user['username']}` · role **{user['role']}**")
        if st.button("Sign out", key="sign_out", icon=":material/logout:"):
            state.sign_out()
            st.rerun()

st.title("Breakdesk")
page.run()
