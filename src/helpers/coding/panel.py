"""Hand-code a sample in JupyterLab: one sentence at a time, saved after every answer, resumed where it stopped.

    from helpers.coding.panel import CodingPanel
    CodingPanel("coding.csv", coder="AB")          # in a notebook cell: the panel

The logic is `CodingSession` (plain Python, tested without a browser): it loads the coding file,
starts at the first row without a stance, records an answer (stance, frames, note, coder), writes the
whole file again after every answer (to a temporary file renamed over the old one, so an interrupted
save never leaves half a file), and moves to the next uncoded row. `CodingPanel` is the ipywidgets
view on top: the sentence in its context, toggle buttons for the frames, buttons for pro, con and
none (a stance button records the answer and moves on), previous and next, a note field. Keys
(ipywidgets has no keyboard events, so they are typed into the small "keys" box, which keeps the
focus): p, c, n record pro, con, none; 1-9 and 0 toggle the ten frames; b goes back, s skips.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from .files import COLUMNS, FRAME_CODES, STANCE_CODES, read_rows, split_frames, write_coding_file

FRAME_KEYS: dict[str, str] = {str((i + 1) % 10): f for i, f in enumerate(FRAME_CODES)}
STANCE_KEYS: dict[str, str] = {"p": "pro", "c": "con", "n": "none"}


class CodingSession:
    """A coding file being coded: current row, answers, save after every answer, resume."""

    def __init__(self, path: str | Path, coder: str = "") -> None:
        self.path = Path(path)
        self.coder = coder
        rows = read_rows(self.path)
        self.extra = [c for c in rows.columns if c not in COLUMNS and c != "row"]
        self.rows: pd.DataFrame = rows.drop(columns=["row"])
        self.index = self.first_uncoded()

    def __len__(self) -> int:
        return len(self.rows)

    def coded(self, i: int) -> bool:
        """Whether row i (0-based) has a stance."""
        return bool(str(self.rows.at[i, "stance"]).strip())

    @property
    def n_coded(self) -> int:
        return int(sum(self.coded(i) for i in range(len(self))))

    @property
    def done(self) -> bool:
        return self.n_coded == len(self)

    def first_uncoded(self, start: int = 0) -> int:
        """The first row from `start` without a stance (wrapping around); len(self) when all are coded."""
        n = len(self)
        for k in range(n):
            i = (start + k) % n
            if not self.coded(i):
                return i
        return n

    def current(self) -> dict | None:
        """The current row as a dict (None when every row is coded and the session is past the end)."""
        if self.index >= len(self):
            return None
        return self.rows.iloc[self.index].to_dict()

    def current_frames(self) -> list[str]:
        row = self.current()
        return split_frames(row["frames"]) if row else []

    def record(self, stance: str, frames: list[str] | tuple[str, ...] = (), note: str | None = None) -> int:
        """Record the answer for the current row, save the file, move to the next uncoded row; returns it."""
        if self.index >= len(self):
            raise IndexError("every row is coded: go back to a row to change it")
        stance = stance.strip().lower()
        if stance not in STANCE_CODES:
            raise ValueError(f"unknown stance {stance!r} (one of {', '.join(STANCE_CODES)})")
        unknown = [f for f in frames if f not in FRAME_CODES]
        if unknown:
            raise ValueError(f"unknown frame code(s): {', '.join(unknown)}")
        i = self.index
        self.rows.at[i, "stance"] = stance
        self.rows.at[i, "frames"] = "; ".join(f for f in FRAME_CODES if f in set(frames))
        if self.coder:
            self.rows.at[i, "coder"] = self.coder
        if note is not None:
            self.rows.at[i, "note"] = note
        self.save()
        self.index = self.first_uncoded(i + 1)
        return self.index

    def save(self) -> None:
        """Write the whole file atomically, in its own column order (extra columns kept)."""
        write_coding_file(self.rows, self.path)

    def go(self, i: int) -> None:
        self.index = max(0, min(int(i), len(self) - 1)) if len(self) else 0

    def next(self) -> None:
        self.go(self.index + 1)

    def previous(self) -> None:
        self.go(self.index - 1)


def sentence_html(row: dict, show_machine: bool = False) -> str:
    """The sentence in bold between its neighbours, everything HTML-escaped."""
    e = html.escape
    parts = [f"<div style='color:#777'>{e(str(row.get('context_before', '')))}</div>",
             f"<div style='font-size:1.15em;margin:.4em 0'><b>{e(str(row.get('text', '')))}</b></div>",
             f"<div style='color:#777'>{e(str(row.get('context_after', '')))}</div>",
             f"<div style='color:#999;font-size:.85em'>{e(str(row.get('doc_id', '')))} #{e(str(row.get('sent_id', '')))}</div>"]
    if show_machine and (row.get("predicted_stance") or row.get("predicted_frames")):
        parts.append(f"<div style='color:#999;font-size:.85em'>machine: {e(str(row.get('predicted_stance', '')))}"
                     f" · {e(str(row.get('predicted_frames', '')))}</div>")
    return "".join(parts)


class CodingPanel:
    """The ipywidgets coding panel over a CodingSession (display it as the last expression of a cell)."""

    def __init__(self, path: str | Path | CodingSession, coder: str = "", show_machine: bool = False) -> None:
        import ipywidgets as w

        self.session = path if isinstance(path, CodingSession) else CodingSession(path, coder=coder)
        self.show_machine = show_machine
        self.sentence = w.HTML()
        self.progress = w.HTML()
        self.frame_buttons = {f: w.ToggleButton(description=f"{k} {f}", value=False, tooltip=f"frame {f} (key {k})",
                                                layout=w.Layout(width="auto"))
                              for k, f in FRAME_KEYS.items()}
        self.stance_buttons = {s: w.Button(description=f"{s} ({k})", button_style=style, tooltip=f"stance {s}")
                               for (k, s), style in zip(STANCE_KEYS.items(), ("success", "danger", ""), strict=True)}
        self.note = w.Text(placeholder="note (optional)", layout=w.Layout(width="40em"))
        self.keys = w.Text(placeholder="keys: p c n · 1-0 frames · b back · s skip", continuous_update=True,
                           layout=w.Layout(width="22em"))
        self.prev_button, self.next_button = w.Button(description="◀ previous"), w.Button(description="next ▶")
        for s, b in self.stance_buttons.items():
            b.on_click(lambda _b, s=s: self.answer(s))
        self.prev_button.on_click(lambda _b: self._move(-1))
        self.next_button.on_click(lambda _b: self._move(+1))
        self.keys.observe(self._on_keys, names="value")
        self.widget = w.VBox([self.progress, self.sentence, w.HBox(list(self.frame_buttons.values()),
                                                                   layout=w.Layout(flex_flow="row wrap")),
                              w.HBox(list(self.stance_buttons.values()) + [self.prev_button, self.next_button]),
                              w.HBox([self.note, self.keys])])
        self.refresh()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def selected_frames(self) -> list[str]:
        return [f for f, b in self.frame_buttons.items() if b.value]

    def answer(self, stance: str) -> None:
        """Record the stance with the frames toggled and the note, then show the next uncoded sentence."""
        if self.session.current() is None:
            return
        self.session.record(stance, self.selected_frames(), self.note.value)
        self.refresh()

    def _move(self, step: int) -> None:
        if self.session.index >= len(self.session):
            self.session.go(len(self.session) - 1 if step < 0 else 0)
        else:
            self.session.go(self.session.index + step)
        self.refresh()

    def _on_keys(self, change) -> None:
        typed = str(change["new"])
        if not typed:
            return
        self.keys.value = ""
        for ch in typed.lower():
            if ch in STANCE_KEYS:
                self.answer(STANCE_KEYS[ch])
            elif ch in FRAME_KEYS:
                b = self.frame_buttons[FRAME_KEYS[ch]]
                b.value = not b.value
            elif ch == "b":
                self._move(-1)
            elif ch == "s":
                self._move(+1)

    def refresh(self) -> None:
        """Show the current row, its frames toggled as already coded, and the progress."""
        s = self.session
        row = s.current()
        self.progress.value = (f"<b>{s.n_coded}</b> of {len(s)} coded · saved to {html.escape(str(s.path))}"
                               + (f" · row {s.index + 2} of the file" if row else ""))
        if row is None:
            self.sentence.value = "<p><b>Every sentence is coded.</b> Use ◀ previous to review an answer.</p>"
            frames: list[str] = []
        else:
            self.sentence.value = sentence_html(row, self.show_machine) + (
                f"<div style='color:#2b6'>coded: {html.escape(str(row['stance']))} · "
                f"{html.escape(str(row['frames']))}</div>" if str(row["stance"]).strip() else "")
            frames = split_frames(row["frames"])
            self.note.value = str(row.get("note", "") or "")
        for f, b in self.frame_buttons.items():
            b.value = f in frames
