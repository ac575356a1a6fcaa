"""The API reference page's content, read from the OpenAPI document itself, so the page cannot
drift from what the API does. Swagger UI and its kind need scripts from elsewhere, which the CSP
forbids; this is drawn on the server with the tracker's own templates."""

from __future__ import annotations

from typing import Any

from flask import current_app

from tracker.api.v1.openapi import CONFIG_PREFIX

_METHODS = ("get", "put", "post", "patch", "delete")


def spec() -> dict[str, Any]:
    api = current_app.extensions["flask-smorest"]["apis"][CONFIG_PREFIX + "_"]["ext_obj"]
    document: dict[str, Any] = api.spec.to_dict()
    return document


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_text(schema: dict[str, Any]) -> str:
    """A JSON Schema as a few words: "integer (1 to 100, default 25)", "Ref or null"."""
    if "$ref" in schema:
        return _ref_name(schema["$ref"])
    if "anyOf" in schema:
        return " or ".join(type_text(part) for part in schema["anyOf"])
    kinds = schema.get("type", "any")
    kinds = list(kinds) if isinstance(kinds, list) else [kinds]
    words = []
    for kind in kinds:
        if kind == "array":
            words.append(f"array of {type_text(schema.get('items', {}))}")
        elif kind == "null":
            words.append("null")
        else:
            words.append(f"{kind} ({schema['format']})" if "format" in schema else str(kind))
    text = " or ".join(words)
    notes = []
    if "enum" in schema:
        # The API's own codes are its vocabulary here; JSON's null is said as JSON says it.
        notes.append("one of " + ", ".join("null" if v is None else str(v) for v in schema["enum"]))
    if "minimum" in schema and "maximum" in schema:
        notes.append(f"{schema['minimum']:,} to {schema['maximum']:,}")
    if "maxLength" in schema:
        notes.append(f"at most {schema['maxLength']} characters")
    if "default" in schema:
        notes.append(f"default {schema['default']}")
    return f"{text}: {'; '.join(notes)}" if notes else text


def _response_schema(response: dict[str, Any], components: dict[str, Any]) -> tuple[str, str, str]:
    """(description, content type, schema name) of a response, its $ref followed."""
    if "$ref" in response:
        response = components.get("responses", {}).get(_ref_name(response["$ref"]), {})
    for content_type, media in (response.get("content") or {}).items():
        return response.get("description", ""), content_type, type_text(media.get("schema", {}))
    return response.get("description", ""), "", ""


def operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    components = document.get("components", {})
    found = []
    for path, item in document.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = []
            for status, response in operation.get("responses", {}).items():
                description, content_type, schema_name = _response_schema(response, components)
                responses.append({"status": status, "description": description, "content_type": content_type,
                                  "schema": schema_name})
            responses.sort(key=lambda r: (r["status"] == "default", r["status"]))
            found.append({
                "method": method.upper(), "path": path, "id": operation.get("operationId", f"{method}-{path}"),
                "summary": operation.get("summary", ""), "description": operation.get("description", ""),
                "parameters": [{"name": p["name"], "in": p["in"], "required": bool(p.get("required")),
                                "type": type_text(p.get("schema", {})), "description": p.get("description", "")}
                               for p in [*shared, *operation.get("parameters", [])]],
                "responses": responses,
            })
    return found


def schemas(document: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        required = set(schema.get("required", []))
        found.append({"name": name, "properties": [
            {"name": prop, "type": type_text(definition), "required": prop in required,
             "description": definition.get("description", "")}
            for prop, definition in schema.get("properties", {}).items()
        ]})
    return found
