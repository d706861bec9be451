"""The one text-folding function: same length for fold_chars, the documented mappings, and fold's spacing."""

from __future__ import annotations

from helpers.textfold import _fold_char, fold, fold_chars


def test_fold_chars_keeps_positions_and_maps_each_character_as_fold_char_does() -> None:
    text = "L’État — « ouvert » Œuvre ﬁn\u00a0x\u202fy İ ß “a” ‘b’ –c− 𝔄·"
    for lower in (True, False):
        for keep in (True, False):
            out = fold_chars(text, lower=lower, keep_accents=keep)
            assert len(out) == len(text)
            assert out == "".join(_fold_char(c, lower, keep) for c in text)
    assert fold_chars("Été–x", lower=False) == "Ete-x"
    assert fold_chars("Été’", keep_accents=True) == "été'"


def test_fold_unifies_and_collapses() -> None:
    assert fold("  L’État   —  «ouvert» ") == "l'etat - \"ouvert\""
    assert fold("Modèles ouverts", keep_accents=True) == "modèles ouverts"
