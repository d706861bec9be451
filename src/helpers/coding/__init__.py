"""Trust on the researcher's own corpus: sample sentences, hand-code them, score the machine, correct its shares.

    files       the coding CSV (columns, UTF-8 with BOM, checks naming the row)
    labels      the machine's labels of every sentence, read from the corpus tables
    sample      seeded uniform or stratified sample of body sentences
    panel       CodingSession (load, record, save after every answer, resume) and the ipywidgets CodingPanel
    scores      precision/recall/F1 per class with bootstrap intervals, confusion matrix, disagreements
    agreement   two coders: Cohen's kappa, Krippendorff's alpha, per-frame kappa, disagreements
    prevalence  prediction-powered inference: corrected shares with 95 % intervals, per group
    statements  the plain sentence used when there is no coding file
    validate    all of it from a corpus and a coding file (`python -m helpers validate`)
"""

from .files import COLUMNS, FRAME_CODES, STANCE_CODES, CodingFileError, read_coding, write_coding_file
from .labels import machine_table
from .sample import draw_sample
from .statements import no_coding_statement
from .validate import CodingReport, load_report, shares_markdown, validate_coding

__all__ = ["COLUMNS", "FRAME_CODES", "STANCE_CODES", "CodingFileError", "CodingReport", "draw_sample",
           "load_report", "machine_table", "no_coding_statement", "read_coding", "shares_markdown",
           "validate_coding", "write_coding_file"]
