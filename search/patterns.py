"""Regular expressions that search faster and match exactly as before: ``quick`` for one pattern,
``Screen`` for many searched in the same text, ``Twin`` for one run over a long text.

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
from collections.abc import Callable
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


# --- Patterns read by RE2: a screen for many (loosened), a twin for one (exact) -------------------

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


class _RE2Syntax:
    """RE2 syntax for a parsed pattern, as it reads an ASCII text, its groups not capturing. ``exact``:
    finding the very matches of the pattern, or _Untranslatable. Otherwise loosened, matching at least wherever
    the pattern does: lookarounds are left out (true everywhere) and so is ``$``, atomic groups and
    possessive repeats read as plain ones, long counts as unbounded."""

    def __init__(self, *, exact: bool):
        self.exact = exact

    def sequence(self, items, multiline: bool, ignorecase: bool) -> str:
        return "".join(self.item(op, av, multiline, ignorecase) for op, av in items)

    def item(self, op, av, multiline: bool, ignorecase: bool) -> str:
        if op in (sre.LITERAL, sre.NOT_LITERAL, sre.IN) and self.exact and ignorecase and _non_ascii(op, av):
            raise _Untranslatable(op)  # Python's case folds of these are not RE2's ("\u0130", "\u212a")
        if op is sre.LITERAL:
            return _char(av)
        if op is sre.NOT_LITERAL:
            return f"[^{_char(av)}]"
        if op is sre.IN:
            return _class(av)
        if op is sre.ANY:
            return "."
        if op is sre.BRANCH:
            return f"(?:{'|'.join(self.sequence(alternative, multiline, ignorecase) for alternative in av[1])})"
        if op is sre.SUBPATTERN:
            _, add_flags, del_flags, pattern = av
            if (add_flags | del_flags) & ~(re.IGNORECASE | re.DOTALL | re.MULTILINE):
                raise _Untranslatable(op)
            inner = multiline if not (add_flags | del_flags) & re.MULTILINE else bool(add_flags & re.MULTILINE)
            folded = ignorecase if not (add_flags | del_flags) & re.IGNORECASE else bool(add_flags & re.IGNORECASE)
            body = self.sequence(pattern, inner, folded)
            flags, unset = _flag_letters(add_flags), _flag_letters(del_flags)
            # never capturing: a twin finds where matches are, re reads their groups
            return f"(?{flags}-{unset}:{body})" if unset else f"(?{flags}:{body})"
        if op is sre.ATOMIC_GROUP and not self.exact:
            return f"(?:{self.sequence(av, multiline, ignorecase)})"
        if op in _REPEATS and not (self.exact and op is sre.POSSESSIVE_REPEAT):
            least, most, pattern = av
            if least > _REPEAT_LIMIT or (most != sre.MAXREPEAT and most > _REPEAT_LIMIT):
                raise _Untranslatable(op)
            # loosened, a long count as no limit: fewer DFA states, and a screen only lets more through
            unbounded = most == sre.MAXREPEAT or (most > _COUNTED and not self.exact)
            count = f"{{{least},}}" if unbounded else f"{{{least},{most}}}"
            return f"(?:{self.sequence(pattern, multiline, ignorecase)}){count}{'?' if op is sre.MIN_REPEAT else ''}"
        if op is sre.AT and av in (sre.AT_BEGINNING_STRING, sre.AT_END_STRING, sre.AT_BOUNDARY) or (
                op is sre.AT and av is sre.AT_NON_BOUNDARY and not self.exact):  # Python's \B fails on "", RE2's not
            return {sre.AT_BEGINNING_STRING: r"\A", sre.AT_END_STRING: r"\z", sre.AT_BOUNDARY: r"\b",
                    sre.AT_NON_BOUNDARY: r"\B"}[av]
        if op is sre.AT and av is sre.AT_BEGINNING and not multiline:
            return r"\A"
        if not self.exact and op is sre.AT and av in (sre.AT_BEGINNING, sre.AT_END):
            return "(?m:^)" if av is sre.AT_BEGINNING else ("(?m:$)" if multiline else "")
        if not self.exact and op in (sre.ASSERT, sre.ASSERT_NOT):
            return ""  # a condition on the text around: left out, so the screen lets more through
        # a backreference, a conditional group; exactly: a lookaround, $, a line's start, an atomic group
        raise _Untranslatable(op)


def _non_ascii(op, av) -> bool:
    if op is sre.IN:
        return any(_non_ascii(item_op, item_av) for item_op, item_av in av if item_op in (sre.LITERAL, sre.RANGE))
    return max(av) > 0x7F if isinstance(av, tuple) else av > 0x7F


def _flag_letters(flags: int) -> str:
    """RE2's letters for the flags it shares with Python: case-blind, and ``.`` matching a line break."""
    return "".join(letter for letter, bit in (("i", re.IGNORECASE), ("s", re.DOTALL)) if flags & bit)


def _translated(pattern: re.Pattern[str], *, exact: bool) -> str | None:
    if not isinstance(pattern.pattern, str) or pattern.flags & (re.VERBOSE | re.LOCALE | re.ASCII):
        return None
    try:
        body = _RE2Syntax(exact=exact).sequence(sre_parse.parse(pattern.pattern, pattern.flags),
                                                bool(pattern.flags & re.MULTILINE), bool(pattern.flags & re.IGNORECASE))
    except _Untranslatable:
        return None
    return f"(?{flags}:{body})" if (flags := _flag_letters(pattern.flags)) else body


def re2_screen(pattern: re.Pattern[str]) -> str | None:
    """RE2 syntax for a pattern that matches, in an ASCII text, wherever ``pattern`` does (and
    maybe elsewhere); None where RE2 cannot stand in for it."""
    return _translated(pattern, exact=False)


class Twin:
    """A pattern whose matches, in an ASCII text, are found by an RE2 twin (one DFA pass over the
    text) and read by ``re`` where they start: the same matches and groups as ``re`` alone finds,
    for a pattern that ``re`` tries at most positions of a long text. Where RE2 cannot read the
    pattern exactly (lookarounds, ``$``, case folds of non-ASCII letters...) or the text is not
    ASCII, ``re`` alone."""

    def __init__(self, pattern: re.Pattern[str]):
        import re2

        self.pattern = pattern
        self.fallback = quick(pattern)  # for the texts RE2 does not read
        syntax = _translated(pattern, exact=True)
        self.twin = None if syntax is None else re2.compile(syntax)

    def sub(self, repl: Callable[[re.Match[str]], str], text: str) -> str:
        """``self.pattern.sub(repl, text)``."""
        if self.twin is None or not text.isascii():
            return self.fallback.sub(repl, text)
        pieces, end = [], 0
        for found in self.twin.finditer(text.encode("ascii")):
            match = self.pattern.match(text, found.start())
            if match is None or match.end() != found.end():  # never, by construction; re decides
                return self.fallback.sub(repl, text)
            pieces += (text[end:match.start()], repl(match))
            end = match.end()
        pieces.append(text[end:])
        return "".join(pieces)


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
