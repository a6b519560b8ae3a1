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
        "",
    ],
)
def test_hard_negatives_stay_silent(text: str) -> None:
    assert find_appeal(text) is None
