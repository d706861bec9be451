"""Direct quotations and their speakers (named, pronoun resolved, or a source marker)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from spacy.tokens import Doc, Token

from ..tables import iter_sentences, token_sentence_ids
from ..textfold import fold
from .lexicon import QUOTE_COLUMNS, QuoteLexicon, load_filters, load_gazetteer, load_quote_lexicon, name_key
from .mentions import Mention, doc_mentions

_QUOTE_PATTERNS = [re.compile(r"«([^«»\n]+)»"), re.compile(r"“([^“”\n]+)”"), re.compile(r'"([^"\n]+)"'),
                   re.compile(r"„([^„“”\n]+)[“”]")]
_OPENERS = set("«“\"„")
_CLOSERS = set("»”\"“")


@dataclass
class Quote:
    doc_id: str
    start_char: int  # of the quoted text, inside the quotation marks
    end_char: int
    quote: str
    sent_id: int = -1
    end_sent_id: int = -1
    speaker: str = ""
    speaker_canonical: str = ""
    speaker_type: str = ""
    speaker_text: str = ""
    verb: str = ""
    attribution: str = "none"


def _find_quotes(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for rx in _QUOTE_PATTERNS:
        for m in rx.finditer(text):
            spans.append((m.start(1), m.end(1)))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    out: list[tuple[int, int]] = []
    for s in spans:
        if any(o[0] - 1 <= s[0] and s[1] <= o[1] + 1 for o in out):
            continue  # nested in a quotation already found
        out.append(s)
    return out


def _is_speech_verb(t: Token, lex: QuoteLexicon) -> bool:
    """A speech verb by lemma or form (the lemmatiser misses some: 'estime' -> estimer), or any verb
    inverted with its subject pronoun right after a quotation ('tranche-t-il')."""
    if t.is_punct or not t.is_alpha:
        return False
    low, lem = fold(t.text), fold(t.lemma_)
    if t.pos_ in ("VERB", "AUX", "NOUN", "ADJ", "PROPN") and (
            lem in lex.verbs or low in lex.verbs or (low.endswith("e") and low + "r" in lex.verbs)):
        return True
    nxt = t.doc[t.i + 1: t.i + 3]
    return len(nxt) > 0 and (fold(nxt[0].text) in ("-t", "-t-il", "-t-elle", "-il", "-elle"))


def _pronoun(t: Token, lex: QuoteLexicon) -> bool:
    return fold(t.text) in lex.pronouns


def _attribution(tokens: list[Token], mentions_at: dict[int, Mention], lex: QuoteLexicon, after: bool,
                 max_gap: int = 6) -> tuple[Token | None, Mention | None, Token | None, str]:
    """(verb token, speaker mention, pronoun token, noun-phrase speaker text) found in a token region."""
    if not tokens:
        return None, None, None, ""
    idx = {t.i for t in tokens}
    verbs = [t for t in tokens if _is_speech_verb(t, lex)]
    markers = [t for t in tokens if fold(t.text) in lex.markers
               or (fold(t.text) == "apres" and t.i > 0 and fold(t.doc[t.i - 1].text) == "d'")]
    if after:
        markers = [t for t in markers if fold(t.text) != "pour"]
        verbs = verbs[:1]  # the verb closest after the quotation
    else:
        verbs = verbs[-1:]
    for cue in [*verbs, *markers]:
        best: tuple[int, Mention | None, Token | None] | None = None
        for t in tokens:
            d = abs(t.i - cue.i)
            if d == 0 or d > max_gap:
                continue
            if cue in markers and t.i < cue.i:
                continue
            m = mentions_at.get(t.i)
            if m is not None and m.type in ("PER", "ORG"):
                cand = (d, m, None)
            elif _pronoun(t, lex) and cue not in markers:
                cand = (d + 0.5, None, t)
            else:
                continue
            if best is None or cand[0] < best[0]:
                best = cand
        if best is not None:
            return cue, best[1], best[2], ""
        if cue in verbs:
            subj = [c for c in cue.children if c.dep_.startswith("nsubj") and c.i in idx and c.pos_ in ("NOUN", "PROPN")]
            if subj:
                sub = subj[0]
                words = [w for w in sub.subtree if w.i in idx][:6]
                return cue, None, None, " ".join(w.text for w in words)
    return None, None, None, ""


def _resolve_pronoun(pos: int, mentions: list[Mention], sent_of: dict[int, int], max_sents: int = 5
                     ) -> Mention | None:
    """The nearest person mentioned before char pos, if unambiguous (one person in that sentence)."""
    before = [m for m in mentions if m.type == "PER" and m.end_char <= pos]
    if not before:
        return None
    last = before[-1]
    same = {m.canonical for m in before if m.sent_id == last.sent_id}
    here = sent_of.get(pos, last.sent_id)
    if len(same) != 1 or here - last.sent_id > max_sents:
        return None
    return last


def _name_in_article(text: str, mentions: list[Mention]) -> Mention | None:
    """The person or organisation of the article that a speaker phrase names ("Asay" -> Matt Asay), if one."""
    key = name_key(re.sub(r"^(?:le|la|les|l'|l’)\s*", "", text.strip(), flags=re.I))
    if not key:
        return None
    found = {m.canonical: m for m in mentions if m.type in ("PER", "ORG")
             and key in (name_key(m.text), name_key(m.canonical), name_key(m.canonical.split()[-1]))}
    return next(iter(found.values())) if len(found) == 1 else None


def quotes_table(docs: Mapping[str, Doc], mentions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Direct quotations: doc_id, sent_id (where it starts), end_sent_id, quote, speaker, speaker_canonical,
    speaker_type, speaker_text (as written: name, pronoun or noun phrase), verb, attribution
    ('explicit', 'pronoun', 'continuation', 'noun phrase' or 'none'), n_words, start_char, end_char.

    Terms in scare quotes (fewer than min_words words and no speech verb next to them) are left out.
    """
    lex = load_quote_lexicon()
    gaz, filters = load_gazetteer(), load_filters()
    rows: list[Quote] = []
    for doc_id, doc in docs.items():
        text = doc.text  # built once per article, shared by the mentions and the quotes
        if mentions is not None:
            ms = [Mention(doc_id, int(r.start_char), int(r.end_char), r.text, r.canonical, r.type, r.source,
                          sent_id=int(r.sent_id))
                  for r in mentions[mentions["doc_id"] == doc_id].itertuples(index=False)]
        else:
            ms = doc_mentions(doc_id, doc, gaz, filters, text=text)
        rows.extend(_doc_quotes(doc_id, doc, ms, lex, text))
    df = pd.DataFrame([[getattr(q, c) if c != "n_words" else len(q.quote.split()) for c in QUOTE_COLUMNS]
                       for q in rows], columns=QUOTE_COLUMNS)
    return df.astype({"sent_id": int, "end_sent_id": int, "n_words": int, "start_char": int, "end_char": int})


