"""The infusion chair's domain: from a cleared check-in through the infusion to the discharge.

Records (records.py), the order's arithmetic (rates.py), the discharge scores (scores.py), the
chair's state folded from its append-only log (log.py, state.py, discharge.py), the board's
order (board.py) and the checks an entry passes before it is sealed (entry_checks.py). Part of
the intake domain: no screen, no store, no clock of its own (every `now` is passed in).
"""
