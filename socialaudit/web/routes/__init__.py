"""The web app's routes by area (sign-in, review, reports, a person's own page, admin, the
JSON API), each module's `install(app, site)` adding its routes to the app with the one
`Site`'s dependencies and layout helper.

Added to the app itself rather than through `APIRouter`s: FastAPI keeps an included router
as one opaque entry of `app.routes`, and the check that every write route carries the CSRF
dependency (tests/web/test_csrf.py) reads the routes there.
"""