def _doc_quotes(doc_id: str, doc: Doc, mentions: list[Mention], lex: QuoteLexicon,
                text: str | None = None) -> list[Quote]:
    sids = token_sentence_ids(doc)
    sentences = dict(iter_sentences(doc))
    mentions = sorted(mentions, key=lambda m: m.start_char)
    mentions_at: dict[int, Mention] = {}
    for m in mentions:
        span = doc.char_span(m.start_char, m.end_char, alignment_mode="expand")
        if span is not None:
            for i in range(span.start, span.end):
                mentions_at[i] = m
    if text is None:
        text = doc.text  # built once: Doc.text joins every token (it was rebuilt per quote)
    quote_spans = _find_quotes(text)
    inside: set[int] = set()
    for s, e in quote_spans:
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is not None:
            inside.update(range(max(span.start - 1, 0), min(span.end + 1, len(doc))))
    out: list[Quote] = []
    prev: Quote | None = None
    for s, e in quote_spans:
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is None or not len(span):
            continue
        raw = text[s:e].strip()
        q = Quote(doc_id, s, e, raw)
        first_sid = next((sids[i] for i in range(span.start, span.end) if sids[i] >= 0), -1)
        last_sid = next((sids[i] for i in range(span.end - 1, span.start - 1, -1) if sids[i] >= 0), first_sid)
        q.sent_id, q.end_sent_id = first_sid, last_sid
        open_i, close_i = span.start - 1, span.end  # the quotation marks' tokens
        after: list[Token] = []
        if last_sid in sentences:
            for t in doc[close_i + 1: sentences[last_sid].end]:
                if t.i in inside or t.text in _OPENERS:
                    break
                after.append(t)
        before: list[Token] = []
        if first_sid in sentences:
            for t in reversed(doc[sentences[first_sid].start: max(open_i, 0)]):
                if t.i in inside or t.text in _CLOSERS:
                    break
                before.insert(0, t)
        verb = spk = pron = None
        np_text = ""
        for region, is_after in ((after, True), (before, False)):
            verb, spk, pron, np_text = _attribution(region, mentions_at, lex, is_after)
            if verb is not None:
                break
        if verb is None and first_sid - 1 in sentences:
            prev_sent = sentences[first_sid - 1]
            if prev_sent.text.rstrip().endswith(":"):
                toks = [t for t in prev_sent if t.i not in inside]
                verb, spk, pron, np_text = _attribution(toks, mentions_at, lex, after=False, max_gap=8)
        if verb is not None:
            q.verb = verb.text
            if spk is not None:
                q.speaker_text, q.speaker_canonical, q.speaker_type = spk.text, spk.canonical, spk.type
                q.attribution = "explicit"
            elif pron is not None:
                q.speaker_text = pron.text.lstrip("-").replace("t-", "")
                ref = _resolve_pronoun(s, mentions, {s: first_sid})
                if ref is not None:
                    q.speaker_canonical, q.speaker_type = ref.canonical, ref.type
                q.attribution = "pronoun"
            elif np_text:
                q.speaker_text = np_text
                q.attribution = "noun phrase"
                ref = _name_in_article(np_text, mentions)
                if ref is not None:
                    q.speaker_canonical, q.speaker_type = ref.canonical, ref.type
                    q.attribution = "explicit"
        if q.attribution == "none" and prev is not None and prev.speaker_canonical \
                and first_sid - prev.end_sent_id <= 1:
            q.speaker_canonical, q.speaker_type = prev.speaker_canonical, prev.speaker_type
            q.speaker_text, q.attribution = prev.speaker_text, "continuation"
        q.speaker = q.speaker_canonical or q.speaker_text
        n_words = len(re.findall(r"\w+", raw))
        if n_words < lex.min_words and not (q.verb and n_words >= 2):
            continue
        if not re.search(r"\w", raw):
            continue
        out.append(q)
        prev = q
    return out


def quote_counts(quotes: pd.DataFrame) -> pd.DataFrame:
    """Who is quoted: speaker, type, quotes, articles (attributed quotations only)."""
    cols = ["speaker", "type", "quotes", "articles"]
    if quotes.empty:
        return pd.DataFrame(columns=cols)
    q = quotes[quotes["speaker"].fillna("").astype(str).str.len() > 0]
    if q.empty:
        return pd.DataFrame(columns=cols)
    g = q.groupby("speaker").agg(type=("speaker_type", lambda s: next((x for x in s if x), "")),
                                 quotes=("quote", "size"), articles=("doc_id", "nunique")).reset_index()
    return g.sort_values(["quotes", "articles", "speaker"], ascending=[False, False, True], ignore_index=True)[cols]


