"""Gazetteer growth from coded entities: learned entries, ignore list, merge by load_gazetteer."""

from __future__ import annotations

from pathlib import Path

from helpers import entities as E
from helpers import entity_learning as EL
from helpers.training_data import GoldArticle


def _art(doc: str, ents: list[dict]) -> GoldArticle:
    return GoldArticle(doc=doc, source="fixture", body="", sentences=[], entities=ents)


def test_learn_entries_takes_unknown_names_with_majority_type() -> None:
    base = E.load_gazetteer(learned=False)
    arts = [_art("a", [{"name": "Zyphra Labs", "type": "ORG", "aliases": ["Zyphra"]}, {"name": "Meta", "type": "ORG"}]),
            _art("b", [{"name": "Zyphra Labs", "type": "ORG"}]),
            _art("c", [{"name": "Zyphra labs", "type": "PRODUCT"}])]
    learned = EL.learn_entries(arts, base)
    assert [d["canonical"] for d in learned] == ["Zyphra Labs"]  # Meta is already in the gazetteer
    d = learned[0]
    assert d["type"] == "ORG" and d["n_articles"] == 3 and "Zyphra" in d["aliases"]
    gaz = EL.Learned(entries=learned).gazetteer(base)
    found = [(s, e_, entry.canonical) for s, e_, entry, _ in gaz.find("Chez Zyphra, on code.")]
    assert found == [(5, 11, "Zyphra Labs")]


def test_a_learned_alias_never_names_two_entities() -> None:
    base = E.load_gazetteer(learned=False)
    arts = [_art("a", [{"name": "Quimperlé Ville", "type": "LOC"}]),
            _art("b", [{"name": "Quimperlé Ville", "type": "LOC"}]),
            _art("c", [{"name": "Quimperlé Ville FC", "type": "ORG", "aliases": ["Quimperlé Ville", "QVFC"]}])]
    learned = {d["canonical"]: d for d in EL.learn_entries(arts, base)}
    assert set(learned) == {"Quimperlé Ville", "Quimperlé Ville FC"}
    assert learned["Quimperlé Ville FC"]["aliases"] == ["QVFC"], "the name of the other entry is not its alias"


def test_load_gazetteer_merges_the_learned_file(tmp_path: Path) -> None:
    (tmp_path / "entities.yml").write_text("entities:\n- {canonical: Meta, type: ORG, aliases: [Facebook]}\n",
                                           encoding="utf-8")
    EL.write_learned(EL.Learned(entries=[
        {"canonical": "Zyphra Labs", "type": "ORG", "aliases": [], "n_articles": 2, "types_coded": {"ORG": 2}},
        {"canonical": "Facebook", "type": "PRODUCT", "aliases": [], "n_articles": 1, "types_coded": {"PRODUCT": 1}}],
        ignore=["Jean Bidon"]), path=tmp_path / E.LEARNED_FILE, sources="fixture")
    gaz = E.load_gazetteer(str(tmp_path / "entities.yml"))
    assert gaz.lookup("Zyphra Labs").type == "ORG"
    assert gaz.lookup("Facebook").canonical == "Meta"  # the researcher's file wins
    assert E.name_key("Jean Bidon") in gaz.ignore
    assert E.load_gazetteer(str(tmp_path / "entities.yml"), learned=False).lookup("Zyphra Labs") is None
    E.load_gazetteer.cache_clear()


def test_ignore_list_drops_a_model_only_name(nlp) -> None:
    doc = nlp("Hier, Gaspard Trouvetou a présenté le projet à Lyon avec Meta.")
    plain = E.entities_table({"d": doc})
    assert "Gaspard Trouvetou" in set(plain["canonical"])
    base = E.load_gazetteer()
    gaz = E.Gazetteer(base.entries, ignore=["Gaspard Trouvetou"])
    table = E.entities_table({"d": doc}, gazetteer=gaz)
    assert "Gaspard Trouvetou" not in set(table["canonical"]) and "Meta" in set(table["canonical"])


