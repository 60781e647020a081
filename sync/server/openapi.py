"""The clinic server's OpenAPI 3.0 description, served at /openapi.json (see docs/wire.md)."""

from __future__ import annotations

from typing import Any

from sync.wire import (
    BATCH_CONTENT_TYPE,
    HEADER_DEVICE,
    HEADER_MAX_BODY,
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    PATH_AUDIT,
    PATH_BATCH,
    PATH_CONFIG,
    PATH_ENROL,
    PATH_HEALTH,
    PROTOCOL,
)


def _object(required: list[str], **properties: dict[str, Any]) -> dict[str, Any]:
    """The schema of a JSON object with these properties, the `required` ones always present."""
    return {"type": "object", "required": required, "properties": properties}


def _json_body(schema: dict[str, Any]) -> dict[str, Any]:
    """A request body that must be sent, as JSON of this schema."""
    return {"required": True, "content": {"application/json": {"schema": schema}}}


_REFUSAL = _object(
    ["error", "reason", "server_time"],
    error={"type": "string"},
    reason={"type": "string"},
    server_time={"type": "integer"},
    max_body_bytes={"type": "integer"},
)

_SIGNED_HEADERS = [
    {"name": name, "in": "header", "required": True, "schema": {"type": "string", "pattern": rx}}
    for name, rx in (
        (HEADER_DEVICE, "^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"),
        (HEADER_TIMESTAMP, "^[0-9]{1,12}$"),
        (HEADER_NONCE, "^[0-9a-f]{32}$"),
        (HEADER_SIGNATURE, "^[0-9a-f]{128}$"),
    )
]


def _answer(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {HEADER_MAX_BODY: {"schema": {"type": "integer"}}},
        "content": {"application/json": {"schema": schema}},
    }


def _refusals(*statuses: int) -> dict[str, Any]:
    names = {
        400: "malformed request or body",
        401: "unknown device, bad signature or stale timestamp (with server_time)",
        403: "revoked device or invalid enrolment code",
        404: "nothing published yet",
        409: "replayed nonce, taken device id or audit discontinuity",
        413: "body over the advertised limit",
        415: "wrong content type",
        503: "the clinic database is unavailable",
    }
    return {str(s): _answer(names[s], {"$ref": "#/components/schemas/Refusal"}) for s in statuses}


_RESULT = _object(
    ["index", "record_id", "status", "code", "reason"],
    index={"type": "integer"},
    record_id={"type": "string", "nullable": True},
    status={"type": "string", "enum": ["accepted", "duplicate", "rejected", "conflict"]},
    code={"type": "string", "nullable": True},
    reason={"type": "string", "nullable": True},
)


def openapi_document(max_body_bytes: int) -> dict[str, Any]:
    """The description of every endpoint; signed endpoints list the four signing headers."""
    signed_common = _refusals(400, 401, 403, 409, 413, 503)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Clinic server",
            "version": PROTOCOL,
            "description": (
                "Receives sealed records from enrolled kiosks. Requests are signed with the "
                "device key (see docs/wire.md). Bodies over "
                f"{max_body_bytes} bytes are refused with 413."
            ),
        },
        "paths": {
            PATH_HEALTH: {
                "get": {
                    "operationId": "health",
                    "responses": {
                        "200": _answer(
                            "the server is up",
                            _object(
                                ["status", "server_time", "max_body_bytes"],
                                status={"type": "string"},
                                server_time={"type": "integer"},
                                max_body_bytes={"type": "integer"},
                                max_records_per_batch={"type": "integer"},
                            ),
                        )
                    },
                }
            },
            PATH_ENROL: {
                "post": {
                    "operationId": "enrol",
                    "parameters": _SIGNED_HEADERS,
                    "requestBody": _json_body(
                        _object(
                            ["code", "device_id", "device_key"],
                            code={"type": "string", "maxLength": 100},
                            device_id={
                                "type": "string",
                                "pattern": "^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$",
                            },
                            device_key={"type": "string", "pattern": "^[0-9a-f]{64}$"},
                            name={"type": "string", "maxLength": 200},
                        )
                    ),
                    "responses": {
                        "200": _answer("enrolled: pin these keys", {"type": "object"}),
                        **signed_common,
                    },
                }
            },
            PATH_BATCH: {
                "post": {
                    "operationId": "sendBatch",
                    "parameters": _SIGNED_HEADERS,
                    "requestBody": {
                        "required": True,
                        "content": {
                            BATCH_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}
                        },
                    },
                    "responses": {
                        "200": _answer(
                            "one result per envelope, in order",
                            _object(
                                ["results", "server_time"],
                                results={"type": "array", "items": _RESULT},
                                server_time={"type": "integer"},
                            ),
                        ),
                        **signed_common,
                        **_refusals(415),
                    },
                }
            },
            PATH_AUDIT: {
                "post": {
                    "operationId": "sendAuditLinks",
                    "parameters": _SIGNED_HEADERS,
                    "requestBody": _json_body(
                        _object(
                            ["links"],
                            links={
                                "type": "array",
                                "items": _object(
                                    ["seq", "hash", "prev_hash"],
                                    seq={"type": "integer"},
                                    hash={"type": "string"},
                                    prev_hash={"type": "string"},
                                ),
                            },
                        )
                    ),
                    "responses": {
                        "200": _answer("the chain held through a seq", {"type": "object"}),
                        **signed_common,
                    },
                }
            },
            PATH_CONFIG: {
                "get": {
                    "operationId": "getConfig",
                    "parameters": _SIGNED_HEADERS,
                    "responses": {
                        "200": _answer(
                            "the signed clinic configuration",
                            _object(
                                ["payload", "signature"],
                                payload={"type": "string"},
                                signature={"type": "string"},
                            ),
                        ),
                        **signed_common,
                        **_refusals(404),
                    },
                }
            },
        },
        "components": {"schemas": {"Refusal": _REFUSAL}},
    }
