"""Checks a schema directory with a standard JSON Schema validator.

Every type file must be a valid draft 2020-12 schema and every `$ref` must resolve (files are
registered by their file URI, so relative references resolve as any validator resolves them).
service.json must name only operations' types that exist. Exits non-zero on any problem.

AWS patterns use Unicode classes such as \\p{L}. Python's `re` cannot compile those, so the
`regex` format of `pattern` is checked with the `regex` module when installed, else skipped.
"""
import json
import pathlib
import sys

import jsonschema
import referencing
import referencing.jsonschema


def refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def main(directory):
    root = pathlib.Path(directory).resolve()
    files = sorted(p for p in root.glob("*.json") if p.name != "service.json")
    schemas = {p.as_uri(): json.loads(p.read_text()) for p in files}
    registry = referencing.Registry().with_resources(
        (uri, referencing.Resource.from_contents(s, default_specification=referencing.jsonschema.DRAFT202012))
        for uri, s in schemas.items()
    )
    try:
        import regex  # noqa: F401  (Java-style Unicode classes)

        checker = jsonschema.FormatChecker()
        checker.checks("regex", raises=Exception)(lambda p: bool(regex.compile(p)))
    except ImportError:
        checker = None
    problems = []
    ref_count = 0
    for uri, schema in schemas.items():
        name = uri.rsplit("/", 1)[-1]
        if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
            problems.append(f"{name}: $schema is not draft 2020-12")
        try:
            jsonschema.Draft202012Validator.check_schema(schema, format_checker=checker)
        except jsonschema.SchemaError as e:
            problems.append(f"{name}: {e.message}")
        resolver = registry.resolver(base_uri=uri)
        for ref in refs(schema):
            ref_count += 1
            try:
                resolver.lookup(ref)
            except referencing.exceptions.Unresolvable as e:
                problems.append(f"{name}: $ref {ref} does not resolve: {e}")
    service = json.loads((root / "service.json").read_text())
    names = {p.stem for p in files}
    for op, d in service["operations"].items():
        for t in [d.get("input"), d.get("output"), *d.get("errors", [])]:
            if t is not None and t not in names:
                problems.append(f"service.json: {op} names unknown type {t}")
    for p in problems:
        print(p)
    print(f"{len(files) + 1} files, {ref_count} references, {len(service['operations'])} operations: "
          f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "schemas"))
