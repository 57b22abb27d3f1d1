"""The terminal consoles every CLI prints through: data is never markup, never a control code.

Titles, paths, feed names and gold ids are written by others. Rich would read "[/red]" in one as
markup (and raise MarkupError), and an ANSI escape in a title would reach the terminal raw, so
markup is off (styles are passed as `style=`) and control characters are shown, not sent.
"""

import re

from rich.console import Console

# C0 controls but tab and newline, DEL, C1 controls (ESC starts every ANSI sequence).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: object) -> str:
    """`text` with each control character shown as its code point ("\\x1b" -> "<1b>")."""
    return _CONTROL.sub(lambda m: f"<{ord(m.group()):02x}>", str(text))


class PlainConsole(Console):
    def __init__(self, **kwargs):
        super().__init__(markup=False, highlight=False, **kwargs)

    def print(self, *objects, **kwargs) -> None:
        super().print(*(clean(o) if isinstance(o, str) else o for o in objects), **kwargs)


# Progress bars and messages go to stderr so stdout stays parseable; soft_wrap keeps long paths
# on one line (and greppable).
err = PlainConsole(stderr=True, soft_wrap=True)
out = PlainConsole(soft_wrap=True)
