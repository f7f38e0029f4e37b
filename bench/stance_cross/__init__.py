"""Training and evaluation of the MiniLM cross-encoder for the related stances of FNC-1
(agree / disagree / discuss); the model itself is :mod:`unspun.stance.cross`, run by
``unspun check --semantic`` and ``unspun stance --semantic`` beside the tree model.

Fully fine-tuned (the defaults, 43 min here) it lifts the competition test from FNC
80.65% / macro-F1 0.598 (the trees) to 85.07% / 0.679. unspun reads the weights
from ``unspun/stance/data/cross.npz`` (20 MB of float16; torch at run time).

    .venv/bin/python -m bench.stance_cross.train --bodies ... --stances ... \
        --out /tmp/cross.npz --force
    .venv/bin/python -m bench.stance_cross.eval --cross /tmp/cross.npz
"""
