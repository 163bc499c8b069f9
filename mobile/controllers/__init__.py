"""Plain-Python logic behind the screens. Nothing here imports Kivy."""
