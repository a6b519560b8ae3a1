"""JSON structure: what fields a body has, with which JSON types, recursively.

`shape(body)` merges every element of a list into one shape (the union of their fields), so
a page of posts says which fields its posts carry between them; an object with a `$type`
(a union member such as an embed) is shaped under that type, so that two variants are
compared with their own kind only. `gaps(recorded, served)`
lists the fields a recorded body has that a served one lacks, or has with another type.
"""

from __future__ import annotations

from typing import Any

Shape = dict[str, Any]


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def merge(a: Shape | None, b: Shape | None) -> Shape:
    if a is None:
        return b or {"types": set()}
    if b is None:
        return a
    out: Shape = {"types": a["types"] | b["types"]}
    if "keys" in a or "keys" in b:
        keys = dict(a.get("keys", {}))
        for name, sub in b.get("keys", {}).items():
            keys[name] = merge(keys.get(name), sub)
        out["keys"] = keys
    if "items" in a or "items" in b:
        out["items"] = merge(a.get("items"), b.get("items"))
    return out


def shape(value: Any) -> Shape:
    kind = _kind(value)
    out: Shape = {"types": {kind}}
    if kind == "object":
        out["keys"] = {name: shape(sub) for name, sub in value.items()}
        variant = value.get("$type")
        if isinstance(variant, str):
            # A union (an embed, a reply reference): each `$type` is its own shape.
            out["keys"] = {f"<{variant}>": {"types": {"object"}, "keys": out["keys"]}}
    elif kind == "array":
        items = None
        for element in value:
            items = merge(items, shape(element))
        if items is not None:
            out["items"] = items
    return out


def _compatible(recorded: set[str], served: set[str]) -> bool:
    wanted = recorded - {"null"}
    if not wanted:
        return True  # a field the platform sends as null may hold anything
    if "integer" in served:
        served = served | {"number"}
    return bool(wanted & served)


def gaps(recorded: Shape, served: Shape, path: str = "$", skip: frozenset[str] = frozenset()):
    """Fields of `recorded` missing from `served` or typed differently, as `path: reason`."""
    if path in skip:
        return []
    found = []
    if not _compatible(recorded["types"], served["types"]):
        kinds = "/".join(sorted(served["types"]))
        return [f"{path}: {'/'.join(sorted(recorded['types']))} served as {kinds}"]
    for name, sub in recorded.get("keys", {}).items():
        where = f"{path}.{name}"
        if where in skip:
            continue
        if name not in served.get("keys", {}):
            found.append(f"{where}: missing")
        else:
            found.extend(gaps(sub, served["keys"][name], where, skip))
    if "items" in recorded:
        if "items" not in served:
            if recorded["items"]["types"] - {"null"}:
                found.append(f"{path}[]: served empty, cannot compare")
        else:
            found.extend(gaps(recorded["items"], served["items"], f"{path}[]", skip))
    return found
