"""Caseload summaries for the team lead: the figures of a period measured against the goals
of an indsats (`jobraad.goals`), anonymous by default, written as XLSX, CSV or a one-page
PDF, and merged across caseworkers.

- `model`: the period, the figures with their bounds, tables, goal results, the summary
- `build`: a summary from the caseload, made of
  `population` (who is counted), `goal_evaluation` (the goals, gruppe 3 decisions),
  `hours` (hours trends, by `jobraad.progression`'s rules) and `tables` (the breakdowns)
- `suppression`: what is hidden before a summary leaves the program, checked by
  `disclosure` (the audit of what a file publishes)
- `long_table`: the machine-readable rows every XLSX and CSV holds
- `xlsx_writer`, `csv_writer`, `pdf_writer`: one writer per format
- `reader` and `merge`: summaries read back and added up
- `export`: the export with its audit entry, and saving a summary in a format
"""
