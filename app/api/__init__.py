"""The HTTP API (`breakdesk api`): FastAPI over the same services as the UI and the CLI."""
