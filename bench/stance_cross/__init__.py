"""An experiment kept for whoever tries it next: a MiniLM cross-encoder for the related
stances of FNC-1 (agree / disagree / discuss), combined with the shipped tree model.

It did not help on the competition test (macro-F1 0.552 against the trees' 0.598; see
:mod:`bench.stance_cross.model`), so it is not part of the package and no weights ship.

    .venv/bin/python -m bench.stance_cross.train --bodies ... --stances ... \
        --out /tmp/cross.npz --force
    .venv/bin/python -m bench.stance_cross.eval --cross /tmp/cross.npz
"""
