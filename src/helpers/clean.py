"""Clean an article (CODEBOOK.md section 1): body text in, boilerplate out but kept, Unicode normalised.

Public surface:
    normalise_text(text)          -> NFC text with spaces, apostrophes, soft hyphens unified
    clean_text(text, meta=None)   -> Cleaned(text, removed, meta)
    apply_rules(lines)            -> the rules alone on normalised lines

After the rules, a learned line classifier (helpers.boilerplate, shipped in models/) removes the
lines it judges boilerplate (cookie banners, navigation, captions ... the rules do not know).

The rules are general patterns (navigation, redirection, bylines, reference lines, widget labels,
read-more links, image markup and credits, elision markers, source lists), not a list of known
lines. Each removal is recorded with its line number, the text removed and the reason, so that
nothing is lost; bylines, dates, links and site names found in boilerplate become metadata.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

# --------------------------------------------------------------------------- normalisation

_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u2008\u205f\u3000"), " ")
_DELETE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_APOS = dict.fromkeys(map(ord, "\u2019\u2018\u02bc\u2032\u0060\u00b4"), "'")
_TABLE = {**_SPACES, **_DELETE, **_APOS}


def normalise_text(text: str) -> str:
    """NFC; non-breaking, narrow and other spaces -> ' '; zero-width chars and soft hyphens out;
    curly apostrophes -> "'"; line endings -> '\\n'; runs of spaces folded."""
    text = unicodedata.normalize("NFC", text).translate(_TABLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[ \t]+", " ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


# --------------------------------------------------------------------------- patterns

MONTHS_FR = r"janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre"
_MONTHS = MONTHS_FR + r"|january|february|march|april|may|june|july|august|september|october|november|december"
DATE_RE = re.compile(
    rf"\b(\d{{1,2}}(?:er)?\s+(?:{_MONTHS})\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{4}}|(?:{_MONTHS})\s+\d{{1,2}},?\s+\d{{4}})\b",
    re.I,
)
URL_RE = re.compile(r"https?://[^\s)\]>\"'«»]+|www\.[^\s)\]>\"'«»]+", re.I)
_EMOJI_OR_SYMBOL = re.compile(r"^[\W_\d]*$", re.UNICODE)

REDIRECT = re.compile(
    r"\b(si vous n'(?:ê|e)tes pas redirigé|vous allez être redirigé|redirection automatique|cliquez ici|click here|"
    r"if you are not redirected|activez javascript|enable javascript)\b", re.I)
NAVIGATION = re.compile(
    r"^(?:retour (?:à|a) (?:la une|l'accueil|la page d'accueil|l'article|la liste|la rubrique)|sommaire|table des matières|"
    r"toggle|menu|accueil|fil d'ariane|navigation|aller au contenu|passer au contenu|skip to content|"
    r"lire aussi|à lire aussi|a lire aussi|lire également|à lire également|voir aussi|sur le même sujet|"
    r"articles? (?:similaires|liés|connexes)|partager(?: (?:cet article|sur|l'article))?|share|tweet|"
    r"newsletter|abonnez-vous|inscrivez-vous|s'abonner|suivez-nous|publicité|annonce|"
    r"accepter les cookies|gérer les cookies|commentaires?|laisser un commentaire|mots-clés|tags?|"
    r"copier (?:l'url|le lien)|jump to section|connexion|se connecter|essai gratuit|site icon|"
    r"catégories?|rubriques?|article suivant|article précédent|page suivante|page précédente|haut de page)\b",
    re.I)
# Labels of page widgets, removed from the start of a line (the rest of the line is kept).
WIDGET_LABEL = re.compile(
    r"^(?:en bref|à retenir|a retenir|l'essentiel|ce qu'il faut retenir|grande citation|citation|encadré|"
    r"infographie|vidéo|video|audio|podcast|diaporama|résumé|tl;dr|points clés(?: à retenir)?|key takeaways|"
    r"mise à jour|update|ce qu'il faut savoir|plan de l'article|dans cet article)"
    r"\s*(?:[:|–—-]\s*|$)", re.I)
TOGGLE_PREFIX = re.compile(r"^Toggle(?=[A-ZÀ-Ý])")
# "À lire aussi", "A lire également", "À voir aussi sur ...", also glued to the teaser title that follows.
READ_ALSO = re.compile(r"^[»>•\s]*(?:à |a )?(?:lire|voir|découvrir) (?:aussi|également|egalement)(?=$|[\s:|–—-]|[A-ZÀ-Ý])", re.I)
READING_TIME = re.compile(r"\b(?:\d+\s*(?:min(?:utes?)?|mn)\.? de lecture|temps de lecture)\b", re.I)
LIST_NUMBER = re.compile(r"^\d{1,2}[.)]\s+(?=[A-ZÀ-Ý«\"])")
BYLINE = re.compile(
    r"^(?:(?:publié|posté|mis en ligne|mis à jour|modifié|rédigé|écrit|posted|published|updated)\b.*(?:\bpar\b|\bby\b|\d).*"
    r"|(?:par|by|de|auteur|author|rédaction|texte)\s*:?\s+[A-ZÀ-Ý@][\w.'’-]+(?:\s+[A-ZÀ-Ý@][\w.'’-]+){0,3}\s*(?:[,|–—-].{0,60})?)$",
    re.I)
PERSON_LINE = re.compile(r"^[A-ZÀ-Ý][a-zà-ÿ'’-]+(?:[ -](?:de |du |van |von |le |la )?[A-ZÀ-Ý][A-Za-zà-ÿ'’-]+){1,2}$")
REFERENCE = re.compile(r"^(?P<label>[^:]{0,80}?)\s*:?\s*(?P<url>https?://\S+|www\.\S+)\s*$", re.I)
REFERENCE_LABEL = re.compile(
    r"^$|\b(?:article|lien|link|url|source|référence|reference|original|originale?|via|lire|voir|crédit|credits?|"
    r"publié|publication|vidéo|video|image|photo)\b", re.I)
SOURCES_HEADER = re.compile(r"^(?:sources?|références|references|bibliographie|notes?|liens utiles|pour aller plus loin)\s*:?\s*$", re.I)
SOURCE_INLINE = re.compile(r"^(?:sources?|avec|d'après)\s*:\s*(?P<src>[A-Z][\w .&'-]{1,40})$", re.I)
READ_MORE = re.compile(
    r"^(?:pour en savoir plus|en savoir plus|pour aller plus loin|pour plus d'informations|découvrez|lisez|lire la suite|"
    r"retrouvez|à découvrir|a découvrir|read more)\b.*\b(?:consultez|lisez|lire|cliquez|découvrez|retrouvez|article|lien|"
    r"dossier|ici|page)\b", re.I)
IMAGE_MARKUP = re.compile(r"!\[[^\]]*\]\([^)]*\)|<img\b[^>]*>|\[caption[^\]]*\].*?\[/caption\]|<figure\b.*?</figure>", re.I | re.S)
CREDIT = re.compile(
    r"^(?:(?:photo|image|illustration|crédits?(?: photo)?|credit|©|\(c\)|source image|légende)\s*[:©/]|©|"
    r"(?:photo|image|illustration)\s*(?:de|par)\s)|(?:©|\bcrédit photo\b|\bphoto\s*:\s)|"
    r"(?:/\s*(?:afp|reuters|ap|getty images|shutterstock|unsplash|istock)\s*\)?$)", re.I)
ELISION = re.compile(r"\[\s*(?:\.\.\.|…)\s*\]|\(\s*(?:\.\.\.|…)\s*\)")
LOGO_SOURCE = re.compile(r"\blogo\s+([A-Z][\w.-]+(?:\s+[A-Z][\w.-]+)?)", re.I)
SECTION_WORDS = re.compile(
    r"\b(?:magazine|blog|actualités?|actus?|news|high[ -]?tech|tech|techno|numérique|économie|sciences?|culture|"
    r"société|international|politique|opinions?|tribune|chronique|dossier|édito|rubrique|la une)\b", re.I)
AUTHOR_IN_BYLINE = re.compile(
    r"(?:^|\b)(?i:par|by|auteur|author)\s*:?\s+((?:de |du |van |von |le |la )?[A-ZÀ-Ý][\w.'’-]*"
    r"(?:[ -](?:de |du |van |von |le |la )?[A-ZÀ-Ý][\w.'’-]*){0,3})")
# A dateline opening the first line of a stored web page: "date 2025-01 (AOF) - DeepSeek ..." (the date, then
# an agency or source in parentheses); the date goes to metadata, the rest of the line stays.
DATELINE = re.compile(r"^date\s+(?P<date>\d{4}(?:-\d{2}){0,2})\b\s*(?:\((?P<src>[^()]{1,50})\)\s*(?:[-–—]\s*)?)?", re.I)
# The signature line of an embedded post: "— Yann LeCun (@ylecun) October 29, 2023", alone or after the post's text.
EMBED_SIGNATURE = re.compile(
    rf"(?:^|\s)[—–-]*\s*(?P<who>[^—–()@\n]{{2,60}}?)\s*\(@\w{{1,30}}\)\s+"
    rf"(?:(?:{_MONTHS})\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+(?:{_MONTHS})\s+\d{{4}})\s*$", re.I)
# Account and login forms of a site ("Identifiez-vous", "Mot de passe oublié ?", "Créez votre compte ...").
ACCOUNT = re.compile(
    r"^(?:identifiant|mot de passe|e-mail|email|pseudo)(?=\W|$|(?-i:[A-ZÀ-Ý]))|"
    r"\b(?:mot de passe oublié|identifiez-vous|connectez-vous|se connecter|créez(?:-en)? (?:un|votre) compte|"
    r"créer (?:un|votre) compte|je m'inscris|inscription (?:est )?gratuite|vous n'avez pas (?:encore )?de compte|"
    r"disposez (?:déjà )?d'un compte|être connectée? pour|mon compte|(?:pas encore|déjà) abonnée?|déjà inscrite?|log in|sign in|sign up)\b",
    re.I)
# A publication or update stamp alone on its line, anywhere in the page: "Publié le 18/09/2025 à 15:12",
# "- Modifié le 18/09/2025", "[Mis à jour le 28 septembre 2022 à 18h26]".
DATE_STAMP = re.compile(
    rf"^[\s\-–—•\[(]*(?:publié|posté|mis en ligne|mis à jour|modifié|actualisé|publication|mise à jour)\s*(?:le|:)?\s*"
    rf"(?P<date>\d{{1,2}}(?:er)?\s+(?:{_MONTHS})\s+\d{{4}}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}})"
    rf"(?:\s*(?:à|,)?\s*\d{{1,2}}\s*[h:]\s*\d{{2}})?[\s\])]*$", re.I)
# Breadcrumbs ("Home » Économie »", "Accueil > Tech > IA") and the labels of page controls that stand alone on
# a line ("fermer", "(nouvelle fenêtre)", "7 min", "(62 votes)", "Press "Enter" to skip to content").
BREADCRUMB = re.compile(r"^(?:home|accueil)\s*[»>›/|].{0,80}$", re.I)
PAGE_CONTROL = re.compile(
    r"^[\s(\[\-–•]*(?:fermer|close|menu|rechercher|search|imprimer|print|partager|\(?nouvelle fenêtre\)?|"
    r"s'ouvre dans (?:un nouvel onglet|une nouvelle fenêtre)|fbpx|press \W?enter\W? to skip to content|"
    r"search for a command to run\.*|choisissez votre niveau de lecture\s*:?|à lire en complément\s*:?|"
    r"a lire en complément\s*:?|\d{1,3}\s*(?:min|mn|minutes?)(?:\s+de lecture)?|\d+\s+votes?|"
    r"\d+\s+(?:commentaires?|réactions?|partages?)|lire plus tard|écouter (?:cet )?article|ouvrir le menu(?: principal)?|"
    r"fermer le menu|loading|chargement(?: en cours)?|réagissez(?: en commentaires?| à cet article)?|"
    r"maintenance programmée\s*:?|footer|header|svg|download|télécharger|bookmark)[\s)\].…]*$", re.I)
# Residue of page markup: template placeholders ("{{text}}"), image file ends (".webp)"), icon sprites and CSS class
# names ("iconfb", "feedMark__icon", "headerBtn__icon--connect", "Created with Sketch.").
TEMPLATE = re.compile(r"\{\{\s*[\w.]+\s*\}\}|^\W*\.(?:webp|png|jpe?g|gif|svg)\W*$", re.I)
MARKUP_MARKER = re.compile(r"created with (?:sketch|avocode|figma)\b|\bsvg vector icons\b|onlinewebfonts", re.I)
MARKUP_TOKEN = re.compile(r"^(?:\W*\w+(?:__|--)\w*|\W*(?:-|_)?icon[a-z]\w*|\w*[a-z]icon\w*|\w+-icon\w*|\w*-(?:col|footer|header)\b\S*)$",
                          re.I)
# Notes that an article is republished from elsewhere ("Cet article a été initialement publié par ... le ...",
# "Une version éditée de cet article est republiée sur ...", "Cet article est republié à partir de The Conversation").
REPUBLISHED = re.compile(
    r"^(?:cet article|cette tribune|cet entretien|une version [\w' ]{0,25}de cet (?:article|entretien)|l'article original)\b"
    r".{0,60}?\b(?:(?:initialement|originellement|d'abord|précédemment) (?:publiée?|paru)|republiée?|"
    r"(?:publiée?|paru) (?:à l'origine|initialement|en anglais)|traduit de l'anglais)\b", re.I)
# The language switcher of a multilingual site: a language's own name alone on a line, or "Autres langues: ...".
LANGUAGE_SWITCH = re.compile(
    r"^(?:deutsch|english|español|espanol|italiano|português|portugues|nederlands|rumantsch|русский|中文|日本語|"
    r"العربية)$|^autres langues\s*:", re.I)
# A caption credit: "Crédit Fotolia.", "Crédits photos de l'image de une : ...", "Source :" alone before a name.
CREDIT_NAME = re.compile(r"^(?:crédits?(?: photos?)?|credits?)(?:\s+de l'image(?: de une)?)?\s*(?::\s*|\s+(?=[A-Z]))"
                         r"[\w .&'/:-]{0,60}$", re.I)
SOURCE_ALONE = re.compile(r"^(?:source|sources|crédits?|credits?)\s*:\s*$", re.I)
# (pattern matched at the start of a line, at most that many words, reason) of the lines removed whole
_SHORT_LINE_RULES = ((LANGUAGE_SWITCH, 40, "navigation"), (REPUBLISHED, 40, "republication note"),
                     (CREDIT_NAME, 10, "image caption or credit"))
TITLE_THRESHOLD = 0.95  # the learned line model removes the first line left only above this
CLAUSE_PUNCT = re.compile(r"[.!?…:;]\s*$")


@dataclass
class Removed:
    """A piece of boilerplate taken out of the text."""

    line: int  # 0-based line number in the normalised input
    text: str
    reason: str


@dataclass
class Cleaned:
    """The body text, the boilerplate removed from it, and metadata found in the boilerplate."""

    text: str
    removed: list[Removed] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)

    def removed_text(self, sep: str = "\n") -> str:
        """All removed pieces with their reasons ("[reason] text"), joined by sep."""
        return sep.join(f"[{r.reason}] {r.text}" for r in self.removed)


def _n_words(line: str) -> int:
    return len(re.findall(r"\w+", line))


def _is_markup(line: str) -> bool:
    """Whether a line is residue of page markup: a template placeholder or image file end, an icon sprite's text, or
    mostly CSS-like tokens."""
    if TEMPLATE.search(line) and _n_words(TEMPLATE.sub(" ", line)) <= 3:
        return True
    if MARKUP_MARKER.search(line):
        return True
    tokens = line.split()
    marked = sum(1 for t in tokens if MARKUP_TOKEN.match(t))
    return bool(tokens) and marked >= max(1, 0.5 * len(tokens))


def _is_long(line: str) -> bool:
    return _n_words(line) >= 12 and bool(CLAUSE_PUNCT.search(line) or _n_words(line) >= 20)


def clean_text(text: str, meta: dict[str, str] | None = None, line_model: Any = True) -> Cleaned:
    """Remove boilerplate lines and markers from an article; keep what is removed and the metadata found.

    After the rules, the learned line classifier (helpers.boilerplate) removes the lines it judges
    boilerplate, with the reason "boilerplate line (learned, p=..)". line_model: True for the shipped
    model (rules only when it is absent), False or None for rules only, or a boilerplate.LineModel."""
    meta = dict(meta or {})
    lines = normalise_text(text).split("\n")
    keep, removed, found = apply_rules(lines)
    model = _line_model(line_model)
    if model is not None and keep:
        proba = model.proba(lines, keep)
        kept = []
        for k, (i, line) in enumerate(keep):
            # the first line left is usually the title (body, CODEBOOK section 1): removed only when very sure
            if proba[i] >= (model.threshold if k > 0 else max(model.threshold, TITLE_THRESHOLD)):
                removed.append(Removed(i, line, f"boilerplate line (learned, p={proba[i]:.2f})"))
            else:
                kept.append((i, line))
        keep = kept
        removed.sort(key=lambda r: r.line)
    body = "\n".join(line for _, line in keep)
    if keep and "title" not in meta:
        first = keep[0][1]
        if _n_words(first) <= 20 and not re.search(r"[.]\s*$", first):
            found.setdefault("title", first)
    for key, value in found.items():
        if not meta.get(key):
            meta[key] = value
    return Cleaned(text=body, removed=removed, meta=meta)


def _line_model(line_model: Any) -> Any:
    if line_model is True:
        from .boilerplate import load_line_model

        return load_line_model()
    return line_model or None


def apply_rules(lines: list[str]) -> tuple[list[tuple[int, str]], list[Removed], dict[str, str]]:
    """The rules on the normalised lines: (kept (line number, text), removed pieces, metadata found)."""
    found: dict[str, str] = {}
    removed: list[Removed] = []
    keep: list[tuple[int, str]] = []

    nonblank = [i for i, line in enumerate(lines) if line]
    first_long = next((i for i in nonblank if _is_long(lines[i])), len(lines))
    last_long = next((i for i in reversed(nonblank) if _is_long(lines[i])), -1)

    def drop(i: int, piece: str, reason: str) -> None:
        removed.append(Removed(i, piece, reason))

    in_sources = False
    skip_next = False
    for i, line in enumerate(lines):
        if not line:
            continue
        if skip_next:  # the name after a "Source :" line alone
            skip_next = False
            drop(i, line, "image caption or credit")
            continue
        head = i < first_long  # before the first paragraph of body text
        tail = i > last_long  # after the last paragraph of body text
        if in_sources:
            drop(i, line, "source list")
            continue
        # inline markers first
        if IMAGE_MARKUP.search(line):
            for m in IMAGE_MARKUP.finditer(line):
                drop(i, m.group(0), "image markup")
            line = IMAGE_MARKUP.sub(" ", line).strip()
            if not line:
                continue
        if ELISION.search(line):
            for m in ELISION.finditer(line):
                drop(i, m.group(0), "elision marker")
            line = re.sub(r"\s{2,}", " ", ELISION.sub(" ", line)).strip()
            if not line:
                continue
        m = DATELINE.match(line) if not keep else None
        if m:
            found.setdefault("date", m.group("date"))
            src = m.group("src") and _n_words(m.group("src")) <= 5  # a longer parenthesis is the body's
            if src:
                found.setdefault("source", m.group("src").strip())
            end = m.end() if src else m.end("date")
            drop(i, line[:end].strip(), "dateline")
            line = line[end:].strip()
            if not line:
                continue
        m = EMBED_SIGNATURE.search(line)
        if m:
            drop(i, m.group(0).strip(), "embedded post signature")
            line = line[:m.start()].strip()
            if not line:
                continue
        m = TOGGLE_PREFIX.match(line)
        if m:
            drop(i, m.group(0), "navigation")
            line = line[m.end():]
        m = LIST_NUMBER.match(line)
        if m:
            drop(i, m.group(0).strip(), "list number")
            line = line[m.end():]
        m = WIDGET_LABEL.match(line)
        if m and (_n_words(line) <= 4 or m.group(0).rstrip().endswith((":", "|"))):
            drop(i, m.group(0).strip(), "widget label")
            line = line[m.end():].strip()
            if not line:
                continue
        short = _n_words(line) <= 12
        if _EMOJI_OR_SYMBOL.match(line) and len(line) < 40:
            drop(i, line, "widget residue")
            continue
        if (READ_ALSO.match(line) and _n_words(line) <= 30) or (READING_TIME.search(line) and _n_words(line) <= 8):
            drop(i, line, "navigation")
            continue
        m = DATE_STAMP.match(line)
        if m:
            found.setdefault("date", m.group("date"))
            drop(i, line, "date stamp")
            continue
        if PAGE_CONTROL.match(line) or (BREADCRUMB.match(line) and _n_words(line) <= 10):
            drop(i, line, "navigation")
            continue
        if _is_markup(line):
            drop(i, line, "markup residue")
            continue
        reason = next((r for rx, most, r in _SHORT_LINE_RULES if rx.match(line) and _n_words(line) <= most), None)
        if reason:
            drop(i, line, reason)
            continue
        if SOURCE_ALONE.match(line):
            nxt = next((lines[j] for j in range(i + 1, len(lines)) if lines[j]), "")
            if nxt and _n_words(nxt) <= 4 and not CLAUSE_PUNCT.search(nxt):
                drop(i, line, "image caption or credit")
                skip_next = True
                continue
        if ACCOUNT.search(line) and _n_words(line) <= 25:
            drop(i, line, "account or login form")
            continue
        if REDIRECT.search(line) and _n_words(line) <= 25:
            drop(i, line, "redirection")
            continue
        if NAVIGATION.match(line) and (short or line.lower().startswith(("lire aussi", "à lire", "voir aussi"))):
            logo = LOGO_SOURCE.search(line)
            if logo:
                found.setdefault("source", logo.group(1))
            drop(i, line, "navigation")
            continue
        m = REFERENCE.match(line)
        if m and _n_words(m.group("label")) <= 10 and REFERENCE_LABEL.search(m.group("label")):
            found.setdefault("url", m.group("url"))
            drop(i, line, "reference line")
            continue
        if URL_RE.fullmatch(line.strip("<>()[] ")):
            found.setdefault("url", line.strip("<>()[] "))
            drop(i, line, "link")
            continue
        if READ_MORE.match(line) and _n_words(line) <= 40:
            drop(i, line, "read more")
            continue
        if CREDIT.search(line) and _n_words(line) <= 15 and not _is_long(line):
            drop(i, line, "image caption or credit")
            continue
        if SOURCES_HEADER.match(line) and (tail or i >= 0.6 * len(lines)):
            drop(i, line, "source list")
            in_sources = True
            continue
        m = SOURCE_INLINE.match(line)
        if m and tail:
            found.setdefault("source", m.group("src").strip())
            drop(i, line, "source line")
            continue
        if BYLINE.match(line) and _n_words(line) <= 20 and (head or tail):
            date = DATE_RE.search(line)
            if date:
                found.setdefault("date", date.group(1))
            by = AUTHOR_IN_BYLINE.search(line)
            if by:
                found.setdefault("author", by.group(1).strip(" ,|-–—"))
            drop(i, line, "byline")
            continue
        if (head or tail) and _n_words(line) <= 5 and not CLAUSE_PUNCT.search(line) and SECTION_WORDS.search(line) \
                and not re.search(r"\b(?:open|source|ia|ai|intelligence|modèle|meta|openai|deepseek)\b", line, re.I):
            if tail:
                logo = LOGO_SOURCE.search(line)
                if logo:
                    found.setdefault("source", logo.group(1))
            drop(i, line, "site or section name")
            continue
        if head and PERSON_LINE.match(line) and not CLAUSE_PUNCT.search(line) and not keep:
            found.setdefault("author", line)
            drop(i, line, "byline")
            continue
        if tail and LOGO_SOURCE.search(line) and _n_words(line) <= 8:
            found.setdefault("source", LOGO_SOURCE.search(line).group(1))
            drop(i, line, "site name")
            continue
        if DATE_RE.fullmatch(line.strip(" .,")):
            found.setdefault("date", line.strip(" .,"))
            drop(i, line, "date line")
            continue
        keep.append((i, line))
    return keep, removed, found
