"""Regular expressions that search faster and match exactly as before.

Python's ``re`` finds a pattern that begins with ``\\b``, an alternation or a case-insensitive
letter by trying the whole pattern at every position of the text: the stated-reason rules
(reasons.py) each try a dozen alternatives at every character of every sentence, which was
most of what parsing a determination cost. ``quick`` puts a lookahead in front that lets
through only the characters a match can begin with, read from the pattern itself: at every
other position the attempt ends after one character test. Matches, groups and their names are
those of the pattern as written; a pattern whose first character cannot be worked out (one
that can match the empty string, or begins with a backreference or any character) is returned as it is.
"""
from __future__ import annotations

import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")  # "(?i)" at the start: it must stay first


class _Unknown(Exception):
    """The first character of a match cannot be worked out."""


_CATEGORIES = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D", sre.CATEGORY_SPACE: r"\s",
               sre.CATEGORY_NOT_SPACE: r"\S", sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W"}


class _Starts:
    """The characters a match can begin with, as the pieces of character classes, kept apart by
    whether they are read case-insensitively: {ignorecase: pieces}, and negated classes whole."""

    def __init__(self):
        self.pieces: dict[bool, set[str]] = {False: set(), True: set()}
        self.negated: dict[bool, set[str]] = {False: set(), True: set()}

    def add_class(self, items, ignorecase: bool) -> None:
        negated = bool(items) and items[0][0] is sre.NEGATE
        pieces = []
        for op, av in items[negated:]:
            if op is sre.LITERAL:
                pieces.append(re.escape(chr(av)))
            elif op is sre.RANGE:
                pieces.append(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
            elif op is sre.CATEGORY and av in _CATEGORIES:
                pieces.append(_CATEGORIES[av])
            else:
                raise _Unknown(op)
        if negated:
            self.negated[ignorecase].add("".join(pieces))
        else:
            self.pieces[ignorecase].update(pieces)

    def lookahead(self) -> str:
        classes = []
        for ignorecase in (False, True):
            flag = "i" if ignorecase else "-i"
            if self.pieces[ignorecase]:
                classes.append(f"(?{flag}:[{''.join(sorted(self.pieces[ignorecase]))}])")
            classes += [f"(?{flag}:[^{body}])" for body in sorted(self.negated[ignorecase])]
        return f"(?={'|'.join(classes)})"


def _starts(items, ignorecase: bool, found: _Starts) -> bool:
    """Adds to ``found`` the characters a match of ``items`` (a parsed sequence) can begin with;
    True if it can also match the empty string."""
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue  # consumes nothing: the match begins at the next item
        if op is sre.LITERAL:
            found.add_class([(op, av)], ignorecase)
            return False
        if op is sre.IN:
            found.add_class(av, ignorecase)
            return False
        if op is sre.BRANCH:
            empty = False
            for alternative in av[1]:
                empty |= _starts(alternative, ignorecase, found)
            if not empty:
                return False
        elif op is sre.SUBPATTERN:
            _, add_flags, del_flags, pattern = av
            scoped = (ignorecase or bool(add_flags & re.IGNORECASE)) and not del_flags & re.IGNORECASE
            if not _starts(pattern, scoped, found):
                return False
        elif op in _REPEATS:
            least, _, pattern = av
            if not _starts(pattern, ignorecase, found) and least > 0:
                return False
        else:  # any character, a backreference...: not worked out
            raise _Unknown(op)
    return True


def first_characters(pattern: re.Pattern[str]) -> str | None:
    """A lookahead for the characters a match of ``pattern`` can begin with, or None."""
    if pattern.flags & re.VERBOSE or not isinstance(pattern.pattern, str) or _GLOBAL_FLAGS.match(pattern.pattern):
        return None  # a lookahead cannot go before these
    found = _Starts()
    try:
        empty = _starts(sre_parse.parse(pattern.pattern, pattern.flags), bool(pattern.flags & re.IGNORECASE), found)
    except _Unknown:
        return None
    return None if empty else found.lookahead()


def quick(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` with a lookahead for the characters its matches begin with (see the module's notes)."""
    lookahead = first_characters(pattern)
    return pattern if lookahead is None else re.compile(f"{lookahead}(?:{pattern.pattern})", pattern.flags)
