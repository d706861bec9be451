"""Textometry: what a corpus says, word by word (notebook 01).

A package: terms (normalisation, stop words, term list), names (multi-word names), units, frequencies, keyness, kwic,
collocations, examples (evidence sentences), remarks (generated commentary) and results (the
corpus-level results stored once per version of the corpus tables). Every name is re-exported here.

    units = units_table(corpus)                 # one row per word or multi-word term, terms merged
    freq = term_frequencies(units)              # content lemmas x articles, with a total column
    diversity = lexical_diversity(corpus.tokens)
    spec = keyness(count_matrix(units, by="doc_id"), sizes=part_sizes(units, by="doc_id"))
    kwic(corpus.docs, "open source")            # left | keyword | right, doc_id, sent_id
    collocations(units, n=2)                    # NLTK association measures, frequency floor
    cooccurrents(units, "open source")          # words over-represented in the term's sentences

Units. Every token becomes a unit, except that multi-word terms (data/lexicons/terms.yml, plus
multi-word names found by the entity recogniser and applied corpus-wide) become ONE unit, so
"open source" or "Hugging Face" is never split. A unit's `key` is what is counted: the term's
canonical form or the lowercased lemma; `label` is how charts show it. Content units are nouns,
proper nouns, adjectives, verbs and adverbs that are not stop words (spaCy's French list plus
data/lexicons/stopwords_extra.txt; spaCy's English list for English articles), numbers and
punctuation left out, and all terms.

Keyness ("specificities") compares each part of the corpus (an article, a source, a month)
with the rest: Dunning's log-likelihood G2 on the 2x2 table (term / other words, part / rest)
with its chi-square p-value (1 degree of freedom), and Lafon's hypergeometric specificity
score (TXM's "spécificités"): log10 of the probability of seeing the term at least (or at
most) that often in a random draw of the part's size from the whole corpus, signed + for
over-use and - for under-use.
"""

from __future__ import annotations

from .collocations import (  # noqa: F401 - re-exported
    _MEASURES,
    _ngram_forms,
    collocations,
    cooccurrents,
    sentence_sequences,
)
from .examples import (  # noqa: F401 - re-exported
    keyness_examples,
    ngram_sentences,
    sentences_with,
)
from .frequencies import (  # noqa: F401 - re-exported
    lexical_diversity,
    mattr,
    term_frequencies,
)
from .keyness import (  # noqa: F401 - re-exported
    KEYNESS_COLUMNS,
    _keyness_block,
    _with_parts,
    corpus_keyness,
    count_matrix,
    groupable,
    keyness,
    lafon_specificity,
    largest_parts,
    log_likelihood,
    part_of,
    part_sizes,
    top_keyness,
    write_full_keyness,
)
from .kwic import (  # noqa: F401 - re-exported
    _clip,
    _join_tokens,
    kwic,
    kwic_html,
    kwic_index,
    kwic_tokens,
    query_patterns,
)
from .names import (  # noqa: F401 - re-exported
    NAME_SEP,
    name_patterns,
    name_patterns_from_table,
    name_patterns_rows,
)
from .remarks import (  # noqa: F401 - re-exported
    collocation_remarks,
    keyness_remarks,
    overview_remarks,
    vocabulary_remarks,
)
from .results import (  # noqa: F401 - re-exported
    CorpusResults,
    bounded_frequencies,
    corpus_results,
    frequency_matrix,
    part_term_counts,
    term_counts,
    term_totals,
    write_full_frequencies,
)
from .terms import (  # noqa: F401 - re-exported
    _LETTER,
    CONTENT_POS,
    DASHES,
    TermList,
    _build_trie,
    _has_letter,
    _join_surface,
    _read_lines,
    _stop_words_cached,
    _tokenizer,
    find_matches,
    norm,
    pattern_tokens,
    stop_words,
)
from .units import (  # noqa: F401 - re-exported
    _PARTICIPLE_END,
    _PRESENT_PARTICIPLE,
    UNIT_COLUMNS,
    _empty_units,
    content,
    label_map,
    multiword_units,
    participle_adjective,
    resolve_key,
    units_table,
)

__all__ = [
    "CorpusResults",
    "bounded_frequencies",
    "corpus_results",
    "frequency_matrix",
    "part_term_counts",
    "term_counts",
    "term_totals",
    "write_full_frequencies",
    "CONTENT_POS",
    "DASHES",
    "KEYNESS_COLUMNS",
    "NAME_SEP",
    "TermList",
    "UNIT_COLUMNS",
    "collocation_remarks",
    "collocations",
    "content",
    "cooccurrents",
    "corpus_keyness",
    "count_matrix",
    "find_matches",
    "groupable",
    "keyness",
    "keyness_examples",
    "keyness_remarks",
    "kwic",
    "kwic_html",
    "kwic_index",
    "kwic_tokens",
    "label_map",
    "lafon_specificity",
    "largest_parts",
    "lexical_diversity",
    "log_likelihood",
    "mattr",
    "multiword_units",
    "name_patterns",
    "name_patterns_from_table",
    "name_patterns_rows",
    "ngram_sentences",
    "norm",
    "overview_remarks",
    "part_of",
    "part_sizes",
    "participle_adjective",
    "pattern_tokens",
    "query_patterns",
    "resolve_key",
    "sentence_sequences",
    "sentences_with",
    "stop_words",
    "term_frequencies",
    "top_keyness",
    "units_table",
    "vocabulary_remarks",
    "write_full_keyness",
]
