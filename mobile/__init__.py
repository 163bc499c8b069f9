"""Skolmiljö field app: the inspectors' offline tablet app (Kivy + SQLite)."""
