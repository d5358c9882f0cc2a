from breakdesk.app.cli.main import cli

cli()
