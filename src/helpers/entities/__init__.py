"""Entities and actors (CODEBOOK.md section 2): who is named, who speaks, who appears with whom.

    mentions = entities_table(docs)            # one row per entity mention
    quotes = quotes_table(docs)                # direct quotations with their speakers
    entity_article_counts(mentions)            # canonical x article counts
    top_actors(mentions)                       # most mentioned actors by type
    cooccurrence_graph(mentions)               # networkx graph, co-occurrence within a sentence

Recognition has two layers:

1. **Gazetteer** (data/lexicons/entities.yml): canonical names, types and aliases of the actors of
   the open-source AI debate. Aliases are matched on the text with case, accents, apostrophes,
   dashes and word separators folded, so "Deepseek", "Etats Unis" or "Hugging-Face" are found;
   model versions are folded into their family (GPT-4o -> GPT, LLaMA 3 -> Llama). Matching works
   on characters rather than spaCy tokens because the French tokenizer glues some versions
   ("GPT-4" is one token) and splits others ("DeepSeek", "-", "R1").
2. **Statistical model**: the spaCy pipeline's own entities, kept when the gazetteer does not
   cover them, after junk filtering (data/lexicons/entity_filters.yml: spans starting with a verb,
   mostly stop words, figures of speech, demonyms, generic terms, URLs, emoji, bylines), name
   normalisation (determiners and titles stripped, a surname alone resolved to the full name
   given in the same article, spelling variants grouped across the corpus) and typing: MISC
   spans are typed by the noun before or after them (data/lexicons/entity_context.yml).

Where both layers find a name, the gazetteer's canonical name and type win, except when the
model finds a longer person's name around a gazetteer name ("Claude Chappe") or a longer
organisation around a place ("Banque de France").

Package layout: lexicon (types, folding, gazetteer, filters, quote cues), mentions (one article's
mentions), names (article-level rules on names: universities, licences and laws, acronyms, short and
misspelled names), quotes (quotations and speakers), summary (corpus tables over mentions), plots.
"""

from __future__ import annotations

from ..textfold import fold, fold_chars  # noqa: F401 - name folding, as before the package
from .lexicon import (  # noqa: F401 - the package's names, private helpers included (used by entity_learning)
    _LINE_WORDS,
    _VERSION,
    ALL_TYPES,
    ENTITY_COLUMNS,
    LEARNED_FILE,
    MODEL_LABELS,
    QUOTE_COLUMNS,
    SCORED_TYPES,
    Entry,
    Filters,
    Gazetteer,
    QuoteLexicon,
    _alias_regex,
    _demonym_forms,
    _Pattern,
    _read_yaml,
    _same_case,
    fold_text,
    load_context_cues,
    load_filters,
    load_gazetteer,
    load_org_suffixes,
    load_quote_lexicon,
    name_key,
    read_entries,
)
from .mentions import (  # noqa: F401 - the package's names, private helpers included (used by entity_learning)
    _BENCHMARK,
    _COORDINATORS,
    _DATELINE_AFTER,
    _MODEL_LINE_WORDS,
    _TRAILING_VERSION,
    _URLISH,
    Mention,
    _context_type,
    _drop_bylines,
    _group_model_names,
    _is_dateline,
    _is_emoji,
    _looks_like_brand,
    _model_type,
    _normal_name,
    _organisation_around,
    _outside_tokens,
    _overlaps,
    _person_around,
    _resolve_surnames,
    _split_coordination,
    _strip_span,
    doc_mentions,
    entities_table,
    junk_reason,
    learned_layer,
    model_entities_table,
)
from .plots import (  # noqa: F401 - the package's names, private helpers included (used by entity_learning)
    _component_layout,
    plot_cooccurrence,
    plot_entity_heatmap,
    plot_quoted,
    plot_top_entities,
)
from .quotes import (  # noqa: F401 - the package's names, private helpers included (used by entity_learning)
    _CLOSERS,
    _OPENERS,
    _QUOTE_PATTERNS,
    Quote,
    _attribution,
    _doc_quotes,
    _find_quotes,
    _is_speech_verb,
    _name_in_article,
    _pronoun,
    _resolve_pronoun,
    quote_counts,
    quotes_table,
)
from .summary import (  # noqa: F401 - the package's names, private helpers included (used by entity_learning)
    cooccurrence_graph,
    cooccurrence_pairs,
    entity_article_counts,
    entity_sentences,
    pair_sentences,
    scored,
    top_actors,
)