def test_learn_ignore_needs_repeated_uncoded_model_names(nlp) -> None:
    base = E.load_gazetteer(learned=False)
    texts = {f"d{k}": f"Gaspard Trouvetou parle de Meta à Lyon, jour {k}." for k in range(3)}
    docs = {d: nlp(t) for d, t in texts.items()}
    arts = [_art(d, [{"name": "Meta", "type": "ORG"}, {"name": "Lyon", "type": "LOC"}]) for d in texts]
    assert EL.learn_ignore(arts, docs, base, min_fp=2) == ["Gaspard Trouvetou"]
    assert EL.learn_ignore(arts[:1], docs, base, min_fp=2) == []
    rows = EL.score_entities(arts, docs, EL.Learned(ignore=["Gaspard Trouvetou"]).gazetteer(base))
    s = EL.summarise(rows, n_boot=20)
    assert s["fp"] == 0 and s["tp"] == 6 and s["f1"]["mean"] == 1.0


def test_mention_filter_trains_on_a_tiny_fixture_and_is_deterministic(nlp) -> None:
    base = E.load_gazetteer(learned=False)
    texts = {f"d{k}": f"Jeanne Martin a rencontré Gaspard Trouvetou à Lyon, jour {k}. Jeanne Martin a parlé." for k in range(4)}
    docs = {d: nlp(t) for d, t in texts.items()}
    arts = [_art(d, [{"name": "Jeanne Martin", "type": "PER"}, {"name": "Lyon", "type": "LOC"}]) for d in texts]
    f1 = EL.train_filter(arts, docs, base)
    f2 = EL.train_filter(arts, docs, base)
    assert f1 is not None and f2 is not None
    X = [EL._group_features(docs["d0"], g) for g in EL._model_groups(EL._raw_mentions({"d0": docs["d0"]}, base)).values()]
    assert (f1.pipeline.predict_proba(X) == f2.pipeline.predict_proba(X)).all()
    groups = EL._model_groups(EL._raw_mentions({"d0": docs["d0"]}, base))
    p = dict(zip([c for _, c in groups], f1.p_coded(X), strict=True))
    assert p["Jeanne Martin"] > p["Gaspard Trouvetou"]  # the coded name is the likelier entity
    strict = EL.MentionFilter(f1.pipeline, threshold=(p["Jeanne Martin"] + p["Gaspard Trouvetou"]) / 2)
    kept = E.entities_table({"d0": docs["d0"]}, gazetteer=base, mention_filter=strict)
    assert "Jeanne Martin" in set(kept["canonical"]) and "Gaspard Trouvetou" not in set(kept["canonical"])
    assert "Lyon" in set(kept["canonical"])  # gazetteer names are never filtered


def test_shipped_learned_entities_load_offline() -> None:
    import pytest

    E.load_gazetteer.cache_clear()
    if not EL.LEARNED_PATH.exists():
        pytest.skip("no entities_learned.yml (learned when the press gold exists)")
    gaz = E.load_gazetteer()
    assert len(gaz.entries) > len(E.load_gazetteer(learned=False).entries)
    EL.load_mention_filter.cache_clear()
    assert EL.load_mention_filter() is not None


