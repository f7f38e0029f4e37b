"""Stance features on short fictional headline-body pairs."""

from __future__ import annotations

import numpy as np
import pytest

from unspun.stance.features import (
    FEATURE_NAMES,
    LSA_DIMS,
    FeatureSpace,
    featurize,
    fit_space,
    prepare_body,
    stems,
    topics,
)

HEADLINE = "Giant tortoise escapes Millbrook zoo and walks to the bakery"
RELATED = (
    "A giant tortoise escaped from Millbrook zoo on Tuesday. Keepers found the tortoise "
    "outside the bakery two streets away. The zoo said the animal was unharmed."
)
UNRELATED = (
    "The regional orchestra announced its winter season. Tickets for the violin "
    "concerts go on sale next month."
)
TOPICS = ("lighthouse keeper", "comet sighting", "river otter", "mayor's parrot", "glass bridge")


def _space() -> FeatureSpace:
    pairs: list[tuple[str, int, str]] = []
    bodies: dict[int, str] = {}
    for i, topic in enumerate(TOPICS):
        headline = f"Town celebrates the {topic}"
        bodies[10 * i] = f"Residents said the {topic} story is a hoax and entirely false."
        bodies[10 * i + 1] = f"Residents confirmed the {topic} celebration happened."
        bodies[10 * i + 2] = f"Reports claim the {topic} celebration may happen, allegedly."
        pairs += [
            (headline, 10 * i, "disagree"),
            (headline, 10 * i + 1, "agree"),
            (headline, 10 * i + 2, "discuss"),
        ]
    bodies[99] = RELATED
    bodies[98] = UNRELATED
    return fit_space(pairs, bodies, cues_per_class=8, min_cue_topics=3)


def _features(space: FeatureSpace, headline: str, body: str) -> dict[str, float]:
    row = featurize(space, headline, prepare_body(space, body))
    return dict(zip(FEATURE_NAMES, row.tolist(), strict=True))


def test_stems_meet_across_inflections() -> None:
    assert stems("Denies deny") == ["deny", "deny"]
    assert stems("Claimed claims claiming") == ["claim"] * 3
    assert stems("officials' walks") == ["official", "walk"]


def test_vector_shape_and_finite() -> None:
    row = featurize(_space(), HEADLINE, prepare_body(_space(), RELATED))
    assert row.shape == (len(FEATURE_NAMES),)
    assert np.isfinite(row).all()


def test_related_body_scores_higher_than_unrelated() -> None:
    space = _space()
    near = _features(space, HEADLINE, RELATED)
    far = _features(space, HEADLINE, UNRELATED)
    for name in ("cos_body", "cos_max", "overlap", "overlap_idf", "bigram_overlap"):
        assert near[name] > far[name], name
    assert far["overlap"] == 0.0


def test_cues_are_learnt_from_data() -> None:
    space = _space()
    assert "hoax" in space.cues["disagree"]
    assert "confirm" in space.cues["agree"]
    refuting = _features(space, "Tortoise walks to bakery", "The tortoise walk is a hoax.")
    assert refuting["cue_top_disagree"] > 0
    assert refuting["cue_top_agree"] == 0


def test_negation_near_headline_words_and_missing_numbers() -> None:
    space = _space()
    row = _features(
        space,
        "Zoo loses 12 penguins",
        "The zoo did not lose any penguins. Keepers counted 40 birds.",
    )
    assert row["neg_near_head"] >= 1
    assert row["head_numbers"] == 1
    assert row["numbers_missing"] == 1


def test_empty_texts_do_not_fail() -> None:
    row = featurize(_space(), "", prepare_body(_space(), ""))
    assert np.isfinite(row).all()


def test_space_json_round_trip() -> None:
    space = _space()
    again = FeatureSpace.from_json(space.to_json())
    assert again.cues == space.cues
    assert again.idf.keys() == space.idf.keys()


def test_topics_join_headlines_through_shared_bodies() -> None:
    groups = topics([("A", 1, "agree"), ("B", 1, "discuss"), ("B", 2, "agree"), ("C", 3, "agree")])
    assert groups[0] == groups[1] == groups[2] != groups[3]


NOUNS = (
    "harbour ferry orchard frost violin concert comet telescope lantern meadow glacier "
    "bakery tortoise museum lighthouse canal falcon quarry vineyard chapel carousel "
    "windmill tram bridge island marble copper walnut saddle kettle ribbon pillow "
    "compass anchor beacon tunnel"
).split()


def _lsa_space() -> FeatureSpace:
    """A space fitted on enough fictional documents for the LSA projection to exist."""
    bodies: dict[int, str] = {}
    pairs: list[tuple[str, int, str]] = []
    n = len(NOUNS)
    for i in range(2 * n):
        a, b, c = NOUNS[i % n], NOUNS[(i + 5) % n], NOUNS[(i + 11 + i // n) % n]
        bodies[i] = f"The {a} and the {b} were seen near the {c} again, residents said."
        pairs.append((f"Residents report {a} near {b}", i, "discuss"))
    return fit_space(pairs, bodies, cues_per_class=5, min_cue_topics=2)


def test_lsa_projection_is_unit_length_and_round_trips() -> None:
    space = _lsa_space()
    assert space.lsa.shape == (len(space.lsa_vocab), LSA_DIMS)
    assert len(space.lsa_vocab) > LSA_DIMS
    vec = space.project(stems("The ferry and the frost"))
    assert np.linalg.norm(vec) == pytest.approx(1.0)
    assert not space.project(stems("zzz qqq")).any()
    again = FeatureSpace.from_json(space.to_json(), space.lsa)
    assert again.lsa_vocab == space.lsa_vocab
    assert np.array_equal(again.project(stems("ferry frost")), space.project(stems("ferry frost")))
    with pytest.raises(ValueError, match="LSA matrix"):
        FeatureSpace.from_json(space.to_json(), space.lsa[:, :3])


def test_lsa_similarity_prefers_the_matching_body() -> None:
    space = _lsa_space()
    near = _features(space, "Ferry seen near the orchard", "The ferry passed the orchard.")
    far = _features(space, "Ferry seen near the orchard", "A comet and a telescope.")
    assert near["lsa_cos_body"] > far["lsa_cos_body"]
    assert near["bm25"] > far["bm25"] == 0.0
    assert near["sent_overlap_max"] > far["sent_overlap_max"]
