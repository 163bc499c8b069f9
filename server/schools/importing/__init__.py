"""Importing a municipality's own districts and school units from the files it has.

`districts` reads GeoJSON boundaries; `schools` reads a CSV or XLSX list of school units.
Each import is two steps: a plan (the file against the database: new, changed with old →
new, removed, skipped with line, column and reason) that writes nothing, and `apply`,
which writes only what the plan changes, in one transaction; so the same file twice
changes nothing, not even `updated_at`, and tablets pull nothing again.
"""
