"""Source text of one scanned file and the one place where positions become 1-based.

The parser reports 0-based line/column marks; everything a user sees (text, SARIF, JSON,
GitHub annotations) is 1-based.  Converting in exactly one place keeps off-by-one errors out
of the reporters.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

# The one line model of every position netlint shows: libyaml's, where the parser's marks
# come from.  A line ends at CR LF, LF, CR, NEL (U+0085), LINE SEPARATOR (U+2028) or
# PARAGRAPH SEPARATOR (U+2029); not at the other characters ``str.splitlines`` breaks at
# (vertical tab, form feed, file/group/record separators).
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
LINE_BREAK_CHARS = "\r\n\x85\u2028\u2029"
_OTHER_BREAKS = re.compile("\r(?!\n)|[\x85\u2028\u2029]")


@dataclass(frozen=True, order=True, slots=True)
class Span:
    """A 1-based, inclusive-start, exclusive-end region of one file.

    ``end_column`` is the column just after the last character, as SARIF's ``endColumn``.
    """

    start_line: int
    start_column: int
    end_line: int
    end_column: int


@dataclass(eq=False)
class Source:
    """The text of one file (or stdin) with a lazily built line index."""

    path: str  # display path: relative to the working directory when possible
    text: str = field(repr=False)
    # where each line starts, as 8-byte integers (a list of int objects held 4.5 times the
    # memory: 10 MB of a 10,000-resource scan, more than the files' text)
    _line_starts: array[int] | None = field(default=None, repr=False)
    # rendered Helm/Kustomize output: maps a located span back to the template, values
    # or patch file (netlint/render/mapping.py); None for files read as they are
    mapper: Any = field(default=None, repr=False)

    @property
    def lines(self) -> list[str]:
        """Every line without its break, in the parser's line model (see LINE_BREAK)."""
        if _OTHER_BREAKS.search(self.text) is None:
            return [line.removesuffix("\r") for line in self.text.split("\n")]
        return LINE_BREAK.split(self.text)

    def line_text(self, line: int) -> str:
        """The text of 1-based ``line`` without its line break ("" when out of range)."""
        starts = self._starts()
        if line < 1 or line > len(starts):
            return ""
        begin = starts[line - 1]
        end = starts[line] if line < len(starts) else len(self.text)
        return self.text[begin:end].rstrip(LINE_BREAK_CHARS)

    def _starts(self) -> array[int]:
        if self._line_starts is None:
            text = self.text
            starts = array("q", [0])
            if _OTHER_BREAKS.search(text) is None:  # the usual file: \n (or \r\n) only
                find = text.find
                pos = find("\n")
                while pos != -1:
                    starts.append(pos + 1)
                    pos = find("\n", pos + 1)
            else:
                starts.extend(m.end() for m in LINE_BREAK.finditer(text))
            self._line_starts = starts
        return self._line_starts

    def forget_lines(self) -> None:
        """Drop the line index (built again when a report shows a line): a checked file's
        findings have their spans, and a large scan would hold an index per file."""
        self._line_starts = None

    def forget_text(self, reread: Callable[[], str]) -> None:
        """Drop the text and the line index; ``reread()`` gives the text again when it is
        asked for (a reporter showing a line).  The source object stays what every
        document, record and place of the file points at, so nothing else holds the
        text: a large scan does not keep every checked file's text, nor does a worker
        send it back.  ``reread`` must be picklable (worker processes)."""
        self.__dict__.pop("text", None)
        self._line_starts = None
        self._reread = reread

    if not TYPE_CHECKING:  # typed as the field it stands in for

        def __getattr__(self, name: str) -> Any:
            # called only for what the instance lacks: the text of a forgotten source
            reread = self.__dict__.get("_reread")
            if name != "text" or reread is None:
                raise AttributeError(name)
            text = reread()
            self.text = text
            return text

    @property
    def line_count(self) -> int:
        return len(self._starts())

    def span(self, line0: int, col0: int, end_line0: int, end_col0: int) -> Span:
        """Turn parser marks (0-based) into a 1-based :class:`Span`.

        A value that ends at column 0 of the next line (block scalars, block collections)
        is clipped to the end of its last real line, so that regions never point past the
        text a user sees.
        """
        if (end_line0, end_col0) < (line0, col0):
            # never let a region run backwards (SARIF consumers reject it)
            end_line0, end_col0 = line0, max(len(self.line_text(line0 + 1)), col0)
        if end_line0 > line0 and end_col0 == 0:
            end_line0 -= 1
            end_col0 = len(self.line_text(end_line0 + 1))
        if end_line0 == line0 and end_col0 < col0:
            end_col0 = col0
        return Span(line0 + 1, col0 + 1, end_line0 + 1, end_col0 + 1)

    def line_span(self, line: int) -> Span:
        """The whole of 1-based ``line``, without leading indentation."""
        text = self.line_text(line)
        indent = len(text) - len(text.lstrip())
        return Span(line, indent + 1, line, max(len(text), indent) + 1)
