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
