"""The rule detector of stance: cues, negation, contrast, restriction and context rules (see the package docstring)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from spacy.tokens import Doc, Span, Token

from ..docview import doc_view
from ..tables import iter_sentences
from ..textfold import fold
from .lexicon import (
    _CLAUSE_DEPS,
    _CLAUSE_END,
    _CLOSE_QUOTES,
    _OPEN_QUOTES,
    _RISK_GROUPS,
    CueGroup,
    Keys,
    Match,
    StanceLexicon,
    _longest,
    _prepare,
    load_lexicon,
)

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
    if span is not None:
        v = doc_view(span.doc)
        strong = [i for i in range(span.start, span.end) if v.text[i] in (":", ";")]
    else:
        strong = []

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
                     prepared: tuple[list[int], list[Keys]] | None = None) -> SentenceAnalysis:
    """Find targets, cues and sentence-level rules in one sentence (no article context yet)."""
    s = lex.settings
    v = doc_view(span.doc)
    idx = range(span.start, span.end)
    n_words = sum(1 for i in idx if v.is_alpha[i])
    text = v.span_text(span.start, span.end).strip()
    last = text.rstrip(" »\"”’')").strip()
    is_question = last.endswith("?")
    has_verb = any(v.pos[i] in ("VERB", "AUX") for i in idx)
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

    first = next((i for i in idx if not v.is_punct[i]), None)
    anaphoric = first is not None and (v.ftext[first] in lex.anaphora or v.flemma[first] in lex.anaphora
                                       or v.ftext[first] in {"c'", "c"})

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

    if definition and not adversative and not opens_contrast:
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
    # a short sentence that only reinforces its neighbour takes the neighbour's stance; so does a short sentence
    # whose own cues lean the same way as the previous sentence's but are too weak alone ("C'est un vrai problème.")
    max_words = lex.settings.get("reinforce_max_words", 10)
    for k, (a, d) in enumerate(zip(analyses, decisions, strict=True)):
        if d.stance != "none" or levels[k][0] <= 0:
            continue
        if a.reinforcer and not d.hits:
            for j in (k - 1, k + 1):
                if 0 <= j < len(decisions) and decisions[j].stance != "none":
                    decisions[k] = Decision(decisions[j].stance, 0.0, [], d.target,
                                            d.rules + [f"reinforces sentence {sents[j][0]}"], [])
                    break
        elif d.score and k > 0 and a.n_words <= max_words and not a.is_question:
            prev = decisions[k - 1].stance
            if (prev == "pro" and d.score > 0) or (prev == "con" and d.score < 0):
                cues = [h.surface for h in d.hits if (h.weight > 0) == (prev == "pro")]
                decisions[k] = Decision(prev, d.score, cues, d.target,
                                        d.rules + [f"leans like sentence {sents[k - 1][0]}"], d.hits)
    return [(sid, span, d) for (sid, span), d in zip(sents, decisions, strict=True)]


def explain(span: Span | str, lex: StanceLexicon | None = None, nlp=None) -> pd.DataFrame:
    """The cues of one sentence (text or span) with their base and final weights and the rules applied."""
    lex = lex or load_lexicon()
    if isinstance(span, str):
        from ..nlp import load_pipeline

        doc = (nlp or load_pipeline())(span)
        span = doc[:]
    a = analyse_sentence(span, lex)
    rows = [{"cue": h.surface, "group": h.group, "base": h.base, "weight": round(h.weight, 3),
             "rules": ", ".join(h.notes)} for h in a.cues]
    return pd.DataFrame(rows, columns=["cue", "group", "base", "weight", "rules"])


def stance_of_text(text: str, nlp=None, lex: StanceLexicon | None = None) -> list[Decision]:
    """Stances of the sentences of a short text (parsed on the fly): handy for tests and checks."""
    from ..nlp import load_pipeline

    doc = (nlp or load_pipeline())(text)
    return [d for _, _, d in doc_stances(doc, lex)]

