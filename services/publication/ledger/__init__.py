"""The ledger (台账): per community, street, district and city, for a month, quarter or year.

Kept as a projection like every other view: one fact row per topic (the times and outcomes
of its steps) and one per meeting, so that any division's figure for any period is one
aggregate query over the rows whose community code starts with the division's prefix, and a
monthly rollup per district summed from those rows for the city's and districts' figures.
"""
