"""What the collection says about its shares when no coding file exists for the corpus."""

from __future__ import annotations

import json
from pathlib import Path

MODEL_CARD = Path(__file__).resolve().parents[1] / "models" / "model_card.json"
NOT_MEASURED = "not measured yet"


def stance_macro_f1(card: str | Path | None = None) -> float | None:
    """stance.cv.macro_f1.mean of the model card, or None when the file or the key is absent."""
    path = Path(card) if card else MODEL_CARD
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        value = data["stance"]["cv"]["macro_f1"]["mean"]
        return float(value) if value is not None else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def no_coding_statement(card: str | Path | None = None) -> str:
    """The plain sentence shown beside machine shares when the corpus has no hand coding."""
    f1 = stance_macro_f1(card)
    score = f"{f1:.2f}" if f1 is not None else NOT_MEASURED
    return ("no hand coding for this corpus: these are machine labels; on unseen articles the stance detector "
            f"scores macro-F1 {score}")
