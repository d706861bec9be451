"""Frames and framing devices per sentence (CODEBOOK.md sections 3 and 4), from editable lexicons.

    frames = frames_table(corpus.docs)        # doc_id, sent_id, frame, cues, score, negated, text
    devices = devices_table(corpus.docs)      # doc_id, sent_id, device, cues, score, negated, text
    frame_prevalence(frames, corpus.sentences), frame_profile(frames, corpus.sentences), ...

Method (transparent on purpose, every decision is traceable to a cue in a YAML file):
- The lexicons (data/lexicons/frames.yml, devices.yml) list French cues per label, strong (1.0)
  or weak (0.5). Cues are matched on lemmas: a token matches a cue word if the word equals the
  token's spaCy lemma, its lower-cased form, or its singular ("géants" -> géant); multi-word cues
  match token by token and may contain gaps ("génie ... bouteille").
- A label is given to a sentence when its distinct cues add up to the lexicon's threshold (1.0),
  so one weak cue alone (a word often used in passing) is not enough; `actors` cues (who takes part:
  développeur, chercheur ...) weigh one weak cue together, however many a sentence names.
- `exclude` expressions remove cues used in another sense; `combine` rules need cues from
  several groups at once (geopolitics = a state and a rivalry; a demonym alone is nothing).
- Negated cues keep their label (denying a risk still speaks of risk) and are listed in the
  `negated` column; cues under a dismissal ("il ne s'agit pas de coûts") are discarded.
- Devices only: a sentence without a device of its own that explicitly continues the previous
  sentence's image ("C'est exactement ce qui se passe avec ...", `continuations` in devices.yml)
  keeps that device.
Only French documents are analysed (the lexicons are French).

Two detectors for frames: the rule detector above (the explainable baseline; devices always use it) and
the learned one (helpers.framing.learned: one calibrated logistic regression per frame over the rule
scores, lemma n-grams, neighbouring sentences and word vectors), the default when the shipped model exists.
`frames_table(docs, detector="learned"|"rules")`; every row carries `prob` and `evidence`.

Package layout: lexicon (frames.yml, devices.yml compiled), rules (the rule detector), learned, tables
(profiles, commentary), plots.
"""

from __future__ import annotations

from .lexicon import (
    CONTRACTIONS,
    DEVICE_COLORS,
    DEVICE_COLUMNS,
    DEVICES,
    ELISIONS,
    FRAME_COLUMNS,
    FRAMES,
    GAP,
    MAX_GAP,
    Cue,
    Lexicon,
    cue_tokens,
    device_lexicon,
    frame_lexicon,
    load_lexicon,
    read_lexicon,
)
from .plots import (
    evidence_html,
    plot_cooccurrence,
    plot_devices,
    plot_frame_strips,
    plot_prevalence,
    plot_profile_heatmap,
)
from .rules import (
    Hit,
    Match,
    devices_table,
    explain,
    find_cues,
    is_negated,
    label_sentence,
    rule_frames_table,
    token_keys,
)
from .tables import (
    cue_frequencies,
    describe_cooccurrence,
    describe_devices,
    describe_prevalence,
    describe_profiles,
    frame_cooccurrence,
    frame_prevalence,
    frame_profile,
    frames_table,
    lexicon_summary,
    profile_matrix,
    sentence_frames,
    strongest_examples,
    top_pairs,
)

__all__ = [
    "FRAMES", "DEVICES", "DEVICE_COLORS", "FRAME_COLUMNS", "DEVICE_COLUMNS", "CONTRACTIONS", "ELISIONS", "GAP",
    "MAX_GAP", "Cue", "Lexicon", "Match", "Hit", "read_lexicon", "load_lexicon", "frame_lexicon",
    "device_lexicon", "token_keys", "cue_tokens", "find_cues", "is_negated", "label_sentence", "frames_table",
    "rule_frames_table", "devices_table", "explain", "frame_prevalence", "frame_profile", "profile_matrix",
    "frame_cooccurrence", "top_pairs", "strongest_examples", "cue_frequencies", "sentence_frames",
    "describe_prevalence", "describe_profiles", "describe_cooccurrence", "describe_devices",
    "plot_prevalence", "plot_profile_heatmap", "plot_cooccurrence", "plot_frame_strips", "plot_devices",
    "evidence_html", "lexicon_summary",
]
