import Foundation
import RadAuditStatistics
import Testing

/// A small protocol over every perturbation kind, so that the audit tests run quickly in debug builds.
private let protocolText = """
    name: audit test
    seed: 42
    extraction:
      resegmentation: {range: [-1000, 400]}
      discretisation:
        texture: {method: fixed_bin_size, bin_width: 25}
      texture: {dimensions: [3D]}
      families: [morphology, intensity_statistics, glcm]
    perturbations:
      noise: {repetitions: 2, sigma: 20}
      resampling: {spacings_mm: [[1, 1, 2]]}
      discretisation: {bin_widths: [10]}
      mask: {erode_mm: [1], dilate_mm: [1]}
      rotation: {angles_deg: [20]}
      translation: {fractions: [0.5]}
      volume_adaptation: {fractions: [-0.2, 0.2]}
      contour_randomisation: {repetitions: 2}
      chains:
        - {name: NTVC, steps: [noise, translation, volume_adaptation, contour_randomisation], repetitions: 2}
    stability:
      statistic: ICC(1,1)
      robust_if: {metric: ci_low, threshold: 0.75}
    """

private let cohort = "fixtures/cohort/cases.csv"

/// Runs an audit of the fixture cohort into a fresh directory and returns it.
private func audit(_ extra: [String] = [], protocolText text: String = protocolText, cases: String = cohort) throws -> (URL, CLIRun) {
    let directory = try CLI.temporaryDirectory()
    let protocolPath = directory.appendingPathComponent("protocol-in.yaml")
    try text.write(to: protocolPath, atomically: true, encoding: .utf8)
    let output = directory.appendingPathComponent("out")
    let run = try CLI.run(["audit", "--protocol", protocolPath.path, "--cases", cases, "--output", output.path] + extra)
    return (output, run)
}

private func table(_ url: URL, _ name: String) throws -> [[String: String]] {
    let text = try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8)
    var lines = text.split(separator: "\n").map(String.init)
    let header = splitCSV(lines.removeFirst())
    return lines.map { Dictionary(uniqueKeysWithValues: zip(header, splitCSV($0))) }
}

/// Splits one CSV line (fields may be quoted, e.g. "ICC(1,1)").
private func splitCSV(_ line: String) -> [String] {
    var fields: [String] = [], field = "", quoted = false
    for c in line {
        if c == "\"" { quoted.toggle() } else if c == "," && !quoted { fields.append(field); field = "" } else { field.append(c) }
    }
    fields.append(field)
    return fields
}

