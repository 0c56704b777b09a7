#!/usr/bin/env python3
"""Extract nyxus' 3D features (`*3D_ALL*`: intensity, shape, GLCM, GLRLM, GLSZM, GLDM, GLDZM, NGTDM, NGLDM) of one
image and mask, for scripts/benchmark.sh's extraction comparison. nyxus does not resample: it works on the file's grid.

usage: nyxus_extract.py IMAGE MASK [--threads N]
"""
import argparse, os, sys
from nyxus import Nyxus3D

ap = argparse.ArgumentParser()
ap.add_argument("image"); ap.add_argument("mask")
ap.add_argument("--threads", type=int, default=2)
a = ap.parse_args()
nyx = Nyxus3D(["*3D_ALL*"], n_feature_calc_threads=a.threads)
table = nyx.featurize_files([os.path.abspath(a.image)], [os.path.abspath(a.mask)], False)
print(f"nyxus: {table.shape[1]} columns", file=sys.stderr)
