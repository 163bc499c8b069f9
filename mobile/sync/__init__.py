"""The tablet's side of the sync protocol (DESIGN.md section 4): HTTP, retries, a worker."""