@Test func auditProducesEveryVariantAndItsEffects() throws {
    let (out, run) = try audit()
    defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
    #expect(run.status == 0, "\(run.stderr)")
    let variants = try table(out, "variants.csv")
    let perCase = Dictionary(grouping: variants.filter { $0["case_id"] == "case1" }, by: { $0["perturbation"]! }).mapValues(\.count)
    #expect(perCase == ["none": 1, "noise": 2, "resampling": 1, "discretisation": 1, "mask": 2, "rotation": 1,
                        "translation": 1, "volume_adaptation": 2, "contour_randomisation": 2, "NTVC": 2])
    #expect(variants.count == 6 * 15)
    #expect(Set(variants.map { $0["seed"]! }).count == variants.count)

    let features = try table(out, "features.csv")
    func value(_ caseID: String, _ variant: String, _ code: String, _ aggregation: String = "none") -> Double {
        Double(features.first { $0["case_id"] == caseID && $0["variant_id"] == variant && $0["ibsi_code"] == code
            && $0["aggregation"] == aggregation }!["value"]!)!
    }
    for c in ["case1", "case4", "case6"] {
        let meshVolume = value(c, "original", "RNU0"), voxels = value(c, "original", "YEKZ")
        // Noise changes intensities but not the shape.
        #expect(value(c, "noise-1", "RNU0") == meshVolume)
        #expect(value(c, "noise-1", "Q4LE") != value(c, "original", "Q4LE"))
        #expect(value(c, "noise-1", "Q4LE") != value(c, "noise-2", "Q4LE"))
        // Erosion shrinks and dilation grows the voxel volume.
        #expect(value(c, "mask-erode1mm", "YEKZ") < voxels)
        #expect(value(c, "mask-dilate1mm", "YEKZ") > voxels)
        // Volume adaptation moves the volume by about the requested fraction.
        #expect(abs(value(c, "volume_adaptation-0.2", "YEKZ") / voxels - 1.2) < 0.05)
        #expect(abs(value(c, "volume_adaptation--0.2", "YEKZ") / voxels - 0.8) < 0.05)
        // The bin width changes texture but not morphology.
        #expect(value(c, "discretisation-width10", "RNU0") == meshVolume)
        #expect(value(c, "discretisation-width10", "8ZQL", "3D_merged") != value(c, "original", "8ZQL", "3D_merged"))
        // Rotation, translation, resampling and contours change features; contour repetitions differ.
        for variant in ["rotation-20", "translation-0.5", "resampling-1x1x2", "contour_randomisation-1", "NTVC-1"] {
            #expect(value(c, variant, "8ZQL", "3D_merged") != value(c, "original", "8ZQL", "3D_merged"), "\(variant)")
        }
        #expect(value(c, "contour_randomisation-1", "YEKZ") != value(c, "contour_randomisation-2", "YEKZ"))
    }

    // stability.csv equals an independent recomputation from features.csv.
    let stability = try table(out, "stability.csv")
    #expect(Set(stability.map { $0["perturbation"]! }) == ["noise", "resampling", "discretisation", "mask", "rotation",
                                                          "translation", "volume_adaptation", "contour_randomisation", "NTVC", "all"])
    for row in stability.filter({ ["noise", "mask", "NTVC", "all"].contains($0["perturbation"]!) && $0["aggregation"] != "3D_averaged" }).prefix(60) {
        let group = row["perturbation"]!
        let raters = ["original"] + variants.filter { $0["case_id"] == "case1" && (group == "all" ? $0["perturbation"] != "none"
            : $0["perturbation"] == group) }.map { $0["variant_id"]! }
        let cases = (1...6).map { "case\($0)" }
        let ratings = cases.map { c in raters.map { value(c, $0, row["ibsi_code"]!, row["aggregation"]!) } }
        guard ratings.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { continue }
        let icc = IntraclassCorrelation.all(TwoWayANOVA(ratings)).first { $0.form.rawValue == "ICC(1,1)" }!
        let estimate = Double(row["estimate"]!)!, low = Double(row["ci_low"]!)!
        #expect(estimate == icc.estimate || (estimate.isNaN && icc.estimate.isNaN), "\(row)")
        #expect(low == icc.lower || (low.isNaN && icc.lower.isNaN))
        #expect(row["robust"] == (icc.lower >= 0.75 ? "true" : "false"))
    }
    let inputs = try table(out, "inputs.csv")
    #expect(inputs.count == 6 && inputs.allSatisfy { $0["image_sha256"]!.count == 64 && $0["mask_sha256"]!.count == 64 })
}

@Test func auditsAreReproducibleResumableAndShardable() throws {
    let (first, run1) = try audit(["--jobs", "2"])
    let (second, run2) = try audit(["--jobs", "1"])
    defer { for d in [first, second] { try? FileManager.default.removeItem(at: d.deletingLastPathComponent()) } }
    #expect(run1.status == 0 && run2.status == 0)
    let tables = ["features.csv", "variants.csv", "stability.csv", "cases.csv", "errors.csv"]
    for name in tables {
        #expect(try Data(contentsOf: first.appendingPathComponent(name)) == Data(contentsOf: second.appendingPathComponent(name)), "\(name)")
    }
    // Resume reuses every cached result and gives the same tables.
    let resumed = try CLI.run(["audit", "--protocol", first.appendingPathComponent("protocol.yaml").path, "--cases", cohort,
                               "--output", first.path, "--resume"])
    #expect(resumed.status == 0)
    for name in tables {
        #expect(try Data(contentsOf: first.appendingPathComponent(name)) == Data(contentsOf: second.appendingPathComponent(name)), "\(name)")
    }
    // Three shards merged equal the single run.
    let protocolPath = first.appendingPathComponent("protocol.yaml").path
    let base = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: base) }
    var shards: [String] = []
    for i in 1...3 {
        let shard = base.appendingPathComponent("shard\(i)").path
        shards.append(shard)
        #expect(try CLI.run(["audit", "--protocol", protocolPath, "--cases", cohort, "--output", shard, "--shard", "\(i)/3"]).status == 0)
    }
    let merged = base.appendingPathComponent("merged")
    let merge = try CLI.run(["merge"] + shards + ["--output", merged.path])
    #expect(merge.status == 0, "\(merge.stderr)")
    for name in tables + ["inputs.csv"] {
        #expect(try Data(contentsOf: merged.appendingPathComponent(name)) == Data(contentsOf: first.appendingPathComponent(name)), "\(name)")
    }
}

