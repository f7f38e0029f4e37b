"""Turn reports into JSON-ready dicts (:mod:`unspun.report.json`) and terminal output
(:mod:`unspun.report.terminal`).

Import from the submodule you need: the terminal renderer pulls in rich (about 50 ms),
which ``unspun trace --json`` does not load.
"""
