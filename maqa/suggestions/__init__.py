"""Theme suggestions: code audit findings to the partnership's theme taxonomy.

- :mod:`maqa.suggestions.taxonomy` loads and validates the taxonomy YAML (pure functions, no database).
  The default taxonomy ships in ``maqa/suggestions/data/taxonomy.yaml``.
- :mod:`maqa.suggestions.suggest` suggests themes for a finding (``Suggester``), from the taxonomy's
  names and definitions and, when given, previously coded findings ("examples").
- :mod:`maqa.suggestions.embeddings` is the optional sentence-embedding backend (the ``maqa[ml]``
  extra: onnxruntime and an int8 ONNX all-MiniLM-L6-v2); without it the TF-IDF backend is used.
- ``maqa suggest-themes`` (``management/commands/suggest_themes.py``) runs it over a CSV.

Importing this package is cheap: scikit-learn and onnxruntime are imported only when used.
"""
