"""Stance of each sentence toward open-source AI (CODEBOOK.md section 5): pro, con or none.

Two detectors. The *rule* detector (the explainable baseline, below) is a transparent cue lexicon with rules;
nothing in it is learned. The *learned* detector (helpers.stance.learned, the default when the shipped model
in src/helpers/models/ exists) is a calibrated logistic regression over the rule detector's cues and decisions,
lemma n-grams, target words, the neighbouring sentences and word vectors, trained on coded press articles,
the seeds and the development set (helpers.learning; scores in its model card).

Package layout: lexicon (stance.yml compiled), rules (the rule detector), learned (the model), tables, plots.

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
    stance_table(docs, frames=None, detector=None)  one row per sentence: doc_id, sent_id, stance, prob, evidence, ...
    arguments_table(stances)                pro/con rows only
    explain(span)                           the cues and rules of one sentence, for checking the machine
    stance_frame_counts(arguments)          stance x frame counts
    article_balance(stances)                pro/con/none shares per article
    actor_stance(arguments, entities)       entities named in pro and in con sentences
    speaker_stance(stances, quotes)         the stance of what each quoted speaker says
    top_categories(arguments, stance, n)    the most frequent categories of one side
"""

from __future__ import annotations

from ..textfold import fold
from .lexicon import (
    ARGUMENT_COLUMNS,
    GAP,
    MAX_GAP,
    STANCE_COLUMNS,
    STANCES,
    CueGroup,
    Keys,
    Match,
    Pattern,
    Scanner,
    StanceLexicon,
    Word,
    _keys,
    _longest,
    _match_at,
    _prepare,
    _word_ok,
    compile_pattern,
    find_patterns,
    load_lexicon,
)
from .plots import article_labels, plot_actor_stance, plot_balance, plot_stance_frames, plot_top_categories
from .rules import (
    CueHit,
    Decision,
    SentenceAnalysis,
    analyse_sentence,
    doc_stances,
    explain,
    stance_of_text,
)
from .tables import (
    actor_stance,
    arguments_table,
    article_balance,
    balance_extremes,
    balance_remarks,
    cue_counts,
    explode_categories,
    overview_remarks,
    rule_counts,
    sentence_span,
    speaker_stance,
    stance_frame_counts,
    stance_table,
    top_categories,
)

__all__ = [
    "ARGUMENT_COLUMNS", "GAP", "MAX_GAP", "STANCE_COLUMNS", "STANCES", "CueGroup", "CueHit", "Decision", "Keys",
    "Match", "Pattern", "Scanner", "SentenceAnalysis", "StanceLexicon", "Word", "actor_stance", "analyse_sentence",
    "article_balance", "article_labels", "arguments_table", "balance_extremes", "balance_remarks",
    "compile_pattern", "cue_counts", "doc_stances", "explain", "explode_categories", "find_patterns", "fold",
    "load_lexicon", "overview_remarks", "plot_actor_stance", "plot_balance", "plot_stance_frames",
    "plot_top_categories", "rule_counts", "sentence_span", "speaker_stance", "stance_frame_counts",
    "stance_of_text", "stance_table", "top_categories", "_keys", "_longest", "_match_at", "_prepare", "_word_ok",
]
