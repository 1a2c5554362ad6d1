#!/usr/bin/env python3
"""Validate a JSON document against a JSON Schema.

Usage: json-schema-check.py FILE SCHEMA    (FILE "-" reads stdin)

Prints one line: "ok FILE (SCHEMA)" or "invalid FILE: WHERE: WHAT".
Exit status: 0 valid, 1 invalid (or unreadable, not JSON, bad schema), 2 bad usage.
The schema's "$schema" picks the draft (Draft 2020-12 when it has none).
Needs python3-jsonschema (tests/deps.sh test installs it).
"""
import json
import sys


def where(path):
    """A JSON path like $.groups[0].devices for an error's absolute_path."""
    s = "$"
    for p in path:
        s += f"[{p}]" if isinstance(p, int) else f".{p}"
    return s


def load(path, what):
    try:
        if path == "-":
            return json.load(sys.stdin)
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise SystemExit(f"invalid {what} {path}: {e}")


def main(argv):
    if len(argv) != 3 or argv[1] in ("-h", "--help"):
        print("usage: json-schema-check.py FILE SCHEMA", file=sys.stderr)
        return 2
    doc_path, schema_path = argv[1], argv[2]
    try:
        import jsonschema
        from jsonschema.validators import validator_for
    except ImportError:
        print("json-schema-check: python3-jsonschema is not installed")
        return 1
    try:
        schema = load(schema_path, "schema")
        doc = load(doc_path, "JSON")
    except SystemExit as e:
        print(e)
        return 1
    cls = validator_for(schema, default=jsonschema.Draft202012Validator)
    try:
        cls.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        print(f"invalid schema {schema_path}: {where(e.absolute_path)}: {e.message}")
        return 1
    error = jsonschema.exceptions.best_match(cls(schema).iter_errors(doc))
    if error is not None:
        print(f"invalid {doc_path}: {where(error.absolute_path)}: {error.message}")
        return 1
    print(f"ok {doc_path} ({schema_path})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
