"""Headline-body stance (agree / disagree / discuss / unrelated), trained on FNC-1."""
