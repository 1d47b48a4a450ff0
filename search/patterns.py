"""Regular expressions that search faster and match exactly as before: ``quick`` for one pattern,
``Screen`` for many searched in the same text.

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


# --- Screening a text for several patterns at once -------------------------------------------

_REPEAT_LIMIT = 1000  # RE2's largest counted repetition
_COUNTED = 3  # repeats up to this many times are kept as counted; longer ones are left unbounded
# Python's \s, \d and \w as they read an ASCII text (\s includes \v and \x1c-\x1f; RE2's does not).
_ASCII_CATEGORIES = {sre.CATEGORY_DIGIT: "0-9", sre.CATEGORY_WORD: "0-9A-Z_a-z", sre.CATEGORY_SPACE: r"\t-\r\x1c-\x20"}
_ASCII_NOT = {sre.CATEGORY_NOT_DIGIT: sre.CATEGORY_DIGIT, sre.CATEGORY_NOT_WORD: sre.CATEGORY_WORD,
              sre.CATEGORY_NOT_SPACE: sre.CATEGORY_SPACE}


class _Untranslatable(Exception):
    """The pattern holds something RE2 cannot stand in for (a backreference, a long count)."""


def _char(code: int) -> str:
    character = chr(code)
    return character if character.isascii() and character.isalnum() else f"\\x{{{code:x}}}"


def _class(items) -> str:
    negated = bool(items) and items[0][0] is sre.NEGATE
    items = items[negated:]
    if len(items) == 1 and items[0][0] is sre.CATEGORY and items[0][1] in _ASCII_NOT:
        negated, items = not negated, [(sre.CATEGORY, _ASCII_NOT[items[0][1]])]
    pieces = []
    for op, av in items:
        if op is sre.LITERAL:
            pieces.append(_char(av))
        elif op is sre.RANGE:
            pieces.append(f"{_char(av[0])}-{_char(av[1])}")
        elif op is sre.CATEGORY and av in _ASCII_CATEGORIES:
            pieces.append(_ASCII_CATEGORIES[av])
        else:  # a negated category among other items
            raise _Untranslatable(op)
    return f"[{'^' if negated else ''}{''.join(pieces)}]"


def _re2_syntax(items, multiline: bool) -> str:
    """RE2 syntax for a parsed sequence, matching at least wherever it matches in an ASCII text:
    lookarounds are left out (true everywhere) and so is ``$``, atomic groups and possessive
    repeats read as plain ones; the rest as written."""
    out = []
    for op, av in items:
        if op is sre.LITERAL:
            out.append(_char(av))
        elif op is sre.NOT_LITERAL:
            out.append(f"[^{_char(av)}]")
        elif op is sre.IN:
            out.append(_class(av))
        elif op is sre.ANY:
            out.append(".")
        elif op is sre.BRANCH:
            out.append(f"(?:{'|'.join(_re2_syntax(alternative, multiline) for alternative in av[1])})")
        elif op is sre.SUBPATTERN:
            _, add_flags, del_flags, pattern = av
            if (add_flags | del_flags) & ~(re.IGNORECASE | re.DOTALL | re.MULTILINE):
                raise _Untranslatable(op)
            inner = multiline if not (add_flags | del_flags) & re.MULTILINE else bool(add_flags & re.MULTILINE)
            flags = "".join(flag for flag, bit in (("i", re.IGNORECASE), ("s", re.DOTALL)) if add_flags & bit)
            unset = "".join(flag for flag, bit in (("i", re.IGNORECASE), ("s", re.DOTALL)) if del_flags & bit)
            scope = f"{flags}-{unset}" if unset else flags
            out.append(f"(?{scope}:{_re2_syntax(pattern, inner)})" if scope else f"(?:{_re2_syntax(pattern, inner)})")
        elif op is sre.ATOMIC_GROUP:
            out.append(f"(?:{_re2_syntax(av, multiline)})")
        elif op in _REPEATS:
            least, most, pattern = av
            if least > _REPEAT_LIMIT or (most != sre.MAXREPEAT and most > _REPEAT_LIMIT):
                raise _Untranslatable(op)
            # a long count as no limit: fewer DFA states, and the screen only lets more through
            count = f"{{{least},}}" if most == sre.MAXREPEAT or most > _COUNTED else f"{{{least},{most}}}"
            out.append(f"(?:{_re2_syntax(pattern, multiline)}){count}{'?' if op is sre.MIN_REPEAT else ''}")
        elif op is sre.AT:
            out.append({sre.AT_BEGINNING: "(?m:^)" if multiline else r"\A", sre.AT_BEGINNING_STRING: r"\A",
                        sre.AT_END: "(?m:$)" if multiline else "", sre.AT_END_STRING: r"\z",
                        sre.AT_BOUNDARY: r"\b", sre.AT_NON_BOUNDARY: r"\B"}[av])
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            continue  # a condition on the text around: left out, so the screen lets more through
        else:  # a backreference, a conditional group
            raise _Untranslatable(op)
    return "".join(out)


def re2_screen(pattern: re.Pattern[str]) -> str | None:
    """RE2 syntax for a pattern that matches, in an ASCII text, wherever ``pattern`` does (and
    maybe elsewhere); None where RE2 cannot stand in for it."""
    if not isinstance(pattern.pattern, str) or pattern.flags & (re.VERBOSE | re.LOCALE | re.ASCII):
        return None
    flags = "".join(flag for flag, bit in (("i", re.IGNORECASE), ("s", re.DOTALL)) if pattern.flags & bit)
    try:
        body = _re2_syntax(sre_parse.parse(pattern.pattern, pattern.flags), bool(pattern.flags & re.MULTILINE))
    except _Untranslatable:
        return None
    return f"(?{flags}:{body})" if flags else body


# RE2's memory for a screen's DFA. The stated-reason rules' states fill RE2's default (8 MB) and each
# pass then rebuilds them: 16 MB held them on 3,000 determinations (a parse worker grew 9 MB more
# than without the screen); twice that, for texts more varied than those.
SCREEN_MEMORY = 32 << 20


class Screen:
    """Which of several patterns cannot match a text, told by one pass over it (RE2's set of
    patterns, a DFA) instead of one search per pattern: a caller searches, with ``re``, only the
    patterns ``ruled_out(text)`` does not hold.

    Exact by construction: RE2 stands in for a pattern only on ASCII text, where Python's classes,
    word boundaries and case folding read as RE2's, and only loosened (re2_screen), so a pattern
    it finds no match for has none. A text that is not ASCII, or a pass RE2 gives up on (the
    sentinel pattern, which matches everything, is missing from its answer), rules nothing out;
    a pattern RE2 cannot hold, or one not given here, is never ruled out. Patterns are told by
    ``id``: a compiled pattern's hash is worked out from its code at every lookup."""

    def __init__(self, patterns):
        import re2

        options = re2.Options()
        options.max_mem = SCREEN_MEMORY
        self._set = re2.Set.SearchSet(options)
        self._sentinel = self._set.Add("")
        self._patterns = list(patterns)  # kept: their ids stand for them
        self._by_index: dict[int, int] = {}  # RE2's number of a pattern -> its id
        for pattern in self._patterns:
            if (syntax := re2_screen(pattern)) is not None:
                self._by_index[self._set.Add(syntax)] = id(pattern)
        self._set.Compile()
        self.screened = frozenset(self._by_index.values())

    def ruled_out(self, text: str) -> frozenset[int]:
        """The ids of the screened patterns that have no match in ``text``."""
        if not text.isascii():
            return frozenset()
        found = self._set.Match(text) or ()
        if self._sentinel not in found:
            return frozenset()
        return self.screened.difference(self._by_index[index] for index in found if index != self._sentinel)
