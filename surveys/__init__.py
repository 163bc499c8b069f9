"""Survey definitions for pupils and parents: questionnaires as data, and their rules.

The questionnaires live as TOML files in `surveys/questionnaires/`; `surveys.questionnaire`
loads and validates them (items, the answer scale, the six indices, texts in every
language) and maps a stored answer to its 0-10 index score. This package imports only
the standard library, pydantic and `shared`; never Django, so the server and the tools
can use it alike.
"""
