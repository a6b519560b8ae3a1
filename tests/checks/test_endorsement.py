"""NPT201 without configuration: appeals to vote for a party or person, whoever is named."""

from __future__ import annotations

import pytest

from checks.endorsement import find_appeal


@pytest.mark.parametrize(
    "text",
    [
        "vote for Jane Doe on Thursday",
        "Polls open at 7. #VoteGreen",
        "Vote Labour on Thursday!",
        "re-elect Senator Xavier Smith",
        "Please give me your vote on Thursday",
        "I am voting for Bernardo Quint",  # progressive, first person
        "Vote early for Mara Ilsted!",  # an adverb between verb and name
        "#VoteBlue2020 all the way",  # a party by its colour
        "Morgen alle die Bunte Partei wählen!",
        "Votez Lemaire dimanche",
        "Vota a @partidoficticio el domingo",
        "vote em Fulano para deputado",
        "Honored to be endorsed by the Teachers Union!",
        "I support Karla Moss for governor",  # support, in an election
        # German puts the infinitive last, or glues it to a hashtag
        "Da hilft nur #BuntePartei wählen",
        "dann wird es gelingen, die BPD zu wählen.",
        "Mehr Mut! #einfachBPDwählen",
        # a verb or noun of support, by its stem, in any person
        "O padre diz porque apoia Fulano Tal nas eleições",
        "Tous mobilisés pour soutenir @candidatfictif à la présidentielle",
        "Os pedimos el voto este domingo",
    ],
)
def test_appeals_fire_without_configuration(text: str) -> None:
    assert find_appeal(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "Vote for the resolution on refugee protection today.",
        "Vote yes on Prop 1",
        "Vote for change, vote for human rights",
        "vote him out",
        "Never vote for Quint again",
        "Vote Quint and his cronies out!",
        "Make sure you vote on Tuesday",  # get out the vote, no name
        "Vote for BTS in the fan vote #KCA",  # a fan vote
        "Voted for Eurovision last night",
        "I support Ukraine",  # a cause, no election
        "#VoteThemOut",
        "Your vote matters. Find your polling place.",
        "Votar Partido Azul es votar Partido Rojo.",  # criticism, not an appeal
        "Die Regierung muss weg. #Merkelabwählen",  # voting someone out
        "Wir werden nicht die BPD wählen.",  # negated
        "Je soutiens la réforme des retraites",  # a cause, no election
        "",
    ],
)
def test_hard_negatives_stay_silent(text: str) -> None:
    assert find_appeal(text) is None
