"""One root for every error a user can cause or fix: the CLI and the UI each catch it once."""


class NewsqaError(Exception):
    """Printed as one line by the CLI (`error: ...`, this exit code) and shown in the UI."""

    exit_code = 2


class BadInputError(NewsqaError, ValueError):
    """A file, field, question or option the user gave cannot be used."""


class DocumentNotFoundError(NewsqaError, KeyError):
    exit_code = 1

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class ModelUnavailableError(NewsqaError):
    """An embedding model or LLM that is not installed, does not match, or does not answer."""


def guarded(call, *args) -> int:
    """Run a command; a NewsqaError becomes one line on stderr and its exit code. The one error
    boundary of every entry point (`newsqa`, `python -m index`)."""
    import sys

    from index.console import clean

    try:
        return call(*args)
    except NewsqaError as exc:
        print(f"error: {clean(exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
