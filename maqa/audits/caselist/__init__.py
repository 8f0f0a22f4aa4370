"""The case list as a file: its columns, reading a CSV or XLSX file, checking every row, and the
template to download. (maqa.audits.sampling adds the checked cases to an audit, all or none.)

- columns.py: the columns, and the words accepted in them
- problems.py: a problem by row and column, and problems grouped over many rows
- reading.py: a CSV or XLSX file read into rows, within limits
- checking.py: every row checked against the audit and its partnership (or a case entered by hand)
- cases.py: the stored case list of an audit: how a case is named, its ages at the panel date
- template.py: the template to download, as CSV or XLSX

A problem names its row and column and says what is wrong, but never quotes a cell: any cell may
hold a child's name or date of birth (a shifted column, a file without its heading row). The one
exception is a heading that is not a column of the case list, quoted when other headings match
(so the first row really is the heading row).

This package holds no names of its own: import each from the module that defines it.
"""
