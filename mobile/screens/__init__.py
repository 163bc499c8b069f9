"""Kivy screens: one `.kv` layout and one thin `.py` per screen."""
