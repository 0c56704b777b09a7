#!/usr/bin/env python3
"""pyradiomics with its default image types Original, LoG (sigma 1-5 mm) and Wavelet (coif1, level 1) and every
feature class, on one image and mask: the peer side of scripts/filter-benchmark.sh, timed as a whole process.

usage: pyradiomics_filters.py IMAGE MASK [--resample X,Y,Z]
"""
import argparse, sys
import SimpleITK as sitk
from radiomics import featureextractor, setVerbosity

ap = argparse.ArgumentParser()
ap.add_argument("image"); ap.add_argument("mask")
ap.add_argument("--resample", default=None)
a = ap.parse_args()
setVerbosity(40)
settings = {"binWidth": 25, "label": 1, "interpolator": sitk.sitkLinear}
if a.resample:
    settings["resampledPixelSpacing"] = [float(x) for x in a.resample.split(",")]
ex = featureextractor.RadiomicsFeatureExtractor(**settings)
ex.enableAllFeatures()
ex.enableImageTypes(Original={}, LoG={"sigma": [1.0, 2.0, 3.0, 4.0, 5.0]}, Wavelet={})
res = ex.execute(a.image, a.mask)
print(f"pyradiomics: {sum(1 for k in res if not k.startswith('diagnostics_'))} features", file=sys.stderr)
