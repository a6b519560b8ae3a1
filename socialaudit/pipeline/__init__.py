"""The pipeline: what runs the collectors, the checks and the reports, once or on a clock.

Above `collectors/`, `checks/` and `reports/`, below the CLI and the web app (the layering is
written as import-linter contracts in pyproject.toml and kept by `make lint-imports`):
`check_runner` runs every rule over the stored posts and profiles, `lifecycle` decides
deletions versus corrections, `jobs` records each run, `scheduler` plans and runs them.
"""
