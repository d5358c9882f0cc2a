"""Sign in with a user from users.toml (or one an admin created)."""

import streamlit as st

from breakdesk.app.ui import state

st.header("Sign in")
if why := st.session_state.get("_signed_out_because"):
    st.info(why)
st.caption("Payments exception handling and reconciliation. Accounts come from `users.toml` in the data directory.")
with st.form("sign_in", clear_on_submit=False):
    username = st.text_input("Username", key="sign_in_username")
    password = st.text_input("Password", type="password", key="sign_in_password")
    submitted = st.form_submit_button("Sign in", type="primary")
if submitted:
    if state.sign_in(username, password):
        st.session_state.pop("_signed_out_because", None)
        st.rerun()
    else:
        st.error("Unknown user, inactive user or wrong password.")
