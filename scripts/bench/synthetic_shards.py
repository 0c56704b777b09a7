#!/usr/bin/env python3
"""Writes N synthetic shard directories of one audit for `radaudit merge` benchmarks and tests: shard k is a copy of
a finished one-case audit TEMPLATE (made by `radaudit audit --shard 1/N` on a one-row cohort) with its case renamed
`case<k>` at cohort position k - 1 and its run record saying shard k/N.

    python3 scripts/bench/synthetic_shards.py TEMPLATE OUTDIR N
"""
import csv, io, json, os, shutil, sys

template, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
tables = ["features.csv", "variants.csv", "errors.csv", "cases.csv", "inputs.csv"]
texts = {name: open(os.path.join(template, name), newline="").read() for name in tables}
run = json.load(open(os.path.join(template, "run.json")))
original = next(csv.DictReader(io.StringIO(texts["variants.csv"])))["case_id"]


def renamed(text, case, position):
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    ci = header.index("case_id") if "case_id" in header else None
    pi = header.index("case_position") if "case_position" in header else None
    for row in rows[1:]:
        if ci is not None and row[ci] == original:
            row[ci] = case
        if pi is not None:
            row[pi] = str(position)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


for k in range(1, n + 1):
    directory = os.path.join(out, f"shard-{k}")
    os.makedirs(directory, exist_ok=True)
    for name in tables:
        with open(os.path.join(directory, name), "w", newline="") as f:
            f.write(renamed(texts[name], f"case{k}", k - 1))
    shutil.copy(os.path.join(template, "protocol.yaml"), directory)
    json.dump(dict(run, shard=f"{k}/{n}"), open(os.path.join(directory, "run.json"), "w"), indent=2, sort_keys=True)
    json.dump({"complete": True, "files": []}, open(os.path.join(directory, "manifest.json"), "w"))
