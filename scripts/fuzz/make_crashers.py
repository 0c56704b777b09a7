#!/usr/bin/env python3
"""Writes the minimised fuzz findings into fixtures/fuzz-crashers/ (deterministically, from repository files).

    python3 scripts/fuzz/make_crashers.py            # (re)write the fixtures and their manifest.jsonl
    python3 scripts/fuzz/run.py fixtures/fuzz-crashers --out /tmp/crashers-results   # re-run them

Each finding of the fuzz run (docs/reliability.md) is reduced to the smallest input that still shows it: the
smallest seed of the same reader with only the offending field changed, or a protocol holding only the offending
key. manifest.jsonl uses the corpus format of generate.py (argv relative to fixtures/fuzz-crashers; audits write
to a scratch directory under the system temporary directory). README.md there lists every file with its command,
the observed and the expected outcome, and its licence.
"""
import gzip
import json
import os
import shutil
import struct
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import dicomlite as dl  # noqa: E402
import generate as g  # noqa: E402
import yamlite as yl  # noqa: E402

REPO = g.REPO
OUT = os.path.join(REPO, "fixtures", "fuzz-crashers")
SCRATCH = os.path.join(tempfile.gettempdir(), "radaudit-fuzz-crashers")
NAN, INF = float("nan"), float("inf")

DIGITAL = "fixtures/ibsi1/digital_phantom/nifti/image/phantom.nii.gz"
DIGITAL_MASK = "fixtures/ibsi1/digital_phantom/nifti/mask/mask.nii.gz"
CASE1 = "fixtures/cohort/case1_image.nii.gz"
CASE1_MASK = "fixtures/cohort/case1_mask.nii.gz"
MR_SMALL = "fixtures/dicom/pydicom_test_files/MR_small.dcm"
CT5N = "fixtures/dicom/pydicom_test_files/ct_series_CT5N_16x16"
PHANTOM_SERIES = "fixtures/dicom/ct_phantom/image"
PHANTOM_RS = "fixtures/dicom/ct_phantom/mask/DCM_RS_00060.dcm"

entries = []


def seed(path):
    with open(os.path.join(REPO, path), "rb") as f:
        return f.read()


def rel(repo_path):
    """A repository path as seen from fixtures/fuzz-crashers."""
    return os.path.relpath(os.path.join(REPO, repo_path), OUT)


def write(name, data):
    p = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    return name


def add(fid, reader, files, argv, observed, expected, seeds, detectable=True, on_success=None, outputs=None,
        limit_note=""):
    entries.append(dict(id=fid, reader=reader, mutation=fid, params={}, detectable=detectable, on_success=on_success,
                        argv=argv, outputs=outputs, seeds=seeds, licence=g.licence_of(seeds), files=files,
                        observed=observed, expected=expected, limit_note=limit_note))


def nifti(seed_path, edit):
    raw = bytearray(gzip.decompress(seed(seed_path)))
    edit(raw)
    return bytes(raw)


def protocol(name, text):
    return write(name, text)


SECTIONS = [
    ("Crashes", ["dicom-number-of-frames-huge", "nifti-scl-slope-3.4e38", "protocol-log-sigma-huge",
                 "protocol-log-truncate-huge", "protocol-laws-energy-distance-huge", "protocol-resegmentation-range-nan",
                 "protocol-gabor-sigma-huge", "protocol-audit-dilate-huge"]),
    ("Hangs (over the 20 s limit)", ["protocol-gabor-theta-step-tiny", "protocol-riesz-order-huge"]),
    ("Accepted corrupt input: NIfTI", ["nifti-qform-nan-no-sform", "nifti-sform-offset-inf", "nifti-vox-offset-351",
                                       "nifti1-header-with-n+2-magic"]),
    ("Accepted corrupt input: NRRD", ["nrrd-endian-invalid", "nrrd-space-unknown", "nrrd-space-directions-no-parentheses",
                                      "nrrd-space-directions-singular", "nrrd-space-origin-nan", "nrrd-line-skip-past-data",
                                      "nrrd-ascii-int16-nan"]),
    ("Accepted corrupt input: DICOM, RT structure sets, cohort tables",
     ["dicom-rescale-slope-inf", "dicom-rescale-slope-text", "dicom-pixel-spacing-garbage",
      "dicom-rle-syntax-native-pixels", "rtstruct-duplicate-roi-names", "rtstruct-geometric-type-empty",
      "cases-duplicate-column"]),
    ("Error messages (several lines, or naming no file)", ["ct5n-rescale-slope-nan", "dicom-truncated-200", "ct5n-two-series",
                                                          "extract-empty-image-argument"]),
]

