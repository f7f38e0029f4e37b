"""A MiniLM cross-encoder for the related stances of FNC-1 (agree / disagree / discuss),
combined with the shipped tree model; an experiment, not yet part of the package.

Fully fine-tuned (the defaults, 43 min here) it lifts the competition test from FNC
80.65% / macro-F1 0.598 (the trees) to 85.07% / 0.679 (see
:mod:`bench.stance_cross.model`); no weights ship yet (20 MB, and torch at run time).

    .venv/bin/python -m bench.stance_cross.train --bodies ... --stances ... \
        --out /tmp/cross.npz --force
    .venv/bin/python -m bench.stance_cross.eval --cross /tmp/cross.npz
"""
