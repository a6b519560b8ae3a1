"""A small world for the web app's tests: two people, their findings, four users."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from socialaudit.models import Finding
from socialaudit.users import add_user
from tests.factories import make_person_with_posts

PASSWORD = "correct horse battery"
XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


def seed_web(engine: Engine) -> None:
    with Session(engine) as session:
        _, _, posts = make_person_with_posts(session, "Ana Lima", posts=2)
        make_person_with_posts(session, "Ben Okafor", posts=1)
        posts[0].text = f"Look {XSS} \u202egnp.exe"
        session.add(posts[0])
        finding = session.exec(select(Finding).where(Finding.post_id == posts[0].id)).one()
        finding.evidence = [{"field": "text", "start": 5, "end": 5 + len(XSS), "text": XSS}]
        finding.message = f"Message with {XSS}"
        session.add(finding)
        for name, role in (("rita", "reviewer"), ("max", "manager"), ("ada", "admin")):
            add_user(session, name, role, PASSWORD)
        add_user(session, "ana", "person", PASSWORD, person="Ana Lima")
        session.commit()
