"""The Streamlit front end. Entry point: `app/ui/streamlit_app.py` (started by `breakdesk ui`)."""
