"""`breakdesk api [--host 127.0.0.1] [--port N]`: the HTTP API (`app/api/server.py`) on uvicorn."""

from __future__ import annotations

import click


@click.command("api")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; put a TLS-terminating proxy in front before exposing it.")
@click.option("--port", default=8600, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="uvicorn worker processes (they share the database; rate limits are per process).")
def api_cmd(host: str, port: int, workers: int) -> None:
    """Serve the HTTP API under /api/v1 (OpenAPI at /openapi.json); callers use `breakdesk tokens create`."""
    import uvicorn

    from breakdesk.app.runtime import apply_offline_defaults
    from breakdesk.app.store.migrate import upgrade

    apply_offline_defaults()
    upgrade()
    click.echo(f"Breakdesk API on http://{host}:{port}/api/v1 (OpenAPI: http://{host}:{port}/openapi.json)")
    uvicorn.run("breakdesk.app.api.server:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="info", proxy_headers=False, server_header=False)


commands = [api_cmd]
