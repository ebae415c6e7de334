#!/usr/bin/env python3
"""Validate snapshot documents against the JSON Schema kept beside the code that writes them.

Usage: validate_snapshots.py FILE... (a file may hold one document or JSON lines, as `briefingd
extract` prints). Also checks what a schema cannot: every span slices `text` to the item's `text`
where the item has one, and turns reference listed speakers. Exit 0 when all are valid; otherwise
each problem is printed on its own line and the exit code is 1.
"""
import json
import pathlib
import sys

import jsonschema

SCHEMA = pathlib.Path(__file__).resolve().parent.parent / "Sources/BriefingCore/Model/snapshot.schema.json"


def documents(path):
    text = pathlib.Path(path).read_text(encoding="utf-8")
    try:
        yield json.loads(text)
    except json.JSONDecodeError:
        for line in text.splitlines():
            if line.strip():
                yield json.loads(line)


def semantic_problems(doc):
    text = doc["text"]
    b = doc["briefing"]
    speakers = {s["id"] for s in b["speakers"]}
    for t in b["turns"]:
        if t["speaker"] not in speakers:
            yield f"turn {t['index']} names unknown speaker {t['speaker']}"
    for field in ("turns", "points", "figures", "changes", "periods", "named"):
        for i, item in enumerate(b[field]):
            start, end = item["span"]
            if not 0 <= start <= end <= len(text):
                yield f"{field}[{i}] span {item['span']} outside text of {len(text)} code points"
            elif field != "turns" and text[start:end] != item["text"]:
                yield f"{field}[{i}] text {item['text']!r} != text[{start}:{end}] {text[start:end]!r}"
    for i, f in enumerate(b["figures"]):
        if (f.get("unit") == "ratio") != ("ratio_to" in f):
            yield f"figures[{i}]: ratio_to goes with unit \"ratio\" and only with it"
    for i, p in enumerate(b["periods"]):
        if "approx" in p and "duration" not in p:
            yield f"periods[{i}]: approx without a duration"
    if (b["date"] is None) != (b["date_source"] is None):
        yield "date and date_source are both set or both null"
    if (b["reference_year"] is None) != (b["reference_year_source"] is None):
        yield "reference_year and reference_year_source are both set or both null"
    for i, c in enumerate(b["changes"]):
        if c["figure"] is not None and not 0 <= c["figure"] < len(b["figures"]):
            yield f"changes[{i}].figure {c['figure']} is not an index into figures"


def main(paths):
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    problems = 0
    count = 0
    for path in paths:
        for doc in documents(path):
            count += 1
            for error in validator.iter_errors(doc):
                problems += 1
                print(f"{path}: {'/'.join(map(str, error.absolute_path))}: {error.message}")
            for problem in semantic_problems(doc):
                problems += 1
                print(f"{path}: {problem}")
    print(f"{count} documents, {problems} problems")
    return 1 if problems or count == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
