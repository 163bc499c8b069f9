"""Skolmiljö's shared core, imported by both the tablet app and the server.

- `shared.catalogue`: the versioned element catalogue (`catalogue.json`) and its models.
- `shared.grades`: condition grades A-D and N, severities, urgency classes.
- `shared.errors`: the wire error payload and the exception tree that carries HTTP status.
- `shared.sync`: wire types of the tablet <-> server sync protocol.
- `shared.canonical`: the canonical form and content hash of an inspection.
- `shared.fonts`: the shipped TTF fonts (Latin and Arabic) and which one draws a text.

Depends on the standard library and pydantic only (no Django, Kivy or SQLAlchemy,
nothing else of ours), and keeps to pydantic 2.6 features because the Android build
pins it. Import the submodules directly; this file imports nothing.
"""
