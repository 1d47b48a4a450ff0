"""Regular expressions that search faster and match exactly as before.

Python's ``re`` finds a pattern that begins with ``\\b``, an alternation or a case-insensitive
letter by trying the whole pattern at every position of the text: the stated-reason rules
(reasons.py) each try a dozen alternatives at every character of every sentence, which was
most of what parsing a determination cost. ``quick`` puts a lookahead in front that lets
through only the characters a match can begin with, read from the pattern itself: at every
other position the attempt ends after one character test. Matches, groups and their names are
those of the pattern as written; a pattern whose first character cannot be worked out (one
that can match nothing, or begins with a backreference or any character) is returned as it is.
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


def _starts(items, ignorecase: bool, found: dict[bool, set[int]]) -> bool:
    """Adds to ``found`` (by case-insensitivity) the code points a match of ``items`` (a parsed
    sequence) can begin with; True if it can also match the empty string."""
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue  # consumes nothing: the match begins at the next item
        if op is sre.LITERAL:
            found[ignorecase].add(av)
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
        else:  # a class, any character, a backreference...: not worked out
            raise _Unknown(op)
    return True


def first_characters(pattern: re.Pattern[str]) -> dict[bool, set[int]] | None:
    """The code points a match can begin with, as {case-insensitive?: code points}, or None."""
    if pattern.flags & re.VERBOSE or not isinstance(pattern.pattern, str) or _GLOBAL_FLAGS.match(pattern.pattern):
        return None  # a lookahead cannot go before these
    found: dict[bool, set[int]] = {False: set(), True: set()}
    try:
        empty = _starts(sre_parse.parse(pattern.pattern, pattern.flags), bool(pattern.flags & re.IGNORECASE), found)
    except _Unknown:
        return None
    return None if empty else found


def quick(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` with a lookahead for the characters its matches begin with (see the module's notes)."""
    found = first_characters(pattern)
    if found is None:
        return pattern
    classes = [f"(?{'i' if ignorecase else '-i'}:[{''.join(re.escape(chr(code)) for code in sorted(codes))}])"
               for ignorecase, codes in found.items() if codes]
    return re.compile(f"(?={'|'.join(classes)})(?:{pattern.pattern})", pattern.flags)