README_HEAD = """# Fuzz findings (minimised)

Minimised inputs for every crash, hang, accepted-corrupt input and badly formed error that the fuzz harness
(`scripts/fuzz/`, [docs/reliability.md](../../docs/reliability.md)) found in the release build of 2026-12-02. They are
written by `python3 scripts/fuzz/make_crashers.py` (deterministic, from the repository's fixtures; it also writes this
README) and are meant as inputs for regression tests; nothing under `Sources/` or `Tests/` uses them yet. Each is the
smallest seed of its reader with only the offending field changed (NIfTI and NRRD: the 5×4×4 IBSI digital phantom;
DICOM: pydicom's 64×64 `MR_small.dcm` or the 5-slice 16×16 `ct_series_CT5N_16x16`; RT structure sets: the CT
phantom's, cut to one contour per ROI), or a protocol holding only the offending key.

Run the commands from this directory (`cd fixtures/fuzz-crashers`), `radaudit` being the release binary; the paths
`../cohort/…`, `../ibsi1/…`, `../dicom/…` are the repository's own fixtures. The harness runs them all with the limits
of the fuzz run (20 s timeout, RLIMIT_AS 6 GB, 2 workers) and its classification:

```sh
python3 scripts/fuzz/run.py fixtures/fuzz-crashers --bin .build/release/radaudit --out /tmp/crashers
```

The allocation crashes show as crashes under the address-space limit, e.g. `prlimit --as=6442450944 radaudit …`
(without it a 16 GB allocation may succeed on a 24 GB machine and the run thrashes instead). The audits write to
`$TMPDIR/radaudit-fuzz-crashers/…`. `manifest.jsonl` holds every entry in the harness's format (argv, observed and
expected outcome, licence).
"""

README_LICENCES = """## Licences

Each file keeps the licence of the fixture it is derived from; the licence texts are copied beside them.

| files | derived from | licence |
|---|---|---|
| `nifti-*.nii`, `nifti1-*.nii`, `nrrd-*.nrrd` | `fixtures/ibsi1/digital_phantom/nifti/image/phantom.nii.gz` (IBSI 1 digital phantom; original design by Alex Zwanenburg) | CC BY 4.0, `LICENSE.ibsi-digital-phantom.md`; modified (one header field each; the NRRD files converted from the NIfTI) |
| `dicom-*.dcm`, `ct5n-rescale-slope-nan/`, `ct5n-two-series/` | `fixtures/dicom/pydicom_test_files/MR_small.dcm` and `ct_series_CT5N_16x16/` (pydicom 3.0.2 test files, © 2008-2020 Darcy Mason and pydicom contributors) | MIT, `LICENSE.pydicom` (copy of `fixtures/dicom/pydicom_test_files/LICENSE`) |
| `rtstruct-duplicate-roi-names.dcm`, `rtstruct-geometric-type-empty.dcm` | `fixtures/dicom/ct_phantom/mask/DCM_RS_00060.dcm` (IBSI 1 CT radiomics phantom, contributed by Philippe Lambin, CancerData, DOI 10.17195/candat.2016.08.1) | **CC BY-NC 3.0, non-commercial use only**, `LICENSE.ibsi-ct-phantom.md`; modified (contours removed; a second ROI added, or a geometric type emptied). Cite Lambin et al., Nat Rev Clin Oncol 2017;14(12):749 and DOI 10.17195/candat.2016.08.1. Their commands also read the unmodified series `../dicom/ct_phantom/image` (same licence) |
| `protocol-*.yaml`, `cheap-audit.yaml`, `cases-*.csv` | written for this project (the tables point at `fixtures/cohort/`, the project's synthetic cohort) | this project's terms |
"""


