#!/usr/bin/env python3
"""The pipeline a user would write in Python instead of briefingd, timed like briefingd-bench.

decode:  charset-normalizer picks the encoding (python-docx reads .docx), then the two clean-ups any
         script needs (CRLF to LF, Tika [bookmark: ...] markers removed);
extract: the best figure-and-date extractor that installs from PyPI here: JioNLP (extract_time for
         dates and periods, extract_money for money figures; it has no general quantity extractor),
         or, when JioNLP will not install or import, Microsoft's recognizers-text-suite (Chinese number,
         number-with-unit and date-time models);
full:    decode + extract + json.dumps of the result, i.e. bytes in, JSON out.

Each stage is repeated until at least --min-seconds of the thread's CPU time have passed, --runs
times; the median is kept (CPU time, as in the Swift bench: the machine's cores are shared).
Prints one JSON object on stdout (MB = 10^6 bytes of input). On missing packages it prints
{"error": "..."} and exits 3, so the Swift bench can say why it skipped the comparison.

    python3 scripts/bench_python_alternative.py --input UTF-8=briefing.txt --input docx=briefing.docx
    python3 scripts/bench_python_alternative.py --fixture ../shared/fixtures/nmg-public-security-briefing.txt
"""

import argparse
import contextlib
import io
import json
import os
import re
import statistics
import sys
import time
from importlib import metadata

FIXTURE = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "fixtures", "nmg-public-security-briefing.txt"
)
BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")


def fail(message):
    print(json.dumps({"error": message}, ensure_ascii=False))
    sys.exit(3)


def version(package):
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def load_extractor():
    """Returns (description, extract(text) -> dict) for the best extractor that imports."""
    problems = []
    try:
        # JioNLP prints a banner on stdout at import; keep stdout for our JSON.
        with contextlib.redirect_stdout(sys.stderr):
            import jionlp

        base = time.time()

        def extract_jionlp(text):
            return {
                "times": jionlp.ner.extract_time(text, time_base=base),
                "money": jionlp.ner.extract_money(text),
            }

        return f"jionlp {version('jionlp')} (ner.extract_time + ner.extract_money)", extract_jionlp
    except Exception as error:  # any import-time failure means: try the next tool
        problems.append(f"jionlp: {error}")
    try:
        from recognizers_date_time import recognize_datetime
        from recognizers_number import recognize_number
        from recognizers_number_with_unit import recognize_dimension, recognize_currency
        from recognizers_text import Culture

        def extract_recognizers(text):
            results = {}
            for name, model in [
                ("numbers", recognize_number),
                ("dimensions", recognize_dimension),
                ("currency", recognize_currency),
                ("times", recognize_datetime),
            ]:
                results[name] = [
                    {"text": r.text, "start": r.start, "end": r.end, "resolution": r.resolution}
                    for r in model(text, Culture.Chinese)
                ]
            return results

        return (
            f"recognizers-text-suite {version('recognizers-text-suite')} (number, dimension, currency, datetime)",
            extract_recognizers,
        )
    except Exception as error:
        problems.append(f"recognizers-text-suite: {error}")
    fail("no Python extractor imports (" + "; ".join(problems) + "); pip install -r scripts/requirements-bench.txt")


def make_decoder():
    try:
        import charset_normalizer
    except ImportError as error:
        fail(f"charset-normalizer missing ({error}); pip install -r scripts/requirements-bench.txt")
    try:
        import docx
    except ImportError:
        docx = None

    def decode(data):
        if data[:4] == b"PK\x03\x04":
            if docx is None:
                raise RuntimeError("python-docx missing; pip install python-docx")
            text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
        else:
            best = charset_normalizer.from_bytes(data).best()
            if best is None:
                raise RuntimeError("charset-normalizer found no encoding")
            text = str(best)
        return BOOKMARK.sub("", text.replace("\r\n", "\n"))

    tool = f"charset-normalizer {version('charset-normalizer')}"
    if docx is not None:
        tool += f" + python-docx {version('python-docx')}"
    return tool, decode


def fixture_forms(path):
    """The fixture in each form briefingd-bench measures, when no --input is given."""
    with open(path, "rb") as f:
        utf8 = f.read()
    text = utf8.decode("utf-8")
    forms = {"UTF-8": utf8, "GB18030": text.encode("gb18030"), "UTF-16LE": ("\ufeff" + text).encode("utf-16-le")}
    try:
        import docx

        document = docx.Document()
        for line in text.split("\n"):
            document.add_paragraph(line)
        out = io.BytesIO()
        document.save(out)
        forms["docx"] = out.getvalue()
    except ImportError:
        pass
    return forms


def seconds_per_call(body, min_seconds, runs):
    body()  # warm-up, as the Swift bench does
    per_call = []
    for _ in range(runs):
        calls = 0
        start = time.thread_time()
        while True:
            body()
            calls += 1
            elapsed = time.thread_time() - start
            if elapsed >= min_seconds:
                break
        per_call.append(elapsed / calls)
    return statistics.median(per_call)


def figure(size, seconds):
    return {"mb_per_s": size / 1e6 / seconds, "docs_per_s": 1 / seconds}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--input", action="append", default=[], metavar="LABEL=PATH")
    parser.add_argument("--fixture", default=FIXTURE)
    parser.add_argument("--min-seconds", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    decoder_tool, decode = make_decoder()
    extractor_tool, extract = load_extractor()

    if args.input:
        forms = {}
        for item in args.input:
            label, _, path = item.partition("=")
            with open(path, "rb") as f:
                forms[label] = f.read()
    else:
        forms = fixture_forms(args.fixture)

    results, errors, found = {}, {}, {}
    extract_measured = False
    for label, data in forms.items():
        try:
            text = decode(data)
        except Exception as error:
            errors[label] = f"{type(error).__name__}: {error}"
            continue
        stages = {"decode": figure(len(data), seconds_per_call(lambda: decode(data), args.min_seconds, args.runs))}
        if not extract_measured:
            # The text is the same in every form, so extraction is timed once, in the first form's bytes.
            stages["extract"] = figure(
                len(data), seconds_per_call(lambda: extract(text), args.min_seconds, args.runs)
            )
            extracted = extract(text)
            found = {key: len(value) for key, value in extracted.items()}
            extract_measured = True

        def full():
            decoded = decode(data)
            return json.dumps({"text": decoded, "facts": extract(decoded)}, ensure_ascii=False, default=str)

        stages["full"] = figure(len(data), seconds_per_call(full, args.min_seconds, args.runs))
        results[label] = stages

    print(
        json.dumps(
            {
                "tool": f"{decoder_tool} + {extractor_tool}",
                "results": results,
                "errors": errors or None,
                "found_in_fixture": found,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