def test_learned_filter_promotes_a_coded_misc_name_and_types_it(nlp) -> None:
    """A MISC name that coders code as an ORG in the training articles is promoted (with its type) in a new one;
    a MISC name they never code stays MISC (not scored)."""
    from spacy.tokens import Span

    def doc_with(text: str, spans: list[tuple[str, str]]):
        doc = nlp(text)
        ents = []
        for surface, label in spans:
            st = text.index(surface)
            sp = doc.char_span(st, st + len(surface), alignment_mode="expand")
            ents.append(Span(doc, sp.start, sp.end, label=label))
        doc.ents = ents
        return doc

    base = E.load_gazetteer(learned=False)
    train_docs, arts = {}, []
    for k, (org, law) in enumerate([("Zorblax Labs", "Loi Truc"), ("Quantix Labs", "Loi Machin"),
                                    ("Fermix Labs", "Loi Bidule"), ("Vortex Labs", "Loi Chose")]):
        d = f"t{k}"
        train_docs[d] = doc_with(f"La société {org} critique la {law} votée hier.", [(org, "MISC"), (law, "MISC")])
        arts.append(_art(d, [{"name": org, "type": "ORG"}]))
    flt = EL.train_filter(arts, train_docs, base)
    assert flt is not None and EL.NONE in flt.pipeline.classes_
    new = {"n": doc_with("La société Plumex Labs critique la Loi Dupont votée hier.",
                         [("Plumex Labs", "MISC"), ("Loi Dupont", "MISC")])}
    df = E.entities_table(new, gazetteer=base, mention_filter=flt)
    types = dict(zip(df["canonical"], df["type"], strict=True))
    assert types.get("Plumex Labs") == "ORG" and types.get("Loi Dupont") == "MISC"


def test_typed_counts_follow_the_reference_scorer() -> None:
    pred = {"meta": ("Meta", "ORG", {"meta", "facebook"}), "llama": ("Llama", "ORG", {"llama 3"}),
            "paris": ("Paris", "LOC", {"paris"})}
    gold = [{"name": "Meta", "type": "ORG", "aliases": ["Facebook"]}, {"name": "Llama", "type": "PRODUCT"},
            {"name": "Jeanne Martin", "type": "PER"}]
    c = EL.typed_counts(pred, gold, listed=lambda names: "Meta" in names)
    assert c["gold_ORG"] == 1 and c["hit_ORG"] == 1 and c["typed_tp_ORG"] == 1
    assert c["hit_PRODUCT"] == 1 and c.get("typed_tp_PRODUCT", 0) == 0  # found, but typed ORG
    assert c["pred_LOC"] == 1 and c.get("ok_LOC", 0) == 0 and c["pred_ORG"] == 2 and c["ok_ORG"] == 2
    assert c["gold_unlisted"] == 2 and c["hit_unlisted"] == 1
    t = EL.per_type([{**c, "tp": 2, "fp": 1, "fn": 1}])
    assert t["PRODUCT"]["r"] == 1.0 and t["PRODUCT"]["type_accuracy"] == 0.0 and t["unlisted"]["recall"] == 0.5


def test_threshold_tuning_counts_are_the_reference_scorers_and_deterministic(nlp) -> None:
    """entity_tuning scores the filter's thresholds in memory: its counts equal score_entities' (the reference
    scorer) at the filter's own thresholds, and the chosen pair is the same on a second run."""
    from helpers import entity_tuning as T

    base = E.load_gazetteer(learned=False)
    texts = {f"d{k}": f"Jeanne Martin a rencontré Gaspard Trouvetou à Lyon, jour {k}. Jeanne Martin a parlé avec Meta."
             for k in range(8)}
    docs = {d: nlp(t) for d, t in texts.items()}
    arts = [_art(d, [{"name": "Jeanne Martin", "type": "PER"}, {"name": "Lyon", "type": "LOC"},
                     {"name": "Meta", "type": "ORG"}]) for d in texts]
    flt = EL.train_filter(arts[:4], docs, base)
    assert flt is not None
    rows = EL.score_entities(arts[4:], docs, base, flt)
    ref = tuple(sum(r[k] for r in rows) for k in ("tp", "fp", "fn"))
    got = T.pair_counts(arts[4:], docs, base, flt, [(flt.threshold, flt.promote), (0.99, 0.99)])
    assert got[(flt.threshold, flt.promote)] == ref
    assert got[(0.99, 0.99)][0] <= ref[0]  # a stricter filter keeps no more true names
    first = T.choose_thresholds(arts, docs, base, folds=2)
    assert first == T.choose_thresholds(arts, docs, base, folds=2) and first[1]