def write_readme():
    by = {e["id"]: e for e in entries}
    listed = [i for _, ids in SECTIONS for i in ids]
    assert sorted(listed) == sorted(by), set(listed) ^ set(by)
    out = [README_HEAD]
    for title, ids in SECTIONS:
        out.append(f"\n## {title}\n\n| file(s) | command | observed | expected | licence |\n|---|---|---|---|---|\n")
        for i in ids:
            e = by[i]
            files = ", ".join(f"`{f}`" for f in e["files"]) or "—"
            cmd = "radaudit " + " ".join(a if a and " " not in a else repr(a) for a in e["argv"])
            lic = e["licence"].split(" (")[0]
            lic = "this project" if lic.startswith("synthetic cohort") else lic
            out.append(f"| {files} | `{cmd}` | {e['observed']} | {e['expected']} | {lic} |\n")
    out.append("\n" + README_LICENCES)
    with open(os.path.join(OUT, "README.md"), "w") as fh:
        fh.write("".join(out))


def main():
    if os.path.isdir(OUT):
        for n in os.listdir(OUT):
            if True:
                p = os.path.join(OUT, n)
                shutil.rmtree(p) if os.path.isdir(p) else os.unlink(p)
    os.makedirs(OUT, exist_ok=True)
    img, msk = rel(CASE1), rel(CASE1_MASK)

    # ---------------- crashes ----------------
    f = dl.parse(seed(MR_SMALL))
    f.set_text(dl.T["NumberOfFrames"], "99999999", b"IS")
    n = write("dicom-number-of-frames-huge.dcm", f.to_bytes())
    add("dicom-number-of-frames-huge", "dicom-file", [n], ["info", n],
        "crash: `Fatal error: failed to allocate 17599999856 bytes` (176 bytes of per-frame records × 99 999 999 frames, "
        "allocated before the pixel data length is checked), SIGABRT under RLIMIT_AS 6 GB",
        "exit 1: NumberOfFrames 99999999 needs 819 199 991 808 bytes of pixel data, the file has 8192 — before "
        "anything is allocated", [MR_SMALL])

    for fid, text, obs in [
        ("protocol-log-sigma-huge", "extraction:\n  filters:\n    - {type: laplacian_of_gaussian, sigma_mm: 1000000000}\n",
         "crash: `Fatal error: failed to allocate 79999998840 bytes`, SIGABRT"),
        ("protocol-log-truncate-huge",
         "extraction:\n  filters:\n    - {type: laplacian_of_gaussian, sigma_mm: 3, truncate: 1000000000}\n",
         "crash: `Fatal error: failed to allocate 59999999144 bytes`, SIGABRT"),
        ("protocol-laws-energy-distance-huge",
         "extraction:\n  filters:\n    - {type: laws, kernels: E5L5S5, energy_distance: 1000000000}\n",
         "crash: `Fatal error: failed to allocate 16000000040 bytes`, SIGABRT under RLIMIT_AS 6 GB (without the "
         "limit the 16 GB allocation may succeed and the run takes minutes)"),
        ("protocol-resegmentation-range-nan", "extraction:\n  resegmentation: {range: [.nan, .nan]}\n",
         "crash: SIGILL (Swift trap), no message"),
        ("protocol-gabor-sigma-huge", "extraction:\n  filters:\n    - {type: gabor, sigma_mm: 1000000, lambda_mm: 2, gamma: 0.000001}\n",
         "crash: SIGILL (Swift trap), no message"),
    ]:
        p = protocol(fid + ".yaml", text)
        add(fid, "protocol", [p], ["extract", "--image", img, "--mask", msk, "--protocol", p], obs,
            "exit 1, one line naming the protocol key (e.g. `P.yaml: extraction.filters[0].sigma_mm: the kernel would "
            "need N taps`, or `... range: expected numbers`), refused before anything is allocated",
            [CASE1, CASE1_MASK])

    cheap = yl.loads(seed("protocols/ct-robustness.yaml").decode())
    cheap["extraction"] = {"families": ["intensity_statistics"]}
    cheap.pop("stability", None)
    cheap["perturbations"] = {"mask": {"dilate_mm": [1000000000]}}
    p = protocol("protocol-audit-dilate-huge.yaml",
                 "name: fuzz dilate\nextraction:\n  families: [intensity_statistics]\n"
                 "perturbations:\n  mask: {dilate_mm: [1000000000]}\n")
    cases = write("cases-one.csv", "case_id,image,mask\ncase1,%s,%s\n" % (rel(CASE1), rel(CASE1_MASK)))
    out = os.path.join(SCRATCH, "protocol-audit-dilate-huge")
    add("protocol-audit-dilate-huge", "protocol", [p, cases],
        ["audit", "--protocol", p, "--cases", cases, "--output", out, "--jobs", "1"],
        "crash: SIGILL (Swift trap) after the plan line", "exit 0: a dilation beyond the image fills the image (the "
        "dilation window is clamped to the grid), no trap", [CASE1, CASE1_MASK, "protocols/ct-robustness.yaml"],
        detectable=False, outputs={"kind": "audit", "path": out})

    def slope_huge(raw):
        struct.pack_into("<f", raw, 112, 3.4e38)
    n = write("nifti-scl-slope-3.4e38.nii", nifti(DIGITAL, slope_huge))
    add("nifti-scl-slope-3.4e38", "nifti", [n], ["extract", "--image", n, "--mask", rel(DIGITAL_MASK)],
        "crash: SIGILL (Swift trap) in the intensity-volume histogram (default `ivh: none` steps of 1 over a "
        "3e39-wide range); `info` on the same file is fine",
        "exit 1: the IVH would need ~3e39 steps (more than the 2^20 grey levels protocols/README.md § Limits allows)",
        [DIGITAL, DIGITAL_MASK], detectable=False)

    # ---------------- hangs ----------------
    for fid, text, obs in [
        ("protocol-gabor-theta-step-tiny",
         "extraction:\n  filters:\n    - {type: gabor, sigma_mm: 5, lambda_mm: 2, gamma: 1.5, theta_step_deg: 0.000000001}\n",
         "hang: still running after 20 s (theta_step_deg 1e-9 asks for 3.6e11 orientations)"),
        ("protocol-riesz-order-huge",
         "extraction:\n  filters:\n    - {type: riesz, order: [1000000, 0, 0], of: {type: simoncelli, level: 1}}\n",
         "hang: still running after 20 s; it ends after 77 s with exit 0 (Riesz order 1e6 on a 48×48×20 image)"),
    ]:
        p = protocol(fid + ".yaml", text)
        add(fid, "protocol", [p], ["extract", "--image", img, "--mask", msk, "--protocol", p], obs,
            "exit 1 at once: the work is refused like the other limits in protocols/README.md § Limits (or the "
            "value is bounded when the protocol is read)", [CASE1, CASE1_MASK])

    # ---------------- accepted-corrupt: NIfTI ----------------
    def qform_only_nan(raw):
        struct.pack_into("<hh", raw, 252, 1, 0)
        struct.pack_into("<f", raw, 268, NAN)
    n = write("nifti-qform-nan-no-sform.nii", nifti(DIGITAL, qform_only_nan))
    add("nifti-qform-nan-no-sform", "nifti", [n], ["info", n],
        "exit 0 with `origin: NaN 0 0` and no note: qoffset_x = NaN in the only transform (sform_code 0) is taken as "
        "it is (`--format json`: `Error: EncodingError.invalidValue: nan (Double). Path: origin[0]...`, no file "
        "name)", "exit 1 naming the file and qoffset_x (or a fallback grid with a `note:` saying the qform is invalid)",
        [DIGITAL], detectable=False, on_success="note")

    def sform_offset_inf(raw):
        struct.pack_into("<f", raw, 296 + 12, -INF)  # srow_y[3]
    n = write("nifti-sform-offset-inf.nii", nifti(DIGITAL, sform_offset_inf))
    add("nifti-sform-offset-inf", "nifti", [n], ["info", n],
        "exit 0 with `origin: 0 inf 0` (`--format json`: EncodingError without a file name)",
        "exit 1 naming the file and srow_y, or exit 0 with the qform's geometry and a note", [DIGITAL],
        detectable=False, on_success="finite")

    def vox351(raw):
        struct.pack_into("<f", raw, 108, 351.0)
    n = write("nifti-vox-offset-351.nii", nifti(DIGITAL, vox351))
    add("nifti-vox-offset-351", "nifti", [n], ["info", n],
        "exit 0: voxels read from byte 351, inside the 352-byte header+extension block (values shifted by a byte)",
        "exit 1: `invalid voxel offset 351` (a single-file NIfTI-1 needs vox_offset >= 352)", [DIGITAL])

    def magic_n2(raw):
        raw[344:348] = b"n+2\x00"
    n = write("nifti1-header-with-n+2-magic.nii", nifti(DIGITAL, magic_n2))
    add("nifti1-header-with-n+2-magic", "nifti", [n], ["info", n],
        "exit 0: a 348-byte NIfTI-1 header whose magic says NIfTI-2 is read as NIfTI-1",
        "exit 1: magic `n+2` contradicts sizeof_hdr 348", [DIGITAL])

    # ---------------- accepted-corrupt: NRRD ----------------
    raw = gzip.decompress(seed(DIGITAL))
    fields, vox, _ = g.nifti_to_nrrd_parts(raw)
    for fid, key, value, obs, exp in [
        ("nrrd-endian-invalid", "endian", "middle", "exit 0: read as little endian",
         "exit 1: `endian: middle` is neither little nor big"),
        ("nrrd-space-unknown", "space", "banana", "exit 0: geometry taken as LPS",
         "exit 1: unknown `space: banana`"),
        ("nrrd-space-directions-no-parentheses", "space directions", "2,0,0 0,2,0 0,0,2",
         "exit 0: vectors without parentheses accepted", "exit 1: malformed `space directions`"),
        ("nrrd-space-directions-singular", "space directions", "(2,0,0) (2,0,0) (0,0,2)",
         "exit 0: two identical axis vectors, a singular direction matrix (also with near-parallel vectors such as "
         "(1,1,0) (1,1,0.000001))", "exit 1: `space directions` are not linearly independent"),
        ("nrrd-space-origin-nan", "space origin", "(nan,0,0)",
         "exit 0 with `origin: NaN 0 0` (`--format json`: EncodingError without a file name)",
         "exit 1: malformed `space origin` (not finite)"),
        ("nrrd-line-skip-past-data", "line skip", "5",
         "exit 0: `line skip: 5` on data with no newline is ignored (the skip loop stops silently)",
         "exit 1: the data has fewer than 5 lines to skip (truncated)"),
    ]:
        data = g.nrrd_bytes(g.setf(fields, key, value), vox, comment=False)
        n = write(fid + ".nrrd", data)
        add(fid, "nrrd", [n], ["info", n], obs, exp, [DIGITAL])

    asc = g.setf(fields, "encoding", "ascii")
    vals = [str(int(x)) for x in np.frombuffer(vox, dtype="<i2")]
    vals[3], vals[7] = "nan", "1e999"
    n = write("nrrd-ascii-int16-nan.nrrd", g.nrrd_bytes(asc, (" ".join(vals) + "\n").encode(), comment=False))
    add("nrrd-ascii-int16-nan", "nrrd", [n], ["info", n],
        "exit 0 with `intensity: min 1, max inf, mean nan`: an int16 ASCII NRRD holding `nan` and `1e999` is read",
        "exit 1: value 4 (`nan`) is not an int16", [DIGITAL])

    # ---------------- accepted-corrupt: DICOM ----------------
    f = dl.parse(seed(MR_SMALL))
    f.set_text(dl.T["RescaleSlope"], "inf")
    n = write("dicom-rescale-slope-inf.dcm", f.to_bytes())
    add("dicom-rescale-slope-inf", "dicom-file", [n], ["info", n],
        "exit 0 with `intensity: min inf, max inf, mean inf` (`--format json`: EncodingError without a file name)",
        "exit 1 naming the file and RescaleSlope", [MR_SMALL], on_success="finite")

    f = dl.parse(seed(MR_SMALL))
    f.set_text(dl.T["RescaleSlope"], "abc")
    n = write("dicom-rescale-slope-text.dcm", f.to_bytes())
    add("dicom-rescale-slope-text", "dicom-file", [n], ["info", n],
        "exit 0: the unparsable RescaleSlope `abc` is silently taken as 1",
        "exit 1 naming the file and RescaleSlope (a DS that is not a number)", [MR_SMALL])

    f = dl.parse(seed(MR_SMALL))
    f.set_text(dl.T["PixelSpacing"], "abc\\def")
    n = write("dicom-pixel-spacing-garbage.dcm", f.to_bytes())
    add("dicom-pixel-spacing-garbage", "dicom-file", [n], ["info", n],
        "exit 0 with `note: ... no ImagePositionPatient/ImageOrientationPatient; frames stacked by InstanceNumber on "
        "an identity grid with spacing 1.0×1.0×0.8 mm`: the unparsable PixelSpacing drops the whole geometry (the "
        "file has IPP and IOP) and the note names the wrong cause", "exit 1: `PixelSpacing \"abc\\def\" is not two "
        "positive numbers`", [MR_SMALL])

    f = dl.parse(seed(MR_SMALL))
    f.meta_ts(dl.RLE)
    n = write("dicom-rle-syntax-native-pixels.dcm", f.to_bytes())
    add("dicom-rle-syntax-native-pixels", "dicom-file", [n], ["info", n],
        "exit 0: TransferSyntaxUID says RLE Lossless but Pixel Data is native (not encapsulated); decoded as native",
        "exit 1: RLE transfer syntax needs encapsulated Pixel Data", [MR_SMALL])

    files = sorted(os.listdir(os.path.join(REPO, CT5N)))
    d = "ct5n-rescale-slope-nan"
    for b in files:
        data = seed(os.path.join(CT5N, b))
        if b == "2392.dcm":
            f = dl.parse(data)
            f.set_text(dl.T["RescaleSlope"], "NaN")
            data = f.to_bytes()
        write(os.path.join(d, b), data)
    add(d, "dicom-series", [d + "/"], ["info", "--format", "json", d],
        "exit 1 with `Error: EncodingError.invalidValue: nan (Double). Path: mean. ...` (names no file); without "
        "--format json: exit 0 with `mean nan`", "exit 1: `ct5n-rescale-slope-nan/2392.dcm: RescaleSlope NaN`",
        [CT5N])

    # RT structure set with two ROIs named GTV-1 (one contour each)
    f = dl.parse(seed(PHANTOM_RS))
    rc = f.find(dl.T["ROIContourSequence"])
    cs = f.find(dl.T["ContourSequence"], rc.items[0])
    cs.items = [cs.items[13]]
    import copy
    ss = f.find(dl.T["StructureSetROISequence"])
    ss_item, rc_item = copy.deepcopy(ss.items[0]), copy.deepcopy(rc.items[0])
    f.set_text(dl.T["ROINumber"], "2", b"IS", ss_item)
    f.set_text(dl.T["ReferencedROINumber"], "2", b"IS", rc_item)
    cs2 = f.find(dl.T["ContourSequence"], rc_item)
    e = f.find(dl.T["ContourData"], cs2.items[0])
    v = e.text().split("\\")
    for k in range(0, len(v), 3):  # the second GTV-1 is the first one moved 40 mm in x
        v[k] = repr(float(v[k]) + 40.0)
    e.value = dl.pad("\\".join(v).encode(), b"DS")
    ss.items.append(ss_item)
    rc.items.append(rc_item)
    obs = f.find(dl.T["RTROIObservationsSequence"])
    if obs is not None:
        f.remove(dl.T["RTROIObservationsSequence"])
    n = write("rtstruct-duplicate-roi-names.dcm", f.to_bytes())
    add("rtstruct-duplicate-roi-names", "rtstruct", [n],
        ["extract", "--image", rel(PHANTOM_SERIES), "--mask", n, "--roi", "GTV-1"],
        "exit 0: one of the two ROIs named GTV-1 is used, nothing says which",
        "exit 1: `--roi GTV-1` matches ROIs 1 and 2; choose one with --label", [PHANTOM_RS, PHANTOM_SERIES])

    f = dl.parse(seed(PHANTOM_RS))
    rc = f.find(dl.T["ROIContourSequence"])
    cs = f.find(dl.T["ContourSequence"], rc.items[0])
    cs.items = [cs.items[13]]
    f.set_text(dl.T["ContourGeometricType"], "", b"CS", cs.items[0])
    n = write("rtstruct-geometric-type-empty.dcm", f.to_bytes())
    add("rtstruct-geometric-type-empty", "rtstruct", [n],
        ["extract", "--image", rel(PHANTOM_SERIES), "--mask", n, "--roi", "GTV-1"],
        "exit 0, no note: a contour whose ContourGeometricType is empty is filled as CLOSED_PLANAR",
        "a `note:` that the contour is skipped (as for OPEN_PLANAR), then exit 1 (empty ROI); or exit 1 naming "
        "the contour", [PHANTOM_RS, PHANTOM_SERIES], detectable=False, on_success="note")

    # cohort table with a repeated column
    p = protocol("cheap-audit.yaml", "name: fuzz cheap audit\nextraction:\n  families: [intensity_statistics]\n"
                 "perturbations:\n  noise: {repetitions: 1, sigma: auto}\n")
    t = write("cases-duplicate-column.csv", "case_id,image,mask,image\ncase1,%s,%s,%s\ncase4,%s,%s,%s\n" % (
        rel(CASE1), rel(CASE1_MASK), rel("fixtures/cohort/case2_image.nii.gz"),
        rel("fixtures/cohort/case4_image.nii.gz"), rel("fixtures/cohort/case4_mask.nii.gz"),
        rel("fixtures/cohort/case5_image.nii.gz")))
    out = os.path.join(SCRATCH, "cases-duplicate-column")
    add("cases-duplicate-column", "cohort", [t, p],
        ["audit", "--protocol", p, "--cases", t, "--output", out, "--jobs", "1"],
        "exit 0: the table names two `image` columns (case1 → case1_image and case2_image); one is used silently",
        "exit 1: `cases-duplicate-column.csv: column image appears twice`",
        ["fixtures/cohort/cases.csv", CASE1, CASE1_MASK], outputs={"kind": "audit", "path": out})

    # ---------------- error messages ----------------
    f = dl.parse(seed(MR_SMALL))
    n = write("dicom-truncated-200.dcm", f.to_bytes()[:200])
    add("dicom-truncated-200", "dicom-file", [n], ["info", n],
        "multi-line-error: `Error: dicom-truncated-200.dcm: no DICOM image found` + `  skipped dicom-truncated-200.dcm: "
        "truncated DICOM file: element (0002,0003) ...`", "exit 1 with one line: `dicom-truncated-200.dcm: truncated "
        "DICOM file: element (0002,0003) of 46 bytes at byte 200 ends after the end of the data`", [MR_SMALL])

    add("extract-empty-image-argument", "cli", [], ["extract", "--image", "", "--mask", msk],
        "vague-error: `Error: : no such file`", "exit 64 (usage: `--image` must not be empty) or exit 1 with "
        "`--image: empty path`", [CASE1_MASK])

    d = "ct5n-two-series"
    for b in files:
        data = seed(os.path.join(CT5N, b))
        if b == "3023.dcm":
            f = dl.parse(data)
            f.set(dl.T["SeriesInstanceUID"], b"1.2.3.4.5.6.7.8.9", b"UI")
            data = f.to_bytes()
        write(os.path.join(d, b), data)
    add(d, "dicom-series", [d + "/"], ["info", d],
        "multi-line-error (by design?): `Error: ct5n-two-series: 2 DICOM series found; choose one by "
        "SeriesInstanceUID (--series):` followed by one line per series",
        "one error line (e.g. the series joined by `; `), or keep the listing and document the exception to the "
        "one-line rule", [CT5N])

    # ---------------- manifest and licences ----------------
    for src, dst in [("fixtures/dicom/pydicom_test_files/LICENSE", "LICENSE.pydicom"),
                     ("fixtures/ibsi1/digital_phantom/LICENSE.md", "LICENSE.ibsi-digital-phantom.md"),
                     ("fixtures/dicom/ct_phantom/LICENSE.md", "LICENSE.ibsi-ct-phantom.md")]:
        shutil.copyfile(os.path.join(REPO, src), os.path.join(OUT, dst))
    with open(os.path.join(OUT, "manifest.jsonl"), "w") as fh:
        for e in entries:
            fh.write(json.dumps(e, sort_keys=True) + "\n")
    big = [(n, os.path.getsize(os.path.join(OUT, n))) for e in entries for n in e["files"] if not n.endswith("/")]
    for n, size in big:
        assert size < 200 * 1024, (n, size)
    write_readme()
    print(f"{len(entries)} findings in {OUT}")


if __name__ == "__main__":
    main()
