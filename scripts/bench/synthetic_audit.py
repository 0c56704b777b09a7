#!/usr/bin/env python3
"""Writes the tables of a synthetic audit directory of N_CASES cases x N_VARIANTS variants x N_FEATURES features, for
measuring the report at scale (`radaudit report OUTDIR`): inputs, variants, per-case diagnostics, stability in
every group, and the original extraction's rows of features.csv (the only rows the report reads). Deterministic.

    python3 scripts/bench/synthetic_audit.py 1000 30 1000 /tmp/scale
    .build/release/radaudit report /tmp/scale && scripts/check-report.sh /tmp/scale/report.html
"""
import csv, json, os, random, sys

cases, variants, features, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = random.Random(20261202)
os.makedirs(out, exist_ok=True)
groups = ["noise", "rotation", "translation", "volume_adaptation", "contour_randomisation", "mask", "resampling", "NTVC"]
families = ["morphology", "intensity_statistics", "intensity_histogram", "glcm", "glrlm", "glszm", "gldzm", "ngtdm", "ngldm"]
keys = [(families[i % len(families)], f"Feature {i}", f"{i:04X}", "none" if i % 3 == 0 else "3D") for i in range(features)]
ids = [f"case{k:05d}" for k in range(1, cases + 1)]
variant_ids = ["original"] + [f"v{j}" for j in range(1, variants)]


def group(j):
    return "none" if j == 0 else groups[(j - 1) % len(groups)]


def write(name, header, rows):
    with open(os.path.join(out, name), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


write("inputs.csv", ["case_id", "site", "image", "mask", "image_sha256", "mask_sha256"],
      [[c, "ABC"[k % 3], f"/data/{c}/ct.nii.gz", f"/data/{c}/gtv.nii.gz", "a" * 64, "b" * 64] for k, c in enumerate(ids)])
write("variants.csv", ["case_id", "case_position", "variant_id", "perturbation", "parameters", "seed", "notes"],
      [[c, k, v, group(j), "" if j == 0 else f"p={j}", k * 1000 + j, ""] for k, c in enumerate(ids)
       for j, v in enumerate(variant_ids)])
write("cases.csv", ["case_id", "variant_id", "site", "roi_voxels", "roi_mean_intensity"],
      [[c, v, "ABC"[k % 3], 5000 + rng.random() * (100 if k % 97 else 3000), 40 + rng.random()] for k, c in enumerate(ids)
       for v in variant_ids])
write("errors.csv", ["case_id", "variant_id", "error"], [])
write("features.csv", ["case_id", "variant_id", "perturbation", "family", "feature", "ibsi_code", "aggregation", "value"],
      [[c, "original", "none", f, n, code, a, rng.random()] for c in ids for (f, n, code, a) in keys])
rows = []
for g in sorted(set(group(j) for j in range(1, variants)), key=groups.index) + ["all"]:
    for (f, n, code, a) in keys:
        e = rng.random()
        rows.append([g, f, n, code, a, "ICC(1,1)", e, e - 0.1, min(1, e + 0.05), "good" if e > 0.85 else "moderate",
                     "true" if e - 0.1 >= 0.75 else "false", cases, variants])
write("stability.csv", ["perturbation", "family", "feature", "ibsi_code", "aggregation", "statistic", "estimate", "ci_low",
                        "ci_high", "koo_li", "robust", "cases", "raters"], rows)
json.dump({"tool": "radaudit", "version": "0.1.0", "commit": "synthetic", "started": "2026-12-02T00:00:00Z",
           "finished": "2026-12-02T01:00:00Z", "seed": 1, "jobs": 2}, open(os.path.join(out, "run.json"), "w"))
open(os.path.join(out, "protocol.yaml"), "w").write("name: synthetic scale test\nseed: 1\n")
