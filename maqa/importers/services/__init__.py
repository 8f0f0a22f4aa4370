"""Importing past audits from their published briefings.

``briefing_import`` (importing.py) is the one way in, for the command (``maqa import-briefing``)
and the web pages alike: it reads a document (or takes a record a person has reviewed), checks it
against what the partnership already holds, and (with ``apply``) saves in one transaction an
audit that is published and flagged as imported, with its findings, and the document with its
SHA-256.

The web pages store an upload first (``batch_upload``, batches.py), read its files one request at
a time (``batch_parse_next``), and save each after review through ``briefing_import``.

- reading.py: whether a file can be imported, its name, hash and format, reading it safely
- records.py: a briefing record checked and turned into the plan of what an import creates
- duplicates.py: audits already held that a document looks like, and the decision about them
- themes.py: themes for imported points, from the theme suggester
- documents.py: documents kept for a person (a decision or a review), and skipping one
- importing.py: ``briefing_import``, its outcome, and the audit it creates
- batches.py: uploads on the web pages

Audit events name counts, dates and hashes, never a document's text or file name (a file name
may hold a child's name).

This package holds no names of its own: import each from the module that defines it.
"""
