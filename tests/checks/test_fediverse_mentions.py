"""CNF305 does not read a fediverse mention (`@user@server`) as an e-mail address."""

from __future__ import annotations

from checks.confidentiality import EMAIL


def test_a_remote_mention_is_not_an_email_address() -> None:
    # How the Mastodon collector writes a mention of someone on another server.
    assert EMAIL.search("Listen to some Dutch @vanatteveldt@sciences.social now") is None
    assert EMAIL.search("cc @elhotzo@mastodon.social and @kemi") is None


def test_an_email_address_is_still_one() -> None:
    assert EMAIL.search("write to ana.p@example.org today").group(0) == "ana.p@example.org"
    assert EMAIL.search("(mail: kemi@example.net)").group(0) == "kemi@example.net"
