import Foundation
import RadAuditTestSupport
import Testing

private let dicomSeries = "fixtures/dicom/ct_phantom/image"
private let structureSet = "fixtures/dicom/ct_phantom/mask/DCM_RS_00060.dcm"
private let niftiImage = "fixtures/ibsi1/ct_phantom/nifti/image/phantom.nii.gz"
private let niftiMask = "fixtures/ibsi1/ct_phantom/nifti/mask/mask.nii.gz"
private let ct5N = "fixtures/dicom/pydicom_test_files/ct_series_CT5N_16x16"

/// Runs `radaudit extract` and returns its table as `code|aggregation → value` (diagnostics by tag).
private func extractTable(_ arguments: [String]) throws -> [String: Double] {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let output = directory.appendingPathComponent("features.csv").path
    let run = try CLI.run(["extract"] + arguments + ["--output", output])
    #expect(run.status == 0, "\(run.stderr)")
    var table: [String: Double] = [:]
    for line in try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").dropFirst() {
        let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let key = cells[2].isEmpty ? cells[1] : cells[2] + "|" + cells[3]
        table[key] = Double(cells[4] == "NaN" ? "nan" : cells[4])
    }
    return table
}

private func references(_ configuration: String) throws -> [ReferenceValue] {
    try ReferenceValue.load(file: "reference_values_ct_phantom_configs_A-E.csv", configuration: configuration, familyPrefix: "")
}

@Test(arguments: ["A", "B", "C", "D", "E"])
func dicomSeriesWithNIfTIMaskReproducesEveryReferenceValue(configuration: String) throws {
    let protocolFile = "protocols/ibsi1-config-\(configuration).yaml"
    let dicom = try extractTable(["--image", dicomSeries, "--mask", niftiMask, "--protocol", protocolFile])
    let expected = try references(configuration)
    let misses = ReferenceValue.mismatches(dicom, against: expected)
    #expect(misses.isEmpty, "\(misses.count) of \(expected.count) misses:\n\(misses.joined(separator: "\n"))")
}

@Test func dicomSeriesGivesTheNIfTIVolumeFeatures() throws {
    // Configuration C (3D, trilinear interpolation to 2 mm) is the most sensitive to the grid geometry.
    let arguments = ["--mask", niftiMask, "--protocol", "protocols/ibsi1-config-C.yaml", "--diagnostics"]
    let dicom = try extractTable(["--image", dicomSeries] + arguments)
    let nifti = try extractTable(["--image", niftiImage] + arguments)
    #expect(Set(dicom.keys) == Set(nifti.keys))
    // Equal up to the float32 rounding of the geometry stored in the NIfTI file (relative 1e-6).
    for (key, value) in nifti {
        let other = dicom[key] ?? .nan
        #expect(abs(value - other) <= 1e-5 * max(1, abs(value)) || (value.isNaN && other.isNaN), "\(key): \(other) vs \(value)")
    }
}

@Test(arguments: ["C", "E"])
func dicomSeriesWithRTStructureROIPassesTheReferenceValues(configuration: String) throws {
    let table = try extractTable(["--image", dicomSeries, "--mask", structureSet, "--roi", "GTV-1",
                                  "--protocol", "protocols/ibsi1-config-\(configuration).yaml"])
    let expected = try references(configuration)
    let misses = ReferenceValue.mismatches(table, against: expected)
    let passed = expected.count - misses.count
    // The issue asks for 97 %; the rasterised ROI equals the IBSI mask voxel for voxel, so all pass.
    #expect(Double(passed) >= 0.97 * Double(expected.count), "\(passed)/\(expected.count):\n\(misses.joined(separator: "\n"))")
    #expect(misses.isEmpty, "\(passed)/\(expected.count):\n\(misses.joined(separator: "\n"))")
}

@Test func infoDescribesADICOMSeries() throws {
    let run = try CLI.run(["info", dicomSeries, "--format", "json"])
    #expect(run.status == 0, "\(run.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
    #expect(json["size"] as? [Int] == [204, 201, 60])
    #expect(json["min"] as? Double == -1000 && json["max"] as? Double == 3065)
    #expect(json["direction"] as? [Double] == [1, 0, 0, 0, 1, 0, 0, 0, 1])
    let origin = try #require(json["origin"] as? [Double])
    #expect(abs(origin[2] - -100.4) < 1e-4)
    let spacing = try #require(json["spacing"] as? [Double])
    #expect(abs(spacing[0] - 0.977) < 1e-6 && abs(spacing[2] - 3) < 1e-6)
    let nifti = try CLI.run(["info", niftiImage, "--format", "json"])
    let niftiJSON = try JSONSerialization.jsonObject(with: Data(nifti.stdout.utf8)) as! [String: Any]
    #expect(abs((json["mean"] as! Double) - (niftiJSON["mean"] as! Double)) < 1e-9)
}

@Test func infoDescribesOneDICOMFile() throws {
    let run = try CLI.run(["info", "fixtures/dicom/pydicom_test_files/MR_small_RLE.dcm", "--format", "json"])
    #expect(run.status == 0, "\(run.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
    #expect(json["size"] as? [Int] == [64, 64, 1])
    #expect(abs((json["mean"] as! Double) - 518.881348) < 1e-5)
}

// MARK: - Bad DICOM input: one line naming the file and the problem.

private func failure(_ arguments: [String]) throws -> CLIRun {
    let run = try CLI.run(arguments)
    #expect(run.status != 0)
    return run
}

@Test func absentROIListsTheROIsPresent() throws {
    let run = try failure(["extract", "--image", dicomSeries, "--mask", structureSet, "--roi", "PTV"])
    #expect(run.stderr.contains("DCM_RS_00060.dcm") && run.stderr.contains("no ROI named \"PTV\"")
            && run.stderr.contains("\"GTV-1\""), "\(run.stderr)")
}

@Test func structureSetOfAnotherScanIsRefused() throws {
    let run = try failure(["extract", "--image", ct5N, "--mask", structureSet, "--roi", "GTV-1"])
    #expect(run.stderr.contains("frame of reference"), "\(run.stderr)")
}

@Test func severalSeriesNeedSeries() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let files = FileManager.default
    for name in try files.contentsOfDirectory(atPath: CLI.repository.appendingPathComponent(ct5N).path) {
        try files.copyItem(at: CLI.repository.appendingPathComponent(ct5N + "/" + name), to: directory.appendingPathComponent(name))
    }
    try files.copyItem(at: CLI.repository.appendingPathComponent("fixtures/dicom/pydicom_test_files/CT_small.dcm"),
                       to: directory.appendingPathComponent("CT_small.dcm"))
    let run = try failure(["info", directory.path])
    #expect(run.stderr.contains("2 DICOM series found") && run.stderr.contains("--series"), "\(run.stderr)")
    // One line; each series listed as "<key> (series number N): <modality>, <files>, <images>", "; "-separated, and
    // chosen by that key (the UID never reaches an output).
    #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
    let listing = try #require(run.stderr.components(separatedBy: "(--series): ").last)
    let entry = try #require(listing.components(separatedBy: "; ").first { $0.contains("5 image(s)") }, "\(run.stderr)")
    let key = String(entry.trimmingCharacters(in: .whitespaces).split(separator: " ")[0])
    #expect(key.count == 16, "\(entry)")
    let chosen = try CLI.run(["info", directory.path, "--series", key, "--format", "json"])
    #expect(chosen.status == 0, "\(chosen.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(chosen.stdout.utf8)) as! [String: Any]
    #expect(json["size"] as? [Int] == [16, 16, 5])
}
