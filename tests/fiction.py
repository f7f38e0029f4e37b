"""Short fictional articles written for the tests (no real news text)."""

from __future__ import annotations

FICTION = [
    {
        "id": "tw-1",
        "title": "Ferry crews in Port Alder walk out over rosters",
        "text": (
            "PORT ALDER, May 2 (Tidewater Wire) - Ferry crews in Port Alder walked out on "
            "Friday after talks over new rosters broke down, stranding about 3,000 commuters.\n\n"
            "The crews' union said the operator wanted to cut rest breaks on the night "
            'crossings. "We will not sail tired," said Odile Brannagh, the union\'s secretary. '
            "Brannagh said the strike would last at least two days.\n\n"
            "The operator, Alder Sound Ferries, called the walkout unnecessary and said it "
            "had offered to review the rosters in June."
        ),
        "url": "https://tidewater.example/ferry-crews-walk-out",
        "source": "Tidewater Wire",
        "date": "2032-05-02",
    },
    {
        "id": "bg-7",
        "title": "Strike strands Port Alder commuters",
        "text": (
            "Ferry crews in Port Alder walked out on Friday after talks over new rosters broke "
            "down, stranding about 3,000 commuters.\n\nThe crews' union said the operator "
            "wanted to cut rest breaks on the night crossings.\n\nLocal shops near the "
            "terminal reported a quiet morning."
        ),
        "url": "https://baygazette.example/strike-strands-commuters",
        "source": "Bay Gazette",
        "date": "2032-05-03",
    },
    {
        "id": "tw-2",
        "title": "Orchard growers count frost damage in the Verrin valley",
        "text": (
            "VERRIN, May 4 (Tidewater Wire) - Apple growers in the Verrin valley said a late "
            "frost had destroyed up to a third of this year's blossom.\n\n"
            "The regional growers' association estimated losses at 12 million crowns. "
            '"It is the worst night we have had in twenty years," said Pell Dunmore, who '
            "farms 40 hectares near the river."
        ),
        "url": "https://tidewater.example/frost-damage",
        "source": "Tidewater Wire",
        "date": "2032-05-04",
    },
]
