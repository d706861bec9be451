"""Small HTML helpers shared by the export readers: parse, block-aware text, tidy lines."""

from __future__ import annotations

import re
from typing import Any

BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
              "article", "header", "footer", "aside", "blockquote", "figure", "figcaption", "dd", "dt", "hr"}
SKIP_TAGS = {"script", "style", "noscript", "head", "title", "button", "input", "form", "svg"}


def soup(text: str) -> Any:
    """A BeautifulSoup tree (lxml parser)."""
    import warnings

    from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

    warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)
    return BeautifulSoup(text, "lxml")


def html_text(el: Any) -> str:
    """The text of an element with a line break at each block element and <br>; inline markup
    (<b>, <i>, <span>, highlighted search terms) joined without breaking the sentence."""
    from bs4 import NavigableString, Tag
    from bs4.element import Comment

    out: list[str] = []

    def walk(node: Any) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                out.append(str(child))
            elif isinstance(child, Tag):
                name = child.name.lower()
                if name in SKIP_TAGS:
                    continue
                if name in BLOCK_TAGS:
                    out.append("\n")
                walk(child)
                if name in BLOCK_TAGS:
                    out.append("\n")

    if el is None:
        return ""
    walk(el)
    return tidy("".join(out))


def tidy(text: str) -> str:
    """Spaces folded, lines stripped, empty lines dropped."""
    lines = (re.sub(r"[ \t\r\f\v\u00a0]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def one_line(text: str) -> str:
    """All whitespace folded to single spaces."""
    return " ".join((text or "").split())
