"""Collectors: read registered accounts from each platform into the store.

`base` is the interface every platform implements and the shapes it returns; `retry` the
client seam (retries, rate limits, the API-call count); `store` the idempotent upserts;
`runner` one collection round (what `socialaudit collect` and the scheduler run);
`bluesky` the Bluesky collector (atproto SDK). README "Adding a collector" walks through a
new platform.
"""
