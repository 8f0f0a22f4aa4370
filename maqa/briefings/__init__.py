"""Learning briefings: one briefing record rendered as an HTML page, a PDF and a Word document.

The public functions live in the modules named after them (so importing the app stays cheap:
WeasyPrint and python-docx load only with their renderer)::

    from maqa.briefings.record import validate_record
    from maqa.briefings.words import number_words, ordinal_date
    from maqa.briefings.render_html import render_html
    from maqa.briefings.render_pdf import render_pdf
    from maqa.briefings.render_docx import render_docx
"""

from __future__ import annotations

import logging

# WeasyPrint logs several INFO lines for every document it renders (and some when imported);
# keep them out of the logs unless the project's LOGGING sets that logger's level itself.
_progress = logging.getLogger("weasyprint.progress")
if _progress.level == logging.NOTSET:
    _progress.setLevel(logging.WARNING)
