"""Stance of each sentence toward open-source AI (CODEBOOK.md section 5): pro, con or none.

The method is a transparent cue lexicon with rules; nothing is learned from data.

1. **Target.** Is the sentence about open AI? It names it ("open source", "modèle ouvert",
   "poids", "librement" ...), or names closed AI ("propriétaire", "fermé"), or, in an article about
   open AI, talks about models, weights, licences or an open model family ("Llama", "ces modèles":
   rule *topic*), or follows such a sentence closely (an anaphor such as "Cette approche" refers
   back to it), or belongs to an article about open AI. Without any of these the sentence is `none`.
2. **Cues.** Pro cues (benefits, what openness lets people do, endorsement, approval, running a
   model oneself, success when openness is named) and con cues (risks, misuse once the weights are
   out, concerns and limits, doubts about the openness, suspicion of motives, calls for
   restriction) from `data/lexicons/stance.yml`, each with a weight.
3. **Rules.** Negation flips a cue ("n'est pas sujet aux contrôles"), and so does a blocking verb
   ("le secret empêche de vérifier"); contrast weighs the main clause ("Malgré ses atouts, ... fait
   face à des défis" is con); a rhetorical question keeps its concern; con cues in a sentence about
   closed AI criticise it and count as pro; a restriction that is attempted, futile, negated or
   judged harmful ("fermer les modèles serait une erreur") is an argument for openness; a
   definition, a hypothesis, a condition or a check weighs less; "n'importe qui" next to a risk
   describes who can misuse (con); what a camp (supporters, critics) says takes its side; a heading
   that only names a topic is none; a short sentence that only reinforces its neighbour takes its
   stance; a futility judgement answers the restriction proposed in the previous sentence.
4. **Decision.** The weighted sum of the cues: pro at or above +threshold, con at or below
   -threshold, none in between.

Public surface:
    stance_table(docs, frames=None)         one row per sentence: doc_id, sent_id, stance, cues, categories, score, text
    arguments_table(stances)                pro/con rows only
    explain(span)                           the cues and rules of one sentence, for checking the machine
    stance_frame_counts(arguments)          stance x frame counts
    article_balance(stances)                pro/con/none shares per article
    actor_stance(arguments, entities)       entities named in pro and in con sentences
    speaker_stance(stances, quotes)         the stance of what each quoted speaker says
    top_categories(arguments, stance, n)    the most frequent categories of one side
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml
from spacy.tokens import Doc, Span, Token

from .paths import lexicon as lexicon_path
from .tables import iter_sentences

STANCES = ("pro", "con", "none")
STANCE_COLUMNS = ["doc_id", "sent_id", "stance", "categories", "cues", "score", "target", "rules", "text"]
ARGUMENT_COLUMNS = ["doc_id", "sent_id", "stance", "categories", "cues", "score", "rules", "text"]
GAP = "..."
MAX_GAP = 3
_SKIP = frozenset({"-", "–", "—", "“", "”", "«", "»", '"', "‘"})
_OPEN_QUOTES = frozenset({"“", "«", '"', "‘"})
_CLOSE_QUOTES = frozenset({"”", "»", '"', "’"})
_CLAUSE_DEPS = frozenset({"ROOT", "ccomp", "advcl", "acl", "acl:relcl", "parataxis", "csubj", "conj"})
_CLAUSE_END = frozenset({",", ":", ";", "–", "—"})
_RISK_GROUPS = ("con.risk", "con.misuse")


# ---------------------------------------------------------------------------------------------
# Lexicon
# ---------------------------------------------------------------------------------------------

@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower case, accents removed, typographic apostrophes unified."""
    text = unicodedata.normalize("NFKD", str(text).replace("’", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


# a word of a pattern: (folded word, is_prefix, required POS or "", surface form only)
Word = tuple[str, bool, str, bool]


@dataclass(frozen=True)
class Pattern:
    """A cue compiled to a sequence of word tests (None = a gap of up to MAX_GAP tokens)."""

    label: str
    words: tuple[Word | None, ...]


@dataclass(frozen=True)
class CueGroup:
    """A group of cues of the lexicon with its polarity, weight, target condition and options."""

    name: str
    polarity: int
    weight: float
    needs: str
    restriction: bool
    patterns: tuple[Pattern, ...]
    negatable: bool = True
    harm: bool = False
    endorsement: bool = False
    enabled_by: frozenset[str] = frozenset()
    questions_only: bool = False
    anyone: bool = False


@dataclass
class StanceLexicon:
    """The stance lexicon: targets, cue groups, rule words and settings."""

    settings: dict[str, float]
    open_targets: tuple[Pattern, ...]
    closed_targets: tuple[Pattern, ...]
    anaphora: frozenset[str]
    groups: tuple[CueGroup, ...]
    rules: dict[str, tuple[Pattern, ...]]
    rule_words: dict[str, frozenset[str]]
    source: str = ""
    topic_targets: tuple[Pattern, ...] = ()
    _scanner: Scanner | None = field(default=None, init=False, repr=False, compare=False)

    def scanner(self) -> Scanner:
        """All patterns of the lexicon indexed once by their first word (built on first use)."""
        if self._scanner is None:
            self._scanner = Scanner(self)
        return self._scanner

    def group(self, name: str) -> CueGroup | None:
        return next((g for g in self.groups if g.name == name), None)


def _tokenizer():
    import spacy

    return spacy.blank("fr").tokenizer


def compile_pattern(text: str, tokenizer=None) -> Pattern:
    """Compile a cue string (see the head of stance.yml) into a Pattern.

    `word*` is a prefix, `word/POS` requires a part of speech, `=word` matches the surface form only
    (not the lemma: "=fermer" is the infinitive, not "fermés"), and "..." is a gap.
    """
    tokenizer = tokenizer or _tokenizer()
    words: list[Word | None] = []
    for part in str(text).split():
        if part == GAP:
            words.append(None)
            continue
        pos = ""
        exact = part.startswith("=") and len(part) > 1
        part = part.lstrip("=") if exact else part
        if "/" in part:
            part, pos = part.rsplit("/", 1)
            pos = pos.upper()
        prefix = part.endswith("*")
        part = part.rstrip("*")
        toks = [fold(t.text) for t in tokenizer(part) if t.text not in _SKIP and t.text.strip()]
        for k, t in enumerate(toks):
            last = k == len(toks) - 1
            words.append((t, prefix and last, pos if last else "", exact))
    return Pattern(str(text), tuple(words))


def load_lexicon(path: str | Path | None = None) -> StanceLexicon:
    """Read stance.yml (default: data/lexicons/stance.yml) into a StanceLexicon."""
    path = Path(path) if path else lexicon_path("stance.yml")
    return _load_lexicon_cached(str(path), path.stat().st_mtime)


@lru_cache(maxsize=8)
def _load_lexicon_cached(path: str, mtime: float) -> StanceLexicon:  # noqa: ARG001 - mtime invalidates the cache
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    tok = _tokenizer()
    comp = lambda items: tuple(compile_pattern(c, tok) for c in items or [])  # noqa: E731
    first_words = lambda items: frozenset(  # noqa: E731
        fold(t.text) for w in items or [] for t in list(tok(str(w)))[:1])
    groups = []
    for side, polarity in (("pro", 1), ("con", -1)):
        for name, spec in (raw.get(side) or {}).items():
            spec = spec or {}
            groups.append(CueGroup(
                name=f"{side}.{name}", polarity=polarity, weight=float(spec.get("weight", 1.0)),
                needs=str(spec.get("needs", "target")), restriction=bool(spec.get("restriction", False)),
                patterns=comp(spec.get("cues")), negatable=bool(spec.get("negatable", True)),
                harm=bool(spec.get("harm", False)), endorsement=bool(spec.get("endorsement", False)),
                enabled_by=first_words(spec.get("enabled_by")),
                questions_only=bool(spec.get("questions_only", False)), anyone=bool(spec.get("anyone", False))))
    rules = raw.get("rules") or {}
    target = raw.get("target") or {}
    return StanceLexicon(
        settings={k: float(v) for k, v in (raw.get("settings") or {}).items()},
        open_targets=comp(target.get("open")),
        closed_targets=comp(target.get("closed")),
        anaphora=frozenset(fold(a) for a in target.get("anaphora") or []),
        groups=tuple(groups),
        rules={k: comp(v) for k, v in rules.items()},
        rule_words={k: frozenset(fold(str(w).split("/")[0]) for w in v or []) for k, v in rules.items()},
        source=path,
        topic_targets=comp(target.get("topic")),
    )


# ---------------------------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------------------------

@dataclass
class Match:
    """One pattern found in a sentence: its label, surface text and token range (doc indices)."""

    label: str
    surface: str
    start: int
    end: int
    group: CueGroup | None = None


Keys = tuple[str, str, str]  # folded text, folded lemma, POS


def _keys(tok: Token) -> Keys:
    return fold(tok.text), fold(tok.lemma_), tok.pos_


def _word_ok(keys: Keys, word: Word) -> bool:
    w, prefix, pos, exact = word
    if pos and keys[2] != pos:
        return False
    if prefix:
        return keys[0].startswith(w) or (not exact and keys[1].startswith(w))
    return w == keys[0] or (not exact and w == keys[1])


def _match_at(keys: list[Keys], i: int, words: tuple[Word | None, ...], k: int = 0) -> int | None:
    """End position (exclusive, in keys) of words[k:] matched from keys[i], or None."""
    n = len(keys)
    while k < len(words):
        word = words[k]
        if word is None:
            for skip in range(0, MAX_GAP + 1):
                end = _match_at(keys, i + skip, words, k + 1)
                if end is not None:
                    return end
            return None
        if i >= n or not _word_ok(keys[i], word):
            return None
        i, k = i + 1, k + 1
    return i


class Scanner:
    """Every pattern of a lexicon (targets, cue groups, rule lists) indexed by its first word, so a
    sentence is scanned once for all of them."""

    def __init__(self, lex: StanceLexicon) -> None:
        entries: list[tuple[Pattern, str, CueGroup | None]] = []
        entries += [(p, "open", None) for p in lex.open_targets]
        entries += [(p, "closed", None) for p in lex.closed_targets]
        entries += [(p, "topic", None) for p in lex.topic_targets]
        for g in lex.groups:
            entries += [(p, g.name, g) for p in g.patterns]
        for name, pats in lex.rules.items():
            entries += [(p, f"rule:{name}", None) for p in pats]
        self.exact: dict[str, list[tuple[Pattern, str, CueGroup | None]]] = {}
        # prefix patterns ("ouvert*") by their first two letters, so a token only tries the few that can match
        self.prefix: dict[str, list[tuple[Pattern, str, CueGroup | None]]] = {}
        for e in entries:
            first = e[0].words[0] if e[0].words else None
            if first is None:
                continue
            if first[1]:  # a one-letter prefix is tried on every token (key "")
                self.prefix.setdefault(first[0][:2] if len(first[0]) >= 2 else "", []).append(e)
            else:
                self.exact.setdefault(first[0], []).append(e)

    def scan(self, span: Span, toks: list[Token], keys: list[Keys]) -> dict[str, list[Match]]:
        """All matches in a prepared sentence, by list name ("open", "con.risk", "rule:negation" ...)."""
        out: dict[str, list[Match]] = {}
        doc = span.doc
        for i, k in enumerate(keys):
            cands = self.exact.get(k[0], [])
            if k[1] != k[0] and k[1] in self.exact:
                cands = cands + self.exact[k[1]]
            pre = self.prefix.get(k[0][:2], []) + self.prefix.get("", [])
            if k[1][:2] != k[0][:2] and k[1][:2] in self.prefix:
                pre = pre + self.prefix[k[1][:2]]
            for p, name, g in (*cands, *pre):
                end = _match_at(keys, i, p.words)
                if end is not None and end > i:
                    a, b = toks[i].i, toks[end - 1].i + 1
                    out.setdefault(name, []).append(Match(p.label, doc[a:b].text, a, b, g))
        return out


def _prepare(span: Span) -> tuple[list[Token], list[Keys]]:
    toks = [t for t in span if t.text not in _SKIP and not t.is_space]
    return toks, [_keys(t) for t in toks]


def find_patterns(span: Span, patterns: Iterable[Pattern], group: CueGroup | None = None,
                  prepared: tuple[list[Token], list[Keys]] | None = None) -> list[Match]:
    """All matches of patterns in span (hyphens and quotation marks are ignored)."""
    toks, keys = prepared or _prepare(span)
    out = []
    for i in range(len(keys)):
        for p in patterns:
            if not p.words or p.words[0] is None:
                continue
            end = _match_at(keys, i, p.words)
            if end is not None and end > i:
                a, b = toks[i].i, toks[end - 1].i + 1
                out.append(Match(p.label, span.doc[a:b].text, a, b, group))
    return out


def _longest(matches: list[Match]) -> list[Match]:
    """Drop matches whose token range lies inside a longer match."""
    matches = sorted(matches, key=lambda m: (-(m.end - m.start), m.start))
    kept: list[Match] = []
    for m in matches:
        if any(k.start <= m.start and m.end <= k.end for k in kept):
            continue
        kept.append(m)
    return sorted(kept, key=lambda m: m.start)


# ---------------------------------------------------------------------------------------------
# Sentence analysis
# ---------------------------------------------------------------------------------------------

@dataclass
class CueHit:
    """A cue with the weight it finally contributes and the rules that changed it."""

    surface: str
    group: str
    base: float
    weight: float
    start: int
    notes: list[str] = field(default_factory=list)


@dataclass
class SentenceAnalysis:
    """What the rules saw in one sentence, before the article context is applied."""

    open_targets: list[str]
    closed_targets: list[str]
    cues: list[CueHit]
    rules: list[str]
    is_question: bool
    is_heading: bool
    anaphoric: bool
    reinforcer: bool
    n_words: int
    topic_targets: list[str] = field(default_factory=list)
    futility: list[str] = field(default_factory=list)   # futility words met without a restriction
    calls_restriction: bool = False                        # a restriction that stands (con)


def _negated(tok: Token, lex: StanceLexicon, span: Span | None = None) -> bool:
    """Whether the clause governing tok is negated (walks up to the first clause head).

    A negation does not reach across a colon or semicolon of the sentence ("Ce n'est pas une utopie :
    c'est la seule voie").
    """
    neg = lex.rule_words.get("negation", frozenset())
    neg_ne = lex.rule_words.get("negation_with_ne", frozenset())
    strong = [t.i for t in span if t.text in (":", ";")] if span is not None else []

    def same_clause(i: int) -> bool:
        lo, hi = min(i, tok.i), max(i, tok.i)
        return not any(lo < p < hi for p in strong)

    cur, steps = tok, 0
    while steps < 8:
        kids = [k for k in cur.children if same_clause(k.i)]
        adv = {fold(k.text) for k in kids
               if k.dep_.startswith("advmod") and not any(c.dep_ == "det" for c in k.children)}
        subj = {fold(k.text) for k in kids if k.dep_.startswith(("nsubj", "det", "advmod"))}
        has_ne = bool(adv & {"ne", "n'"})
        if adv & neg or (has_ne and (adv | subj) & neg_ne):
            return True
        is_clause = cur.pos_ in ("VERB", "AUX") or any(k.dep_ == "cop" for k in kids)
        if (is_clause and cur.dep_ in _CLAUSE_DEPS) or cur.head.i == cur.i:
            return False
        cur, steps = cur.head, steps + 1
    return False


def _locally_negated(span: Span, start: int, lex: StanceLexicon, depth: int = 0, clause_negated: bool = False) -> bool:
    """A local negator ('sans', 'absence de', 'pas de', 'impossible de') within three tokens before the
    cue (or its first conjunct). 'pas de' does not count again when the clause is already negated
    ("ne présentent pas de risque" is one negation, not two)."""
    tok = span.doc[start]
    if tok.dep_ == "conj" and tok.head.i < start and tok.head.i >= span.start and depth < 3 \
            and _locally_negated(span, tok.head.i, lex, depth + 1, clause_negated):
        return True
    local = lex.rule_words.get("local_negation", frozenset())
    lo = max(span.start, start - 3)
    prev = [span.doc[i] for i in range(lo, start)]
    for k, t in enumerate(prev):
        f = fold(t.text)
        if f in local or fold(t.lemma_) in local:
            return True
        if f == "pas" and not clause_negated and k + 1 < len(prev) and fold(prev[k + 1].text) in ("de", "d'"):
            return True
    return False


def _blocked(tok: Token, lex: StanceLexicon) -> bool:
    """The cue is governed (within two steps) by a blocking word: "le secret empêche de vérifier"."""
    blocking = lex.rule_words.get("blocking", frozenset())
    cur = tok
    for _ in range(2):
        if cur.head.i == cur.i or cur.dep_ == "conj":  # a conjunct is not governed by its first conjunct
            return False
        cur = cur.head
        if fold(cur.lemma_) in blocking or fold(cur.text) in blocking:
            return True
    return False


_COPULAS = frozenset({"etre", "rester", "demeurer", "devenir", "sembler", "paraitre"})


def _denied(span: Span, start: int, lex: StanceLexicon) -> bool:
    """An open target used as a negated predicate: "n'est pas (vraiment) open source", "ne sont pas ouverts"."""
    neg = lex.rule_words.get("negation", frozenset()) | {"plus"}
    lo = max(span.start, start - 5)
    before = [span.doc[i] for i in range(lo, start)]
    has_neg = any(fold(t.text) in neg for t in before)
    has_ne = any(fold(t.text) in ("ne", "n'") for t in before)
    has_cop = any(fold(t.lemma_) in _COPULAS or t.dep_ in ("cop", "aux:pass") for t in before)
    return has_neg and has_ne and has_cop


def _scope(span: Span, start: int) -> int:
    """End of the clause opened at token `start`: the next comma, colon, semicolon or dash."""
    for t in span.doc[start + 1: span.end]:
        if t.text in _CLAUSE_END:
            return t.i
    return span.end


def _enabled(span: Span, start: int, enablers: frozenset[str], window: int) -> bool:
    """An enabling word ("pouvoir", "permettre" ...) in the `window` tokens before the cue."""
    for t in span.doc[max(span.start, start - window): start]:
        if fold(t.lemma_) in enablers or fold(t.text) in enablers:
            return True
    return False


def _camp(span: Span, found: dict[str, list[Match]], lex: StanceLexicon) -> int:
    """+1 (-1) when supporters (critics) of open AI are the subject of a speech verb, else 0."""
    speech = lex.rule_words.get("speech", frozenset())
    for name, polarity in (("rule:pro_camp", 1), ("rule:con_camp", -1)):
        for m in found.get(name, []):
            tok = span.doc[m.start]
            head = tok.head
            if tok.dep_.startswith("nsubj") and (fold(head.lemma_) in speech or fold(head.text) in speech):
                return polarity
    return 0


_RULE_GROUP = CueGroup("rule", 0, 0.0, "none", False, ())  # hits added by rules (denied openness, futility)


class _GroupIndex(dict):
    """Group by name; hits added by rules get a neutral group without options."""

    def __init__(self, lex: StanceLexicon) -> None:
        super().__init__((g.name, g) for g in lex.groups)

    def __missing__(self, key: str) -> CueGroup:
        return _RULE_GROUP


def analyse_sentence(span: Span, lex: StanceLexicon,
                     prepared: tuple[list[Token], list[Keys]] | None = None) -> SentenceAnalysis:
    """Find targets, cues and sentence-level rules in one sentence (no article context yet)."""
    s = lex.settings
    n_words = sum(1 for t in span if t.is_alpha)
    text = span.text.strip()
    last = text.rstrip(" »\"”’')").strip()
    is_question = last.endswith("?")
    has_verb = any(t.pos_ in ("VERB", "AUX") for t in span)
    is_heading = not has_verb and not last.endswith((".", "!", "?", "…"))
    rules: list[str] = []
    prep = prepared or _prepare(span)
    found = lex.scanner().scan(span, *prep)
    rule = lambda name: found.get(f"rule:{name}", [])  # noqa: E731

    open_t = _longest(found.get("open", []))
    closed_t = _longest(found.get("closed", []))
    # "source fermée" is closed, not open: drop open matches that overlap a closed one
    open_t = [m for m in open_t if not any(c.start <= m.start < c.end for c in closed_t)]
    topic_t = _longest(found.get("topic", []))

    window = int(s.get("enable_window", 8))
    raw: list[Match] = []
    for g in lex.groups:
        ms = found.get(g.name, [])
        if not ms or (g.questions_only and not is_question):
            continue
        if g.enabled_by:
            ms = [m for m in ms if _enabled(span, m.start, g.enabled_by, window)]
        raw += ms
    matches = _longest(raw)

    first = next((t for t in span if not t.is_punct), None)
    anaphoric = first is not None and (fold(first.text) in lex.anaphora or fold(first.lemma_) in lex.anaphora
                                       or fold(first.text) in {"c'", "c"})

    # contrast markers
    not_contrast = [m.end for m in rule("not_contrast")]
    adversative = [m for m in rule("adversative") if not any(0 <= m.start - e <= 12 for e in not_contrast)]
    # a sentence that opens with "Cependant" or "Mais" makes its point against the previous one
    opens_contrast = any(m.start - span.start <= 1 for m in adversative)
    adversative = sorted((m for m in adversative if m.start - span.start > 1), key=lambda m: m.start)
    concessive = [(m.start, _scope(span, m.start)) for m in rule("concessive")]
    hypothesis = [(m.start, _scope(span, m.start)) for m in rule("hypothesis") if span.doc[m.start].pos_ == "SCONJ"]
    hypothesis += [(m.start, _scope(span, m.start)) for m in rule("condition")]
    checks = [(m.end, _scope(span, m.start)) for m in rule("check")]  # what is checked, after the verb
    definition = rule("definition")
    futility = rule("futility")
    attempts = rule("attempt")
    calls = rule("call")
    topic_heads = lex.rule_words.get("topic_heads", frozenset())

    def result(hits: list[CueHit], reinforcer: bool = False, calls_restriction: bool = False,
               futile: list[str] | None = None) -> SentenceAnalysis:
        return SentenceAnalysis([m.surface for m in open_t], [m.surface for m in closed_t], hits, rules,
                                is_question, is_heading, anaphoric, reinforcer, n_words,
                                [m.surface for m in topic_t], futile or [], calls_restriction)

    if is_heading:
        root = next((t for t in span if t.head.i == t.i), None)
        if root is not None and fold(root.lemma_) in topic_heads:
            rules.append("heading names a topic")
            return result([])

    adv_pos = adversative[-1].start if adversative else None
    if adversative:
        rules.append(f"contrast ({adversative[-1].surface})")
    if concessive:
        rules.append("concession")
    if opens_contrast:
        rules.append("opens with contrast")
    attempted_restriction = False
    judged_restriction = False
    hits: list[CueHit] = []
    for m in matches:
        g = m.group
        assert g is not None
        w = g.polarity * g.weight
        notes: list[str] = []
        tok = span.doc[m.start]
        judged = False
        # restriction: futile, attempted or negated restrictions argue for openness
        if g.restriction:
            attempted = any(0 < m.start - a.start <= 4 for a in attempts)
            if futility or attempted:
                w = abs(w)
                notes.append("futile restriction" if futility else "attempted restriction")
                attempted_restriction = attempted_restriction or attempted
                judged = judged_restriction = True
            elif any(0 < m.start - c.start <= 4 for c in calls):
                w *= 2
                notes.append("call for restriction")
        negated = g.negatable and not judged and _negated(tok, lex, span)
        local = g.negatable and not judged and _locally_negated(span, m.start, lex, clause_negated=negated)
        blocked = g.negatable and not judged and not local and _blocked(tok, lex)
        if is_question and w < 0:
            if negated or local or blocked:
                notes.append("question keeps concern")
        else:
            if negated:
                w, notes = -w, notes + ["negation"]
            if local:
                w, notes = -w, notes + ["local negation"]
                if g.restriction and w > 0:  # "sans restriction" describes, it hardly argues
                    w, notes = w * 0.5, notes + ["negated restriction"]
            if blocked:
                w, notes = -w, notes + ["blocked"]
        # scare quotes around a pro cue ('cette "démocratisation"') keep a distance from it
        if w > 0 and m.end - m.start <= 3 and m.start > span.start and m.end < span.end \
                and span.doc[m.start - 1].text in _OPEN_QUOTES and span.doc[m.end].text in _CLOSE_QUOTES:
            w = 0.0
            notes.append("scare quotes")
        # contrast: the clause after an adversative marker is the main point
        if opens_contrast:
            w *= s.get("main_clause_factor", 1.5)
            notes.append("main point")
        if adv_pos is not None:
            if m.start > adv_pos:
                w *= s.get("main_clause_factor", 1.5)
                notes.append("main clause")
            else:
                w *= s.get("before_adversative_factor", 0.5)
                notes.append("before contrast")
        if any(a <= m.start < b for a, b in concessive):
            w *= s.get("concessive_factor", 0.3)
            notes.append("concessive clause")
        if any(a <= m.start < b for a, b in hypothesis):
            w *= s.get("hypothesis_factor", 0.5)
            notes.append("hypothesis or condition")
        if not is_question and any(a <= m.start < b for a, b in checks):
            w *= s.get("check_factor", 0.25)
            notes.append("check")
        hits.append(CueHit(m.surface, g.name, g.polarity * g.weight, w, m.start, notes))

    group_of = _GroupIndex(lex)
    restricts = [h for h in hits if group_of[h.group].restriction and h.weight < 0]

    # a verb of support that introduces a call for restriction is not an endorsement of openness
    if restricts:
        dropped = [h for h in hits if group_of[h.group].endorsement]
        if dropped:
            hits = [h for h in hits if not group_of[h.group].endorsement]
            rules.append("support verb introduces a restriction")

    # denied openness: "Llama n'est pas vraiment open source" -> open-washing doubt (con)
    for t in open_t:
        if _denied(span, t.start, lex):
            hits.append(CueHit(t.surface, "con.denied_openness", -1.5, -1.5, t.start, ["openness denied"]))
            rules.append("openness denied")
            break

    # harmful restriction: "fermer les modèles serait une erreur", "les tentatives de bloquer ... nuiront"
    harmful = restricts and any(group_of[h.group].harm and h.weight < 0 for h in hits)
    if attempted_restriction or harmful or (futility and any(group_of[h.group].restriction for h in hits)):
        rules.append("restriction is futile or harmful")
        judged_restriction = True
        for h in hits:
            if h.weight < 0:
                h.weight, h.notes = -h.weight, h.notes + ["harm of restriction"]
        if futility:
            hits.append(CueHit(futility[0].surface, "pro.futility", 1.0, 1.0, futility[0].start, ["futility"]))

    # "n'importe qui peut le modifier pour supprimer ses garde-fous": access to the risk is the risk
    if any(h.group in _RISK_GROUPS and h.weight < 0 for h in hits):
        for h in hits:
            if group_of[h.group].anyone and h.weight > 0:
                h.weight, h.notes = -h.weight, h.notes + ["anyone can misuse"]
                if "anyone can misuse" not in rules:
                    rules.append("anyone can misuse")

    # criticism of closed AI (con cues in a sentence about closed, not open, AI) is pro; a call to close
    # ("il faut fermer ces modèles") stays a call for restriction, and a worried question about closing
    # ("que se passera-t-il le jour où elle fermera ses modèles ?") stays a worry
    if closed_t and not open_t:
        rules.append("about closed AI")
        for h in hits:
            g = group_of[h.group]
            if h.weight < 0 and h.group not in _RISK_GROUPS and not (g.restriction or g.questions_only):
                h.weight, h.notes = -h.weight, h.notes + ["criticises closed AI"]

    # what supporters (critics) of open AI say takes their side
    camp = _camp(span, found, lex)
    if camp:
        rules.append("said by supporters of open AI" if camp > 0 else "said by critics of open AI")
        for h in hits:
            if h.weight * camp < 0:
                h.weight, h.notes = -h.weight, h.notes + ["reported camp"]

    if definition and not adversative:
        rules.append("definition")
        for h in hits:
            h.weight *= 0.3
    if is_question:
        rules.append("question")
    reinforcer = bool(rule("reinforce")) and n_words <= s.get("reinforce_max_words", 10) and not is_question
    standing = any(group_of[h.group].restriction and h.weight < 0 for h in hits)
    futile = [m.surface for m in futility] if not judged_restriction else []
    return result(hits, reinforcer, standing, futile)


# ---------------------------------------------------------------------------------------------
# Decision with article context
# ---------------------------------------------------------------------------------------------

@dataclass
class Decision:
    """The stance of one sentence with its score, cues, target level and rules."""

    stance: str
    score: float
    cues: list[str]
    target: str
    rules: list[str]
    hits: list[CueHit]


def _decide(a: SentenceAnalysis, level: float, target: str, lex: StanceLexicon) -> Decision:
    threshold = lex.settings.get("threshold", 1.0)
    direct_open = bool(a.open_targets)
    group_of = {g.name: g for g in lex.groups}
    score = 0.0
    used: list[CueHit] = []
    for h in a.cues:
        group = group_of.get(h.group)
        needs = group.needs if group else "none"
        if needs == "direct":
            factor = 1.0 if direct_open else 0.0
        elif needs == "none":
            factor = 1.0 if level > 0 else 0.0
        else:
            factor = level
        if factor <= 0:
            continue
        score += h.weight * factor
        used.append(h)
    stance = "pro" if score >= threshold else "con" if score <= -threshold else "none"
    rules = list(a.rules)
    if level == 0 and a.cues:
        rules.append("no target")
    cues = [h.surface for h in used if h.weight and (h.weight > 0) == (stance == "pro")] if stance != "none" else []
    return Decision(stance, round(score, 3), cues, target, rules, used)


def _target_levels(analyses: list[SentenceAnalysis], lex: StanceLexicon) -> list[tuple[float, str]]:
    """Per sentence: how strongly it is about open AI (1 direct, context_factor by context, 0 not)."""
    s = lex.settings
    ctx = s.get("context_factor", 0.75)
    topic_factor = s.get("topic_factor", 1.0)
    window = int(s.get("window", 2))
    direct = [bool(a.open_targets or a.closed_targets) for a in analyses]
    n_direct = sum(bool(a.open_targets) for a in analyses)
    n_about = sum(bool(a.open_targets or a.topic_targets) for a in analyses)
    share = s.get("topic_share", 0.15)
    n = max(1, len(analyses))
    # about open AI: it names open AI often enough, or names it at least once and talks about models,
    # weights and licences often enough (an article about Llama that says "open" once)
    on_topic = ((n_direct >= s.get("topic_min_sentences", 2) and n_direct / n >= share)
                or (n_direct >= 1 and n_about >= s.get("topic_min_sentences", 2) + 1 and n_about / n >= 2 * share))
    # in such an article, a sentence about models or weights is as good as a direct mention for the next ones
    about = [d or (on_topic and bool(a.topic_targets)) for d, a in zip(direct, analyses, strict=True)]
    out = []
    for k, a in enumerate(analyses):
        recent = any(about[max(0, k - window):k])
        if direct[k]:
            out.append((1.0, "direct"))
        elif a.topic_targets and (on_topic or recent):
            out.append((topic_factor, "topic"))
        elif recent and a.anaphoric:
            out.append((1.0, "anaphor"))
        elif recent:
            out.append((ctx, "nearby"))
        elif on_topic:
            out.append((ctx, "article"))
        else:
            out.append((0.0, ""))
    return out


def _answer_previous_restriction(analyses: list[SentenceAnalysis], lex: StanceLexicon) -> None:
    """A futility judgement right after a call for restriction judges that restriction:
    "D'autres proposent de limiter la publication des poids." + "Une telle mesure serait contre-productive." (pro)."""
    for k in range(1, len(analyses)):
        a, prev = analyses[k], analyses[k - 1]
        if not prev.calls_restriction or a.calls_restriction:
            continue
        if not a.futility:
            continue
        for h in a.cues:
            if h.weight < 0 and h.group not in _RISK_GROUPS:
                h.weight, h.notes = -h.weight, h.notes + ["judges the previous restriction"]
        if a.futility:
            a.cues.append(CueHit(a.futility[0], "pro.futility", 1.0, 1.0, -1, ["futility of the previous restriction"]))
        a.rules.append("judges the restriction of the previous sentence")


def doc_stances(doc: Doc, lex: StanceLexicon | None = None) -> list[tuple[int, Span, Decision]]:
    """(sent_id, span, Decision) for every sentence of a document."""
    lex = lex or load_lexicon()
    sents = list(iter_sentences(doc))
    analyses = [analyse_sentence(span, lex) for _, span in sents]
    _answer_previous_restriction(analyses, lex)
    levels = _target_levels(analyses, lex)
    decisions = [_decide(a, lvl, tgt, lex) for a, (lvl, tgt) in zip(analyses, levels, strict=True)]
    # a short sentence that only reinforces its neighbour takes the neighbour's stance
    for k, (a, d) in enumerate(zip(analyses, decisions, strict=True)):
        if d.stance == "none" and a.reinforcer and not d.hits and levels[k][0] > 0:
            for j in (k - 1, k + 1):
                if 0 <= j < len(decisions) and decisions[j].stance != "none":
                    decisions[k] = Decision(decisions[j].stance, 0.0, [], d.target,
                                            d.rules + [f"reinforces sentence {sents[j][0]}"], [])
                    break
    return [(sid, span, d) for (sid, span), d in zip(sents, decisions, strict=True)]


def explain(span: Span | str, lex: StanceLexicon | None = None, nlp=None) -> pd.DataFrame:
    """The cues of one sentence (text or span) with their base and final weights and the rules applied."""
    lex = lex or load_lexicon()
    if isinstance(span, str):
        from .nlp import load_pipeline

        doc = (nlp or load_pipeline())(span)
        span = doc[:]
    a = analyse_sentence(span, lex)
    rows = [{"cue": h.surface, "group": h.group, "base": h.base, "weight": round(h.weight, 3),
             "rules": ", ".join(h.notes)} for h in a.cues]
    return pd.DataFrame(rows, columns=["cue", "group", "base", "weight", "rules"])


def stance_of_text(text: str, nlp=None, lex: StanceLexicon | None = None) -> list[Decision]:
    """Stances of the sentences of a short text (parsed on the fly): handy for tests and checks."""
    from .nlp import load_pipeline

    doc = (nlp or load_pipeline())(text)
    return [d for _, _, d in doc_stances(doc, lex)]


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------

def _frames_by_sentence(frames: pd.DataFrame | None) -> dict[tuple[str, int], list[str]]:
    if frames is None or len(frames) == 0 or "frame" not in frames.columns:
        return {}
    out: dict[tuple[str, int], list[str]] = {}
    for d, sid, f in frames[["doc_id", "sent_id", "frame"]].itertuples(index=False):
        if isinstance(f, str) and f:
            lst = out.setdefault((d, int(sid)), [])
            if f not in lst:
                lst.append(f)
    return out


def stance_table(docs: Mapping[str, Doc], frames: pd.DataFrame | None = None,
                 lexicon: StanceLexicon | None = None) -> pd.DataFrame:
    """One row per sentence: doc_id, sent_id, stance, categories, cues, score, target, rules, text."""
    lex = lexicon or load_lexicon()
    by_sent = _frames_by_sentence(frames)
    rows = []
    for doc_id, doc in docs.items():
        for sid, span, d in doc_stances(doc, lex):
            cats = ""
            if d.stance != "none":
                cats = "; ".join(sorted(by_sent.get((doc_id, sid), []))) or "other"
            rows.append((doc_id, sid, d.stance, cats, "; ".join(dict.fromkeys(d.cues)), d.score, d.target,
                         "; ".join(d.rules), span.text))
    return pd.DataFrame(rows, columns=STANCE_COLUMNS)


def arguments_table(stances: pd.DataFrame) -> pd.DataFrame:
    """The pro and con sentences: doc_id, sent_id, stance, categories, cues, score, rules, text."""
    if stances is None or len(stances) == 0:
        return pd.DataFrame(columns=ARGUMENT_COLUMNS)
    args = stances[stances["stance"].isin(["pro", "con"])]
    return args[[c for c in ARGUMENT_COLUMNS if c in args.columns]].reset_index(drop=True)


def explode_categories(arguments: pd.DataFrame) -> pd.DataFrame:
    """One row per argument and category."""
    if len(arguments) == 0:
        return arguments.assign(category=pd.Series(dtype=str))
    out = arguments.assign(category=arguments["categories"].fillna("").astype(str).str.split(r";\s*"))
    out = out.explode("category")
    out["category"] = out["category"].str.strip().replace("", "other")
    return out.reset_index(drop=True)


def stance_frame_counts(arguments: pd.DataFrame) -> pd.DataFrame:
    """Stance x category counts: rows are categories, columns pro and con (an argument counts once per frame)."""
    if len(arguments) == 0:
        return pd.DataFrame(columns=["pro", "con"], dtype=int)
    ex = explode_categories(arguments)
    table = pd.crosstab(ex["category"], ex["stance"])
    for col in ("pro", "con"):
        if col not in table.columns:
            table[col] = 0
    table = table[["pro", "con"]]
    table["total"] = table["pro"] + table["con"]
    table = table.sort_values(["total", "pro"], ascending=False).drop(columns="total")
    table.columns.name = None
    table.index.name = "category"
    return table


def overview_remarks(stances: pd.DataFrame) -> str:
    """Markdown: how many sentences argue for and against, which side dominates, how arguments reach open AI."""
    from .display import md_escape

    n = len(stances)
    if n == 0:
        return "**This corpus has no sentence to analyse**: every section below is empty."
    counts = stances["stance"].value_counts().reindex(["pro", "con", "none"], fill_value=0)
    n_docs = stances["doc_id"].nunique()
    lines = [f"- **{n}** sentences in **{n_docs}** article(s): **{counts['pro']}** pro ({counts['pro'] / n:.0%}), "
             f"**{counts['con']}** con ({counts['con'] / n:.0%}), {counts['none']} none ({counts['none'] / n:.0%})."]
    if counts["pro"] + counts["con"] == 0:
        lines.append("- No sentence argues for or against open-source AI in this corpus.")
    else:
        ratio = counts["pro"] / max(1, counts["con"])
        side = "for" if counts["pro"] > counts["con"] else "against" if counts["con"] > counts["pro"] else None
        if side:
            lines.append(f"- Arguments **{side}** open-source AI dominate "
                         f"({max(counts['pro'], counts['con'])} against {min(counts['pro'], counts['con'])} sentences"
                         + (f", a ratio of {ratio:.1f} to 1" if side == 'for' and counts['con'] else "") + ").")
        else:
            lines.append("- Arguments for and against are equally frequent.")
        by_target = stances[stances["stance"] != "none"]["target"].value_counts()
        if len(by_target):
            lines.append("- How the arguments are tied to open AI: " + ", ".join(
                f"{md_escape(k)} {v}" for k, v in by_target.items())
                + " (*direct*: the sentence names open or closed AI; *anaphor*/*nearby*: a preceding sentence "
                  "did; *article*: the article is about open AI).")
    return "\n".join(lines)


def balance_extremes(balance: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The most favourable and the most critical article of an article_balance table (non-empty)."""
    top_pro = balance.sort_values(["balance", "pro"], ascending=False).iloc[0]
    top_con = balance.sort_values(["balance", "con"], ascending=[True, False]).iloc[0]
    return top_pro, top_con


def balance_remarks(balance: pd.DataFrame) -> str:
    """Markdown: the most favourable and most critical articles, and how many carry both sides."""
    from .display import md_escape

    top_pro, top_con = balance_extremes(balance)
    lines = [f"- Most favourable article: `{md_escape(top_pro['doc_id'])}` "
             f"({int(top_pro['pro'])} pro, {int(top_pro['con'])} con of {int(top_pro['n_sentences'])} sentences)."]
    if len(balance) > 1 or top_con["con"]:
        lines.append(f"- Most critical article: `{md_escape(top_con['doc_id'])}` "
                     f"({int(top_con['pro'])} pro, {int(top_con['con'])} con of {int(top_con['n_sentences'])} sentences).")
    mixed = balance[(balance["pro"] > 0) & (balance["con"] > 0)]
    lines.append(f"- {len(mixed)} of {len(balance)} article(s) carry arguments of both sides.")
    return "\n".join(lines)


def _stance_counts(index, stance: pd.Series) -> pd.DataFrame:
    """Counts of pro, con and none per value of index (all three columns, in that order, even when absent)."""
    return pd.crosstab(index, stance).reindex(columns=list(STANCES), fill_value=0)


def article_balance(stances: pd.DataFrame) -> pd.DataFrame:
    """Per article: counts and shares of pro, con and none sentences, and the net balance (pro - con) / sentences."""
    cols = ["doc_id", "n_sentences", "pro", "con", "none", "pro_share", "con_share", "none_share", "balance"]
    if stances is None or len(stances) == 0:
        return pd.DataFrame(columns=cols)
    counts = _stance_counts(stances["doc_id"], stances["stance"])
    n = counts.sum(axis=1)
    out = counts.assign(n_sentences=n)
    for s in STANCES:
        out[f"{s}_share"] = (counts[s] / n).round(3)
    out["balance"] = ((counts["pro"] - counts["con"]) / n).round(3)
    order = list(dict.fromkeys(stances["doc_id"]))
    out = out.reindex(order).reset_index()
    out.columns.name = None
    return out[cols]


def top_categories(arguments: pd.DataFrame, stance: str, n: int = 5) -> pd.DataFrame:
    """The n most frequent categories of one side, with their count and one example sentence each."""
    cols = ["category", "count", "doc_id", "sent_id", "text", "cues"]
    side = arguments[arguments["stance"] == stance] if len(arguments) else arguments
    if len(side) == 0:
        return pd.DataFrame(columns=cols)
    ex = explode_categories(side)
    counts = ex["category"].value_counts()
    counts = counts.rename_axis("category").reset_index(name="count")
    counts = counts.sort_values(["count", "category"], ascending=[False, True]).head(n)
    strongest = ex.assign(strength=ex["score"].abs()).sort_values("strength", ascending=False)
    first = strongest.drop_duplicates("category").set_index("category")
    counts = counts.join(first[["doc_id", "sent_id", "text", "cues"]], on="category")
    return counts[cols].reset_index(drop=True)


def actor_stance(stances: pd.DataFrame, entities: pd.DataFrame | None, min_mentions: int = 1,
                 top: int | None = 15) -> pd.DataFrame:
    """Entities (canonical names) by the stance of the sentences that name them: pro, con, none counts.

    Sorted by the number of pro + con sentences; only entities in at least `min_mentions` argument sentences.
    """
    cols = ["canonical", "type", "pro", "con", "none", "arguments"]
    if entities is None or len(entities) == 0 or stances is None or len(stances) == 0:
        return pd.DataFrame(columns=cols)
    name_col = "canonical" if "canonical" in entities.columns else "text"
    ents = entities[["doc_id", "sent_id", name_col] + (["type"] if "type" in entities.columns else [])]
    ents = ents.rename(columns={name_col: "canonical"}).drop_duplicates(["doc_id", "sent_id", "canonical"])
    if "type" not in ents.columns:
        ents = ents.assign(type="")
    merged = ents.merge(stances[["doc_id", "sent_id", "stance"]], on=["doc_id", "sent_id"], how="inner")
    if len(merged) == 0:
        return pd.DataFrame(columns=cols)
    table = _stance_counts([merged["canonical"], merged["type"]], merged["stance"]).reset_index()
    table.columns.name = None
    # one type per entity: its most frequent
    table = table.sort_values(["canonical", "pro"]).groupby("canonical", as_index=False).agg(
        type=("type", "first"), pro=("pro", "sum"), con=("con", "sum"), none=("none", "sum"))
    table["arguments"] = table["pro"] + table["con"]
    table = table[table["arguments"] >= min_mentions]
    table = table.sort_values(["arguments", "pro", "canonical"], ascending=[False, False, True])
    if top:
        table = table.head(top)
    return table[cols].reset_index(drop=True)


def speaker_stance(stances: pd.DataFrame, quotes: pd.DataFrame | None) -> pd.DataFrame:
    """Per quoted speaker: the stance of the sentences holding their quotes (pro, con, none counts).

    A quote that spans several sentences is counted in each of them.
    """
    cols = ["speaker", "pro", "con", "none", "quotes"]
    if quotes is None or len(quotes) == 0 or stances is None or len(stances) == 0 or "speaker" not in quotes.columns:
        return pd.DataFrame(columns=cols)
    q = quotes[["doc_id", "sent_id", "speaker"]].copy()
    q["speaker"] = q["speaker"].fillna("").astype(str).str.strip()
    q = q[q["speaker"] != ""].drop_duplicates()
    merged = q.merge(stances[["doc_id", "sent_id", "stance"]], on=["doc_id", "sent_id"], how="inner")
    if len(merged) == 0:
        return pd.DataFrame(columns=cols)
    table = _stance_counts(merged["speaker"], merged["stance"])
    table["quotes"] = table.sum(axis=1)
    table = table.sort_values(["quotes", "pro"], ascending=False).reset_index()
    table.columns.name = None
    return table[cols]


def cue_counts(arguments: pd.DataFrame, stance: str | None = None, n: int = 15) -> pd.DataFrame:
    """The cues that decided most arguments (of one side, or both): cue, stance, count."""
    cols = ["cue", "stance", "count"]
    if len(arguments) == 0:
        return pd.DataFrame(columns=cols)
    side = arguments if stance is None else arguments[arguments["stance"] == stance]
    ex = side.assign(cue=side["cues"].fillna("").astype(str).str.split(r";\s*")).explode("cue")
    ex["cue"] = ex["cue"].str.strip().str.lower()
    ex = ex[ex["cue"] != ""]
    if len(ex) == 0:
        return pd.DataFrame(columns=cols)
    out = ex.groupby(["cue", "stance"]).size().rename("count").reset_index()
    return out.sort_values(["count", "cue"], ascending=[False, True]).head(n).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Labels and figures (house style from helpers.viz)
# ---------------------------------------------------------------------------------------------

def _plain(text: object, max_len: int = 45) -> str:
    """Text safe for a matplotlib label: one line, shortened, '$' escaped (no mathtext)."""
    from .viz import short_label

    return short_label(text, max_len).replace("$", r"\$")


def article_labels(documents: pd.DataFrame | None, doc_ids: Iterable[str], max_len: int = 45) -> dict[str, str]:
    """doc_id -> a short readable label: the title (shortened) with the doc_id, or the doc_id alone."""
    titles = {}
    if documents is not None and len(documents) and "title" in documents.columns:
        titles = {d: t for d, t in zip(documents["doc_id"], documents["title"], strict=True)
                  if isinstance(t, str) and t.strip()}
    out = {}
    for d in doc_ids:
        short_id = _plain(d, 28)
        out[d] = f"{_plain(titles[d], max_len)}\n[{short_id}]" if d in titles else short_id
    return out


def plot_balance(balance: pd.DataFrame, labels: Mapping[str, str] | None = None, source: str = "",
                 max_articles: int = 40):
    """Diverging bars: per article, the share of pro sentences to the right and of con sentences to the left.

    Beyond max_articles articles, only those with the most arguments are drawn (the title says so)."""
    import matplotlib.pyplot as plt

    from . import viz

    title = "Arguments for and against open-source AI, per article"
    if len(balance) > max_articles:
        title += f" (the {max_articles} of {len(balance)} articles with the most arguments)"
        balance = balance.assign(_n=balance["pro"] + balance["con"]).nlargest(max_articles, "_n").drop(columns="_n")
    data = balance.sort_values(["balance", "pro_share"], ascending=True).reset_index(drop=True)
    labels = labels or {}
    height = max(2.8, 0.55 * len(data) + 1.6)
    fig, ax = plt.subplots(figsize=(9.5, height))
    y = range(len(data))
    ax.barh(y, data["pro_share"], color=viz.STANCE_COLORS["pro"], label="pro")
    ax.barh(y, -data["con_share"], color=viz.STANCE_COLORS["con"], label="con")
    for k, r in data.iterrows():
        if r["pro"]:
            ax.text(r["pro_share"] + 0.01, k, f"{int(r['pro'])}", va="center", fontsize=8)
        if r["con"]:
            ax.text(-r["con_share"] - 0.01, k, f"{int(r['con'])}", va="center", ha="right", fontsize=8)
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(list(y))
    ax.set_yticklabels([labels.get(d, _plain(d)) for d in data["doc_id"]], fontsize=8)
    _diverging_axis(ax, float(data["con_share"].max()), float(data["pro_share"].max()), percent=True)
    viz.finish(fig, ax, title=title,
               xlabel="share of the article's sentences (con ← | → pro); bar labels: number of sentences",
               ylabel="", source=source)
    return fig, ax


def _diverging_axis(ax, left: float, right: float, percent: bool) -> None:
    """x limits for con (left) and pro (right) bars, tick labels without sign, legend outside."""
    import numpy as np

    unit = 0.05 if percent else 1.0
    left, right = max(left, unit), max(right, unit)
    lo, hi = -max(left, right * 0.25) * 1.22, max(right, left * 0.25) * 1.22
    step = _nice_step((hi - lo) / 6, percent)
    ticks = np.concatenate([-np.arange(step, -lo, step)[::-1], np.arange(0, hi, step)])
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{abs(t):.0%}" if percent else f"{abs(int(round(t)))}" for t in ticks])
    ax.set_xlim(lo, hi)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9)


def _nice_step(raw: float, percent: bool) -> float:
    """A round tick step near raw (integers for counts)."""
    for step in ((0.05, 0.1, 0.2, 0.25, 0.5) if percent else (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000)):
        if step >= raw:
            return step
    return raw


def plot_stance_frames(counts: pd.DataFrame, source: str = ""):
    """Heatmap of stance x category counts (rows: categories; columns: pro, con)."""
    import matplotlib.pyplot as plt

    from . import viz

    data = counts[["pro", "con"]]
    totals = data.sum(axis=0).replace(0, 1)
    shares = data / totals  # colour: share of the side's arguments, so both sides are readable
    height = max(2.8, 0.42 * len(data) + 1.6)
    fig, ax = plt.subplots(figsize=(6.5, height))
    vmax = max(0.05, float(shares.values.max()))
    im = ax.imshow(shares.values, cmap=viz.SEQUENTIAL_CMAP, aspect="auto", vmin=0, vmax=vmax)
    ax.set_xticks([0, 1])
    ax.set_xticklabels(["pro (for)", "con (against)"])
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(data)))
    ax.set_yticklabels([_plain(c, 30) for c in data.index])
    for i in range(len(data)):
        for j in range(2):
            val, share = int(data.values[i, j]), float(shares.values[i, j])
            ax.text(j, i, f"{val} ({share:.0%})", ha="center", va="center", fontsize=9,
                    color="white" if share > vmax * 0.6 else "#222222")
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    cbar = fig.colorbar(im, ax=ax, fraction=0.05, pad=0.04)
    cbar.set_label("share of the side's arguments", fontsize=9)
    cbar.ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    viz.finish(fig, ax, title="Which arguments are made for and against", xlabel="",
               ylabel="", source=source + "; cells: arguments (share of the side's arguments); "
                                          "an argument with several frames counts in each")
    ax.set_title("Which arguments are made for and against", loc="left", pad=28)
    return fig, ax


def plot_top_categories(arguments: pd.DataFrame, n: int = 6, source: str = ""):
    """Two panels: the n most frequent categories of the pro side and of the con side."""
    import matplotlib.pyplot as plt

    from . import viz

    fig, axes = plt.subplots(1, 2, figsize=(11, max(3.0, 0.45 * n + 1.8)))
    for ax, side in zip(axes, ("pro", "con"), strict=True):
        top = top_categories(arguments, side, n=n)
        if top.empty:
            ax.text(0.5, 0.5, f"no {side} argument", ha="center", va="center", color="#666666",
                    transform=ax.transAxes)
            ax.set_xticks([])
            ax.set_yticks([])
        else:
            top = top.iloc[::-1]
            colors = [viz.FRAME_COLORS.get(c, "#9e9e9e") for c in top["category"]]
            ax.barh([_plain(c, 25) for c in top["category"]], top["count"], color=colors)
            for k, v in enumerate(top["count"]):
                ax.text(v + 0.05, k, str(int(v)), va="center", fontsize=8)
            ax.set_xlim(0, float(top["count"].max()) * 1.18 + 0.5)
            ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_title(f"{side}: {'for' if side == 'pro' else 'against'} open-source AI", loc="left",
                     color=viz.STANCE_COLORS[side], fontsize=11)
        ax.set_xlabel("arguments (sentences)")
    fig.suptitle("Top categories of each side", x=0.01, ha="left", fontweight="bold", fontsize=13)
    fig.tight_layout()
    if source:
        fig.text(0.01, -0.02, source, ha="left", va="top", fontsize=8, color="#555555")
    return fig, axes


def plot_actor_stance(table: pd.DataFrame, name_col: str = "canonical", title: str = "", source: str = "",
                      xlabel: str = "sentences (con ← | → pro)", show_none: bool = False):
    """Diverging bars per actor: pro sentences to the right, con to the left; with show_none, the none
    sentences as a light bar after the pro ones."""
    import matplotlib.pyplot as plt

    from . import viz

    data = table.iloc[::-1].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(9, max(2.2, 0.42 * len(data) + 1.4)))
    y = range(len(data))
    height = 0.7 if len(data) > 2 else 0.45
    ax.barh(y, data["pro"], color=viz.STANCE_COLORS["pro"], label="pro", height=height)
    ax.barh(y, -data["con"], color=viz.STANCE_COLORS["con"], label="con", height=height)
    if show_none and "none" in data.columns:
        ax.barh(y, data["none"], left=data["pro"], color=viz.STANCE_COLORS["none"], alpha=0.6,
                label="none", height=height)
    if len(data) <= 2:
        ax.set_ylim(-0.8, len(data) - 0.2)
    for k, r in data.iterrows():
        extra = int(r["none"]) if show_none and "none" in data.columns else 0
        if r["pro"] or extra:
            text = f"{int(r['pro'])}" + (f" (+{extra} none)" if extra else "")
            ax.text(r["pro"] + extra + 0.05, k, text, va="center", fontsize=8)
        if r["con"]:
            ax.text(-r["con"] - 0.05, k, str(int(r["con"])), va="center", ha="right", fontsize=8)
    ax.axvline(0, color="#333333", linewidth=0.8)
    labels = [_plain(v, 30) + (f" ({r['type']})" if "type" in data.columns and r["type"] else "")
              for v, (_, r) in zip(data[name_col], data.iterrows(), strict=True)]
    ax.set_yticks(list(y))
    ax.set_yticklabels(labels, fontsize=9)
    right = data["pro"] + (data["none"] if show_none and "none" in data.columns else 0)
    _diverging_axis(ax, float(data["con"].max()), float(right.max()) * (1.25 if show_none else 1.0), percent=False)
    viz.finish(fig, ax, title=title, xlabel=xlabel, ylabel="", source=source)
    return fig, ax


def rule_counts(stances: pd.DataFrame) -> pd.DataFrame:
    """How often each rule fired, split by the resulting stance: rule, pro, con, none."""
    cols = ["rule", "pro", "con", "none"]
    if stances is None or len(stances) == 0:
        return pd.DataFrame(columns=cols)
    ex = stances.assign(rule=stances["rules"].fillna("").astype(str).str.split(r";\s*")).explode("rule")
    ex["rule"] = ex["rule"].str.strip().str.replace(r"\s*\(.*\)$", "", regex=True)
    ex["rule"] = ex["rule"].str.replace(r"^reinforces sentence \d+$", "reinforces a neighbour", regex=True)
    ex = ex[ex["rule"] != ""]
    if len(ex) == 0:
        return pd.DataFrame(columns=cols)
    table = _stance_counts(ex["rule"], ex["stance"])
    table = table.loc[table.sum(axis=1).sort_values(ascending=False).index].reset_index()
    table.columns.name = None
    return table[cols]


def sentence_span(docs: Mapping[str, Doc], doc_id: str, sent_id: int) -> Span:
    """The span of one sentence (same numbering as every table)."""
    for sid, span in iter_sentences(docs[doc_id]):
        if sid == sent_id:
            return span
    raise KeyError(f"no sentence {sent_id} in {doc_id}")
