"""Android entry point for buildozer / python-for-android (they start `main.py`).

On the desktop use `python -m mobile` (or `make mobile`) instead.
"""

from mobile.app import main

if __name__ == "__main__":
    main()
