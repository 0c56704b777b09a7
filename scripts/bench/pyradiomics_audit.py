#!/usr/bin/env python3
"""The audit benchmark's work done with pyradiomics: the loop a pyradiomics user writes for
scripts/bench/audit-ct-20-variants.yaml (BENCHMARKS.md § Audit of real-sized CT).

usage: pyradiomics_audit.py CASES.csv [--output FEATURES.csv]

For every case of CASES.csv (columns case_id,image,mask, paths relative to the table) and each of the protocol's 20
variants, the image and mask are perturbed with numpy and SimpleITK and pyradiomics extracts every feature class
(3D, resampled to the variant's spacing with linear interpolation, re-segmented to [-1000, 400] HU, fixed bin width):
the original; noise ×3 (σ by the same Haar-wavelet estimate, median |HH| / 0.6745, once per case); erosion and
dilation by 1 and 2 mm (Euclidean distance maps); bin widths 10 and 50; resampling to 1.5 and 2 mm; and the chains'
8 variants (noise + mask, noise + resampling, resampling + bin width, noise + mask + resampling + bin width). The
perturbations match RadAudit's in kind and cost, not draw for draw. Timed as one process, as a user runs it.
"""
import argparse, csv, os, sys
import numpy as np
import SimpleITK as sitk
from radiomics import featureextractor, setVerbosity

VARIANTS = [  # (id, noise, mask mm (+ dilate, - erode), spacing, bin width)
    ("original", False, 0, 1, 25),
    ("noise-1", True, 0, 1, 25), ("noise-2", True, 0, 1, 25), ("noise-3", True, 0, 1, 25),
    ("resampling-1.5", False, 0, 1.5, 25), ("resampling-2", False, 0, 2, 25),
    ("discretisation-width10", False, 0, 1, 10), ("discretisation-width50", False, 0, 1, 50),
    ("mask-erode1mm", False, -1, 1, 25), ("mask-erode2mm", False, -2, 1, 25),
    ("mask-dilate1mm", False, 1, 1, 25), ("mask-dilate2mm", False, 2, 1, 25),
    ("NM-1", True, -1, 1, 25), ("NM-2", True, 2, 1, 25),
    ("NR-1", True, 0, 1.5, 25), ("NR-2", True, 0, 2, 25),
    ("RD-1", False, 0, 1.5, 10), ("RD-2", False, 0, 2, 50),
    ("NMRD-1", True, -2, 2, 10), ("NMRD-2", True, 1, 1.5, 50),
]


def noise_sigma(array):
    """median |HH| / 0.6745 of the finest diagonal Haar coefficients of every axial slice (array is z, y, x)."""
    z, y, x = array.shape
    a = array[:, : y // 2 * 2, : x // 2 * 2].astype(np.float64)
    hh = 0.5 * (a[:, 0::2, 0::2] - a[:, 0::2, 1::2] - a[:, 1::2, 0::2] + a[:, 1::2, 1::2])
    return float(np.median(np.abs(hh))) / 0.6745


def morphed(mask, mm):
    """The mask eroded (mm < 0) or dilated (mm > 0) by a Euclidean distance in mm."""
    if mm == 0:
        return mask
    inside = sitk.Cast(mask, sitk.sitkUInt8)
    if mm > 0:
        distance = sitk.SignedMaurerDistanceMap(inside, insideIsPositive=False, squaredDistance=False, useImageSpacing=True)
        out = sitk.BinaryThreshold(distance, -1e9, mm + 1e-9, 1, 0)
    else:
        distance = sitk.SignedMaurerDistanceMap(inside, insideIsPositive=True, squaredDistance=False, useImageSpacing=True)
        out = sitk.BinaryThreshold(distance, -mm + 1e-9, 1e9, 1, 0)
    out.CopyInformation(mask)
    return sitk.Cast(out, sitk.sitkUInt8)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cases")
    ap.add_argument("--output")
    a = ap.parse_args()
    setVerbosity(40)
    root = os.path.dirname(os.path.abspath(a.cases))
    rows = []
    with open(a.cases) as f:
        cases = list(csv.DictReader(f))
    for case in cases:
        image = sitk.ReadImage(os.path.join(root, case["image"]))
        mask = sitk.Cast(sitk.ReadImage(os.path.join(root, case["mask"])) > 0, sitk.sitkUInt8)
        array = sitk.GetArrayFromImage(image).astype(np.float64)
        sigma = noise_sigma(array)
        rng = np.random.default_rng(20261202)
        for name, noise, mm, spacing, width in VARIANTS:
            img = image
            if noise:
                noisy = sitk.GetImageFromArray(array + rng.normal(0.0, sigma, array.shape))
                noisy.CopyInformation(image)
                img = noisy
            extractor = featureextractor.RadiomicsFeatureExtractor(
                binWidth=width, resampledPixelSpacing=[spacing] * 3, interpolator=sitk.sitkLinear,
                resegmentRange=[-1000, 400], label=1)
            extractor.enableAllFeatures()
            result = extractor.execute(img, morphed(mask, mm))
            rows += [(case["case_id"], name, k, float(v)) for k, v in result.items() if not k.startswith("diagnostics_")]
            print(f"{case['case_id']} {name}", file=sys.stderr, flush=True)
    if a.output:
        with open(a.output, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["case_id", "variant", "feature", "value"])
            w.writerows(rows)
    print(f"pyradiomics: {len(cases)} cases x {len(VARIANTS)} variants, {len(rows)} values", file=sys.stderr)


if __name__ == "__main__":
    main()