@Test func aFailingCaseIsReportedAndTheRestCompletes() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let cases = directory.appendingPathComponent("cases.csv")
    let fixtures = CLI.repository.appendingPathComponent("fixtures/cohort").path
    try """
        case_id,image,mask,site
        good1,\(fixtures)/case1_image.nii.gz,\(fixtures)/case1_mask.nii.gz,A
        missing,\(fixtures)/nothing.nii.gz,\(fixtures)/case1_mask.nii.gz,A
        good2,\(fixtures)/case3_image.nii.gz,\(fixtures)/case3_mask.nii.gz,B
        """.write(to: cases, atomically: true, encoding: .utf8)
    let (out, run) = try audit(protocolText: "extraction: {families: [intensity_statistics]}\nperturbations: {noise: {repetitions: 1, sigma: 5}}\n",
                               cases: cases.path)
    #expect(run.status == 3)
    #expect(run.stderr.contains("errors.csv"))
    let errors = try table(out, "errors.csv")
    #expect(errors.count == 2 && errors.allSatisfy { $0["case_id"] == "missing" && $0["error"]!.contains("nothing.nii.gz") })
    #expect(Set(try table(out, "features.csv").map { $0["case_id"]! }) == ["good1", "good2"])
}

@Test func badCohortsAndProtocolsAreRefused() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let cases = directory.appendingPathComponent("dup.csv")
    try "case_id,image,mask\na,x.nii,y.nii\na,x.nii,y.nii\n".write(to: cases, atomically: true, encoding: .utf8)
    let (_, duplicate) = try audit(cases: cases.path)
    #expect(duplicate.status != 0 && duplicate.stderr.contains("dup.csv:3: duplicate case id 'a'"), "\(duplicate.stderr)")
    let (_, typo) = try audit(protocolText: "perturbations:\n  noise: {repetitions: 1, sigma: 5}\n  rotaton: {angles_deg: [5]}\n")
    #expect(typo.status != 0 && typo.stderr.contains("protocol-in.yaml:3") && typo.stderr.contains("perturbations.rotaton: unknown key"),
            "\(typo.stderr)")
}

@Test func aVariantThatEmptiesTheROIIsSkippedAndVariantsCanBeExported() throws {
    let (out, run) = try audit(["--export-variants"], protocolText: """
        extraction: {families: [morphology]}
        perturbations: {mask: {erode_mm: [1, 50]}}
        """)
    defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("6 variant(s) skipped"))
    let errors = try table(out, "errors.csv")
    #expect(errors.count == 6 && errors.allSatisfy { $0["variant_id"] == "mask-erode50mm" && $0["error"]!.hasPrefix("skipped: ") })
    let exported = out.appendingPathComponent("variants/case2")
    #expect(FileManager.default.fileExists(atPath: exported.appendingPathComponent("mask-erode1mm_mask.nii.gz").path))
    #expect(FileManager.default.fileExists(atPath: exported.appendingPathComponent("mask-erode1mm_image.nii.gz").path))
}

@Test func auditsReadDICOMSeriesWithRTSTRUCTMasksAndRecordAcquisitionDetails() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let cases = directory.appendingPathComponent("cases.csv")
    let dicom = CLI.repository.appendingPathComponent("fixtures/dicom/ct_phantom").path
    try """
        case_id,image,mask,roi
        phantom,\(dicom)/image,\(dicom)/mask/DCM_RS_00060.dcm,GTV-1
        """.write(to: cases, atomically: true, encoding: .utf8)
    let (out, run) = try audit(protocolText: "extraction: {families: [intensity_statistics]}\nperturbations: {noise: {repetitions: 1, sigma: 5}}\n",
                               cases: cases.path)
    #expect(run.status == 0, "\(run.stderr)")
    let features = try table(out, "features.csv")
    let mean = features.first { $0["variant_id"] == "original" && $0["ibsi_code"] == "Q4LE" }.flatMap { Double($0["value"]!) }
    #expect(mean.map { abs($0 - (-46.9)) < 0.05 } == true, "\(String(describing: mean))")
    let inputs = try table(out, "inputs.csv")
    #expect(inputs.first?["image_sha256"]?.count == 64)
    let acquisition = try String(contentsOf: out.appendingPathComponent("acquisition.json"), encoding: .utf8)
    #expect(acquisition.contains("\"modality\" : \"CT\""))
    for secret in ["PatientName", "PatientID", "PatientBirthDate", "patientName"] { #expect(!acquisition.contains(secret)) }
}

