"""Planning: the need ranking of a city's school sites and the renovation action plan.

`ranking` and `topsis` are plain pandas/numpy (no Django import), so they can be tested
and benchmarked alone; a thin layer loads their input frames from the database.
"""
