"""The press manifest holds no text and rebuilds the gold from texts gathered again."""
import json

from helpers import annotations

TEXT = "URL: https://exemple.fr/a\nSOURCE: exemple.fr\n\nTitre de l'article\nMeta publie Llama. Le modèle est ouvert.\n"


def _gold(text: str) -> list[dict]:
    sents = []
    for i, t in enumerate(["Titre de l'article", "Meta publie Llama.", "Le modèle est ouvert."]):
        a = text.index(t)
        sents.append({"i": i, "start": a, "end": a + len(t), "text": t, "boilerplate": False,
                      "stance": "pro" if i == 2 else "none", "frames": [], "devices": []})
    return [{"doc": "a001.txt", "url": "https://exemple.fr/a", "source": "exemple.fr",
             "relevance": "on_topic", "split": "train", "sentences": sents,
             "entities": [{"name": "Meta", "type": "ORG", "aliases": []}]}]


def _manifest(tmp_path, text: str, gold: list[dict]):
    """A one-article manifest made from `text` saved as a001.txt; returns its path."""
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a001.txt").write_text(text, encoding="utf-8")
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text(json.dumps(annotations.make_manifest(gold, texts)[0]) + "\n", encoding="utf-8")
    return manifest


def _gathered(tmp_path, folder: str, text: str):
    """A folder holding `text` as a page gathered again (any file name: pages are matched by content or URL)."""
    path = tmp_path / folder
    path.mkdir(exist_ok=True)
    (path / "page.txt").write_text(text, encoding="utf-8")
    return path


def test_manifest_has_no_text_and_rebuilds_exactly(tmp_path):
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a001.txt").write_text(TEXT, encoding="utf-8")
    entries = annotations.make_manifest(_gold(TEXT), texts)
    dumped = json.dumps(entries, ensure_ascii=False)
    assert "Meta publie Llama" not in dumped and "modèle est ouvert" not in dumped
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    # gathered again under another name
    again = _gathered(tmp_path, "again", TEXT)
    out = tmp_path / "gold.jsonl"
    rep = annotations.rebuild(manifest, again, out)
    assert rep.exact == ["a001.txt"] and not rep.missing
    gold = annotations.load_press_gold(out)
    assert [s["text"] for s in gold[0]["sentences"]] == [s["text"] for s in _gold(TEXT)[0]["sentences"]]
    assert gold[0]["sentences"][2]["stance"] == "pro"


def test_changed_text_is_realigned_or_reported(tmp_path):
    manifest = _manifest(tmp_path, TEXT, _gold(TEXT))
    changed = _gathered(tmp_path, "changed", TEXT.replace("\n\n", "\n\nAccepter les cookies\n"))
    rep = annotations.rebuild(manifest, changed, tmp_path / "g.jsonl")
    assert rep.realigned == ["a001.txt"]
    g = annotations.load_press_gold(tmp_path / "g.jsonl")[0]
    assert g["sentences"][1]["text"] == "Meta publie Llama."
    lost = _gathered(tmp_path, "lost", TEXT.replace("Llama", "Mistral"))
    rep = annotations.rebuild(manifest, lost, tmp_path / "h.jsonl")
    assert rep.missing and "changed too much" in rep.missing[0][1]
    rep = annotations.rebuild(manifest, tmp_path / "nowhere", tmp_path / "i.jsonl")
    assert rep.missing and "no text" in rep.missing[0][1]


def test_committed_manifest_is_text_free_and_follows_the_codebook():
    path = annotations.MANIFEST
    entries = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    assert len(entries) >= 80
    frames = {"innovation", "access", "transparency", "community", "economy", "geopolitics",
              "security", "regulation", "ethics", "competition"}
    for e in entries:
        assert e["relevance"] in {"on_topic", "ai_general", "off_topic"} and e["split"] in {"train", "final_test"}
        assert len(e["sha256"]) == 64 and e["url"].startswith("http")
        for s in e["sentences"]:
            assert "text" not in s and s["stance"] in {"pro", "con", "none"}
            assert set(s["frames"]) <= frames and s["end"] > s["start"]
            if s["boilerplate"] or e["relevance"] != "on_topic":
                assert s["stance"] == "none" and not s["frames"]
        for ent in e["entities"]:
            assert ent["type"] in {"PER", "ORG", "LOC", "PRODUCT"}
    urls = [e["url"] for e in entries]
    assert len(set(urls)) == len(urls)


def test_wordless_sentence_keeps_its_place_when_realigned(tmp_path):
    text = TEXT.replace("Le modèle est ouvert.\n", "Le modèle est ouvert.\n»\n")
    gold = _gold(text)
    a = text.index("»")
    gold[0]["sentences"].append({"i": 3, "start": a, "end": a + 1, "text": "»", "boilerplate": False,
                                 "stance": "none", "frames": [], "devices": []})
    manifest = _manifest(tmp_path, text, gold)
    # gathered again without the final newline and with a cookie line: not identical, realigned
    again = _gathered(tmp_path, "again", text.replace("\n\n", "\n\nAccepter les cookies\n").rstrip("\n"))
    rep = annotations.rebuild(manifest, again, tmp_path / "g.jsonl")
    assert rep.realigned == ["a001.txt"], rep.summary()
    sents = annotations.load_press_gold(tmp_path / "g.jsonl")[0]["sentences"]
    assert [s["text"] for s in sents] == ["Titre de l'article", "Meta publie Llama.", "Le modèle est ouvert.", "»"]
    # a word where the lone mark was: that sentence is lost, the article is reported, not misaligned
    _gathered(tmp_path, "again", text.replace("»", "Fin"))
    rep = annotations.rebuild(manifest, again, tmp_path / "h.jsonl")
    assert rep.missing, rep.summary()


def test_page_that_now_ends_earlier_keeps_its_first_sentences_and_says_so(tmp_path):
    manifest = _manifest(tmp_path, TEXT, _gold(TEXT))
    short = _gathered(tmp_path, "short", TEXT.replace("Le modèle est ouvert.\n", "Le modèle"))
    rep = annotations.rebuild(manifest, short, tmp_path / "g.jsonl")
    assert rep.realigned == ["a001.txt"] and rep.truncated == [("a001.txt", 2, 3)]
    assert "cut short a001.txt" in rep.summary()
    g = annotations.load_press_gold(tmp_path / "g.jsonl")[0]
    assert [s["text"] for s in g["sentences"]] == ["Titre de l'article", "Meta publie Llama."]
    assert g["cut_short"] == "2 of 3 sentences"