@Test func filteredAuditsScoreEveryFilterAndShardResumeAndMergeAlike() throws {
    let text = """
        seed: 7
        extraction:
          interpolation: {spacing_mm: [1, 1, 1]}
          resegmentation: {range: [-1000, 400]}
          families: [intensity_statistics]
          filters:
            - {type: laplacian_of_gaussian, sigma_mm: 1.5}
            - {type: wavelet, wavelet: coif1, subband: LLH, level: 1}
        perturbations:
          noise: {repetitions: 1, sigma: 5}
          mask: {erode_mm: [1]}
        """
    let (single, run) = try audit(["--jobs", "2"], protocolText: text)
    defer { try? FileManager.default.removeItem(at: single.deletingLastPathComponent()) }
    #expect(run.status == 0, "\(run.stderr)")
    let features = try table(single, "features.csv")
    let variants = Set(try table(single, "variants.csv").map { $0["case_id"]! + "/" + $0["variant_id"]! })
    for filter in ["none", "log_s1.5mm_3d", "wavelet_coif1_LLH_l1_3d"] {
        let rows = features.filter { $0["filter"] == filter }
        #expect(Set(rows.map { $0["case_id"]! + "/" + $0["variant_id"]! }) == variants, "\(filter)")
        #expect(rows.count == 18 * variants.count, "\(filter)")
    }
    let stability = try table(single, "stability.csv")
    #expect(Set(stability.map { $0["filter"]! }) == ["none", "log_s1.5mm_3d", "wavelet_coif1_LLH_l1_3d"])
    #expect(stability.count == 3 * 18 * 3)  // filters × features × (noise, mask, all)
    let report = try String(contentsOf: single.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(report.contains("log_s1.5mm_3d") && report.contains("wavelet_coif1_LLH_l1_3d"))
    let record = try String(contentsOf: single.appendingPathComponent("provenance.provx"), encoding: .utf8)
    #expect(record.contains("log_s1.5mm_3d = laplacian_of_gaussian(1.5,4), 3D, mirror boundary"))

    let tables = ["features.csv", "variants.csv", "stability.csv", "cases.csv", "errors.csv"]
    let protocolPath = single.appendingPathComponent("protocol.yaml").path
    // Resume reuses the cached filtered results: the same tables.
    let before = try tables.map { try Data(contentsOf: single.appendingPathComponent($0)) }
    #expect(try CLI.run(["audit", "--protocol", protocolPath, "--cases", cohort, "--output", single.path, "--resume"]).status == 0)
    #expect(try tables.map { try Data(contentsOf: single.appendingPathComponent($0)) } == before)
    // Two shards merged equal the single run.
    let base = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: base) }
    let shards = (1...2).map { base.appendingPathComponent("shard\($0)").path }
    for (i, shard) in shards.enumerated() {
        #expect(try CLI.run(["audit", "--protocol", protocolPath, "--cases", cohort, "--output", shard, "--shard", "\(i + 1)/2"]).status == 0)
    }
    let merged = base.appendingPathComponent("merged")
    #expect(try CLI.run(["merge"] + shards + ["--output", merged.path]).status == 0)
    for name in tables {
        #expect(try Data(contentsOf: merged.appendingPathComponent(name)) == Data(contentsOf: single.appendingPathComponent(name)), "\(name)")
    }
}

@Test func onlyFinishedAuditsCarryAManifestAndMergeRefusesTheOthers() throws {
    let (finished, run) = try audit(protocolText: "extraction: {families: [intensity_statistics]}\nperturbations: {noise: {repetitions: 1, sigma: 5}}\n")
    defer { try? FileManager.default.removeItem(at: finished.deletingLastPathComponent()) }
    #expect(run.status == 0)
    let manifest = try String(contentsOf: finished.appendingPathComponent("manifest.json"), encoding: .utf8)
    #expect(manifest.contains("\"features.csv\"") && manifest.contains("\"report.html\"") && manifest.contains("\"complete\" : true"))
    // A directory an interrupted run left behind (tables but no manifest) is not an audit to merge.
    let interrupted = finished.deletingLastPathComponent().appendingPathComponent("interrupted")
    try FileManager.default.copyItem(at: finished, to: interrupted)
    try FileManager.default.removeItem(at: interrupted.appendingPathComponent("manifest.json"))
    let merged = finished.deletingLastPathComponent().appendingPathComponent("merged")
    let merge = try CLI.run(["merge", finished.path, interrupted.path, "--output", merged.path])
    #expect(merge.status != 0)
    #expect(merge.stderr.contains("interrupted: no manifest.json: the audit did not finish"))
    #expect(!FileManager.default.fileExists(atPath: merged.appendingPathComponent("features.csv").path))
}
