"""`python -m mobile` starts the field app."""

from __future__ import annotations

from mobile.app import main

if __name__ == "__main__":
    main()
