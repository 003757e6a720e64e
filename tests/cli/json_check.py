#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks `mmlab run --json` output (stdin) against tests/cli/run-json.schema.json.

Each line must parse with Python's json module and match exactly one of the schema's kinds.
The validator covers the JSON Schema keywords the schema uses (type, const, enum, minimum,
required, properties, additionalProperties, items, oneOf, $ref); an unknown keyword is an
error, so the schema cannot silently say more than is checked. Prints the line kinds counted;
exit status 1 on the first line that does not match.
usage: json_check.py SCHEMA < output.jsonl
"""
import json
import sys

KNOWN = {"$schema", "$comment", "title", "type", "const", "enum", "minimum", "required",
         "properties", "additionalProperties", "items", "oneOf", "$ref", "definitions"}
TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def type_ok(value, name):
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, TYPES[name])


def check(value, schema, root, path):
    """Returns None when @value matches @schema, else what is wrong."""
    unknown = set(schema) - KNOWN
    if unknown:
        raise SystemExit("schema uses unchecked keywords %s" % sorted(unknown))
    if "$ref" in schema:
        target = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return check(value, target, root, path)
    if "oneOf" in schema:
        matches = [s for s in schema["oneOf"] if check(value, s, root, path) is None]
        if len(matches) != 1:
            return "%s: matches %d of the kinds, not one" % (path, len(matches))
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(type_ok(value, n) for n in names):
            return "%s: %r is not %s" % (path, value, "/".join(names))
    if "const" in schema and value != schema["const"]:
        return "%s: %r is not %r" % (path, value, schema["const"])
    if "enum" in schema and value not in schema["enum"]:
        return "%s: %r not in %r" % (path, value, schema["enum"])
    if "minimum" in schema and value < schema["minimum"]:
        return "%s: %r below %r" % (path, value, schema["minimum"])
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                return "%s: no %r" % (path, key)
        props = schema.get("properties", {})
        for key, v in value.items():
            if key in props:
                err = check(v, props[key], root, path + "." + key)
                if err:
                    return err
            elif schema.get("additionalProperties", True) is False:
                return "%s: unexpected key %r" % (path, key)
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            err = check(v, schema["items"], root, "%s[%d]" % (path, i))
            if err:
                return err
    return None


def main():
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    kinds = {"line": 0, "event": 0, "summary": 0}
    for n, text in enumerate(sys.stdin, 1):
        obj = json.loads(text)
        err = check(obj, schema, schema, "line %d" % n)
        if err:
            print("json_check: " + err)
            return 1
        kinds["summary" if "summary" in obj else "event" if "event" in obj else "line"] += 1
    print(" ".join("%s=%d" % kv for kv in kinds.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
