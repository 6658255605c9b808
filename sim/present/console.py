"""The terminal every exsim command prints to: rich's console, whose text is only ever text.

Whatever a view puts on the screen (a scenario's names and messages, a stored manifest's values, a metric's
description) is passed through :func:`sim.config.text.plain` as it is drawn, after rich has laid it out and
before it is styled: an escape sequence or a bidi override in a name is shown as text, never obeyed. rich's
own styles and cursor moves (its control segments) are left as they are.
"""

from __future__ import annotations

from collections.abc import Iterable

import rich.console
from rich.segment import Segment

from sim.config.text import plain


class Console(rich.console.Console):
    def render(
        self, renderable: rich.console.RenderableType, options: rich.console.ConsoleOptions | None = None
    ) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control:
                yield segment
            else:
                text = plain(segment.text)
                yield segment if text is segment.text else Segment(text, segment.style)
