#!/usr/bin/env python3
"""Synthetic thoracic CT cases for the audit benchmark (BENCHMARKS.md § Audit of real-sized CT).

usage: synthetic_ct.py OUTDIR [CASES=5] [--size 512,512,120] [--spacing 0.78,0.78,2.5]

Each case is a 512×512×120 int16 CT (0.78 × 0.78 × 2.5 mm, gzip NIfTI) of an elliptic body (soft tissue 40 HU,
fat rim −100 HU, a bone ring 700 HU, two lungs −850 HU), with a lobulated tumour in the right lung (about 77 000 mm³,
that is ≈ 77 k voxels at 1 mm) whose texture is smoothed noise around 30 HU, plus Gaussian noise of σ 15 HU; its mask
is uint8. Every case has its own seed (1000 + case number) and a slightly different tumour radius, so the files are
reproducible. Writes OUTDIR/caseK_image.nii.gz, OUTDIR/caseK_mask.nii.gz and OUTDIR/cases.csv. Needs numpy only.
"""
import argparse, gzip, os, struct
import numpy as np


def nifti_bytes(volume, spacing, datatype, bitpix):
    """A NIfTI-1 single file (.nii): 348-byte header, 4 bytes of extension flag, the voxels x fastest."""
    nx, ny, nz = volume.shape
    header = bytearray(348)
    struct.pack_into("<i", header, 0, 348)
    struct.pack_into("<8h", header, 40, 3, nx, ny, nz, 1, 1, 1, 1)
    struct.pack_into("<hh", header, 70, datatype, bitpix)
    struct.pack_into("<8f", header, 76, 1.0, *spacing, 1.0, 1.0, 1.0, 1.0)
    struct.pack_into("<f", header, 108, 352.0)                # vox_offset
    struct.pack_into("<ff", header, 112, 1.0, 0.0)            # scl_slope, scl_inter
    struct.pack_into("<B", header, 123, 2 | 8)                # xyzt_units: mm, s
    struct.pack_into("<hh", header, 252, 0, 1)                # qform_code 0, sform_code 1 (scanner)
    origin = [-(nx - 1) * spacing[0] / 2, -(ny - 1) * spacing[1] / 2, 0.0]
    rows = [[spacing[0], 0, 0, origin[0]], [0, spacing[1], 0, origin[1]], [0, 0, spacing[2], origin[2]]]
    struct.pack_into("<12f", header, 280, *[v for row in rows for v in row])
    header[344:348] = b"n+1\0"
    return bytes(header) + b"\0\0\0\0" + np.asfortranarray(volume).tobytes(order="F")


def smooth(field, passes):
    """A cheap low-pass: repeated 3-point box averages along each axis."""
    for _ in range(passes):
        for axis in range(3):
            field = (np.roll(field, 1, axis) + field + np.roll(field, -1, axis)) / 3
    return field


def make_case(index, size, spacing):
    rng = np.random.default_rng(1000 + index)
    nx, ny, nz = size
    x = (np.arange(nx) - (nx - 1) / 2) * spacing[0]
    y = (np.arange(ny) - (ny - 1) / 2) * spacing[1]
    z = np.arange(nz) * spacing[2]
    X, Y, Z = np.meshgrid(x, y, z, indexing="ij")
    ct = np.full(size, -1000.0, dtype=np.float32)
    body = (X / 170) ** 2 + (Y / 120) ** 2
    ct[body < 1.0] = -100
    ct[body < 0.92] = 40
    ct[(body < 0.85) & (body > 0.78)] = 700
    for side in (-1, 1):
        lung = ((X - side * 75) / 60) ** 2 + (Y / 85) ** 2 + ((Z - nz * spacing[2] / 2) / 140) ** 2
        ct[lung < 1.0] = -850
    # The tumour: a sphere of radius r, lobulated by low-order harmonics, in the right lung.
    radius = 26.0 + 1.5 * (index - 3)
    centre = (75.0, 5.0, nz * spacing[2] / 2)
    dx, dy, dz = X - centre[0], Y - centre[1], Z - centre[2]
    distance = np.sqrt(dx * dx + dy * dy + dz * dz)
    theta, phi = np.arccos(np.clip(dz / np.maximum(distance, 1e-9), -1, 1)), np.arctan2(dy, dx)
    lobes = 1 + 0.12 * np.cos(3 * phi + index) * np.sin(theta) + 0.08 * np.cos(2 * theta)
    tumour = distance < radius * lobes
    texture = smooth(rng.normal(0, 60, size).astype(np.float32), 2)
    ct[tumour] = 30 + texture[tumour]
    ct += rng.normal(0, 15, size).astype(np.float32)
    return np.clip(np.rint(ct), -1024, 3071).astype(np.int16), tumour.astype(np.uint8)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("cases", nargs="?", type=int, default=5)
    ap.add_argument("--size", default="512,512,120")
    ap.add_argument("--spacing", default="0.78,0.78,2.5")
    a = ap.parse_args()
    size = tuple(int(v) for v in a.size.split(","))
    spacing = tuple(float(v) for v in a.spacing.split(","))
    os.makedirs(a.outdir, exist_ok=True)
    rows = ["case_id,image,mask"]
    for k in range(1, a.cases + 1):
        image, mask = make_case(k, size, spacing)
        for name, volume, datatype, bitpix in (("image", image, 4, 16), ("mask", mask, 2, 8)):
            path = os.path.join(a.outdir, f"case{k}_{name}.nii.gz")
            with gzip.open(path + ".tmp", "wb", compresslevel=6) as f:
                f.write(nifti_bytes(volume, spacing, datatype, bitpix))
            os.replace(path + ".tmp", path)
        rows.append(f"case{k},case{k}_image.nii.gz,case{k}_mask.nii.gz")
        print(f"case{k}: tumour {int(mask.sum()) * np.prod(spacing):.0f} mm³", flush=True)
    with open(os.path.join(a.outdir, "cases.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
