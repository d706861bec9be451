"""Article-level rules on entity names: universities, licences and laws, acronyms, short and misspelled names."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from ..textfold import fold
from .lexicon import name_key

if TYPE_CHECKING:
    from .mentions import Mention


# "l'université (néerlandaise) de Radboud": the head noun, an optional adjective, an optional "de"/"d'"
_UNIVERSITY_BEFORE = re.compile(r"(?:^|(?<=[\s'’(]))(?P<head>[Uu]niversit[ée])(?P<adj>\s+[a-zà-ÿ\-]+?)??"
                                r"(?P<de>\s+de|\s+du|\s+d['’])?\s*$")


def _university_names(mentions: list[Mention], text: str) -> None:
    """A place or organisation name right after "université" is the university: the mention takes the words
    "université (adjective) (de)" into its surface; a name the gazetteer does not list as an organisation
    becomes the ORG "Université (de) X" ("l'université Renmin", "l'université californienne de Stanford")."""
    for m in mentions:
        if m.type not in ("ORG", "LOC") or not m.text[:1].isupper():
            continue
        before = text[max(0, m.start_char - 40):m.start_char]
        hit = _UNIVERSITY_BEFORE.search(before)
        if not hit or (hit.group("adj") and fold(hit.group("adj").strip()) in {"de", "du", "des", "la", "le"}):
            continue
        start = m.start_char - len(before) + hit.start("head")
        de = (hit.group("de") or "").strip()
        if not (m.source != "model" and m.type == "ORG"):
            link = "" if not de else de + ("" if de[-1] in "'’" else " ")
            m.canonical = f"Université {link}{m.canonical}"
            m.type, m.evidence = "ORG", "context"
        m.start_char, m.text = start, text[start:m.end_char]


# "sous licence MIT", "licence (MIT, Apache 2.0)", "la licence open source Apache 2": the names after the noun
_LICENCE_BEFORE = re.compile(r"(?i)\blicen[cs]es?\s*[(:]?\s*(?:(?:open[\s\-]source|libre|de\s+type|type|dite)\s+)?"
                             r"(?:[A-Z][\w.\-]*(?:\s+v?\d[\w.]*)?\s*(?:,|/|\bet\b|\bou\b)\s*)*$")
_LAW_OR_LICENCE_WORD = re.compile(r"(?i)(?:^|\s)(?:act|licen[cs]e)$|^(?:licen[cs]e|loi)\s")


def _licences_and_laws(mentions: list[Mention], text: str) -> None:
    """Licences and laws are not entities (CODEBOOK.md section 2): a name right after "licence" ("sous licence
    MIT", "licence BSD-3") or ending in "Act" or "Licence" ("CLOUD Act", "Server Side Public Licence") is MISC,
    and so are the other mentions of that model name in the article."""
    licences: set[str] = set()
    for m in mentions:
        if _LAW_OR_LICENCE_WORD.search(m.canonical.strip()) or _LAW_OR_LICENCE_WORD.search(m.text.strip()) or \
                _LICENCE_BEFORE.search(text[max(0, m.start_char - 60):m.start_char]):
            m.type, m.evidence = "MISC", "licence or law"
            if m.source == "model":
                licences.add(name_key(m.canonical))
    for m in mentions:
        if m.source == "model" and name_key(m.canonical) in licences:
            m.type, m.evidence = "MISC", "licence or law"


def _one_edit_apart(a: str, b: str) -> bool:
    """Whether two words differ by one inserted, deleted or replaced letter."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
    return a[i + 1:] == b[i + 1:] if len(a) == len(b) else a[i:] == b[i + 1:]


def _merge_misspelled_persons(mentions: list[Mention]) -> None:
    """Two full person names of one article with the same surname and first names one letter apart are one
    person misspelled once ("Christiant Gagné" and "Christian Gagné"): the rarer spelling takes the commoner
    (the gazetteer's name wins)."""
    counts: Counter[str] = Counter(m.canonical for m in mentions
                                   if m.type == "PER" and len(m.canonical.split()) == 2)
    if len(counts) < 2:
        return
    listed = {m.canonical for m in mentions if m.source != "model"}
    rank = sorted(counts, key=lambda c: (c not in listed, -counts[c], c))
    target: dict[str, str] = {}
    for k, rare in enumerate(rank):
        first, last = (name_key(w) for w in rare.split())
        for common in rank[:k]:
            f2, l2 = (name_key(w) for w in common.split())
            if l2 == last and min(len(first), len(f2)) >= 4 and _one_edit_apart(first, f2):
                target[rare] = target.get(common, common)
                break
    for m in mentions:
        if m.canonical in target and m.source == "model":
            m.canonical = target[m.canonical]


_ACRONYM_SKIP = {"de", "du", "des", "d", "la", "le", "les", "l", "et", "a", "au", "aux", "en", "pour", "sur",
                 "of", "the", "and", "for", "in", "on"}


def _initials(name: str) -> str:
    """The letters an acronym of this name would take: the first letter of each word (each part of a hyphenated
    word; function words and elided articles left out), every letter of a word in capitals ("AS Saint-Étienne"
    -> "ASSE", "Institut national de l'audiovisuel" -> "INA")."""
    out = []
    for word in re.split(r"[\s\-]+", name.replace("’", "'")):
        word = word.split("'")[-1] if "'" in word[:3] else word
        letters = "".join(c for c in fold(word) if c.isalnum())
        if not letters or (letters in _ACRONYM_SKIP and not word[:1].isupper()):
            continue
        upper = [c for c in word if c.isalpha()]
        out.append(letters if len(upper) >= 2 and all(c.isupper() for c in upper) else letters[0])
    return "".join(out).upper()


def _link_acronyms(mentions: list[Mention]) -> None:
    """An acronym and the name it abbreviates, both in the article, are one entity: the model-only one of the two
    takes the other's canonical name and type ("la Bibliothèque nationale de France (BNF)", "FAIR" and "Facebook
    Artificial Intelligence Research"); when both are model names the acronym takes the long name."""
    def is_acronym(m: Mention) -> bool:
        letters = [c for c in m.canonical if c.isalpha()]
        return " " not in m.canonical and 2 <= len(letters) <= 6 and all(c.isupper() for c in letters)

    long_names: dict[str, set[tuple[str, str, bool]]] = defaultdict(set)
    for m in mentions:
        if m.type != "PER" and len(m.canonical.split()) >= 2:
            long_names[_initials(m.canonical)].add((m.canonical, m.type, m.source == "model"))
    if not long_names:
        return
    renames: dict[str, tuple[str, str]] = {}  # model canonical -> (canonical, type), decided before any change
    for m in mentions:
        if not is_acronym(m) or (m.type == "PER" and m.source != "model"):
            continue
        found = long_names.get(name_key(m.canonical).upper(), set())
        if len({c for c, _, _ in found}) != 1:
            continue
        canon, typ, long_is_model = next(iter(found))
        if m.source == "model":
            renames.setdefault(m.canonical, (canon, typ))
        elif long_is_model:
            renames.setdefault(canon, (m.canonical, m.type))
    for m in mentions:
        if m.source == "model" and m.canonical in renames:
            m.canonical, m.type = renames[m.canonical]
            m.evidence = "acronym"


def _link_first_words(mentions: list[Mention]) -> None:
    """A one-word model name that is the first word of exactly one longer name of the article (not a person's)
    is that name written short ("l'Union" after "l'Union européenne", "l'Assemblée" after "l'Assemblée
    nationale"): it takes the longer name's canonical name and type."""
    longer: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for m in mentions:
        words = m.canonical.split()
        if m.type != "PER" and len(words) >= 2:
            longer[name_key(words[0])].add((m.canonical, m.type))
    for m in mentions:
        if m.source != "model" or m.type == "PER" or " " in m.canonical:
            continue
        found = longer.get(name_key(m.canonical), set())
        if len({c for c, _ in found}) == 1:
            m.canonical, m.type = next(iter(found))
            m.evidence = "short name"
