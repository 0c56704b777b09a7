import Foundation
import RadAuditImageIO
import RadAuditTestSupport
import Testing

private let phantomImage = "fixtures/ibsi1/digital_phantom/nifti/image/phantom.nii.gz"
private let phantomMask = "fixtures/ibsi1/digital_phantom/nifti/mask/mask.nii.gz"
private let ctImage = "fixtures/ibsi1/ct_phantom/nifti/image/phantom.nii.gz"
private let ctMask = "fixtures/ibsi1/ct_phantom/nifti/mask/mask.nii.gz"

/// Runs `radaudit extract` and returns its table as `key → value` (`code|aggregation`, or the tag of diagnostics).
private func extract(_ arguments: [String]) throws -> [String: Double] {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let output = directory.appendingPathComponent("features.csv").path
    let run = try CLI.run(["extract"] + arguments + ["--output", output])
    #expect(run.status == 0, "\(run.stderr)")
    let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
    #expect(lines.first == "family,feature,ibsi_code,aggregation,value")
    var table: [String: Double] = [:]
    for line in lines.dropFirst() {
        let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let key = cells[2].isEmpty ? cells[1] : cells[2] + "|" + cells[3]
        table[key] = Double(cells[4] == "NaN" ? "nan" : cells[4])
    }
    return table
}

@Test func digitalPhantomReproducesEveryIBSIReferenceValue() throws {
    let table = try extract(["--image", phantomImage, "--mask", phantomMask, "--protocol", "protocols/ibsi1-digital-phantom.yaml"])
    let references = try ReferenceValue.load(familyPrefix: "")
    #expect(references.count == 482)
    let misses = ReferenceValue.mismatches(table, against: references)
    #expect(misses.isEmpty, "\(misses.count) misses:\n\(misses.joined(separator: "\n"))")
}

@Test(arguments: ["A", "B", "C", "D", "E"])
func ctPhantomConfigurationReproducesEveryIBSIReferenceValue(configuration: String) throws {
    let arguments = ["--image", ctImage, "--mask", ctMask, "--protocol", "protocols/ibsi1-config-\(configuration).yaml"]
    let table = try extract(arguments)
    let references = try ReferenceValue.load(file: "reference_values_ct_phantom_configs_A-E.csv",
                                             configuration: configuration, familyPrefix: "")
    #expect(references.count == ["A": 346, "B": 346, "C": 209, "D": 210, "E": 210][configuration])
    let misses = ReferenceValue.mismatches(table, against: references)
    #expect(misses.isEmpty, "\(misses.count) misses:\n\(misses.joined(separator: "\n"))")
    let diagnostics = try ReferenceValue.load(file: "reference_values_ct_phantom_diagnostics.csv",
                                              configuration: configuration, familyPrefix: "Diagnostics")
    #expect(diagnostics.count == 60)
    // With diagnostics the whole image is interpolated; the features must not change.
    let withDiagnostics = try extract(arguments + ["--diagnostics"])
    let diagnosticMisses = ReferenceValue.mismatches(withDiagnostics, against: diagnostics + references)
    #expect(diagnosticMisses.isEmpty, "\(diagnosticMisses.joined(separator: "\n"))")
}

@Test func extractWritesToStandardOutputAndIsDeterministic() throws {
    let arguments = ["extract", "--image", phantomImage, "--mask", phantomMask, "--protocol", "protocols/ibsi1-digital-phantom.yaml"]
    let first = try CLI.run(arguments), second = try CLI.run(arguments)
    #expect(first.status == 0)
    #expect(first.stdout == second.stdout)
    #expect(first.stdout.hasPrefix("family,feature,ibsi_code,aggregation,value\n"))
}

@Test func infoDescribesAnImage() throws {
    let run = try CLI.run(["info", ctImage, "--format", "json"])
    #expect(run.status == 0, "\(run.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
    #expect(json["size"] as? [Int] == [204, 201, 60])
    #expect(json["min"] as? Double == -1000)
    #expect(json["max"] as? Double == 3065)
    #expect(json["voxel_type"] as? String == "float32")
    let spacing = json["spacing"] as! [Double]
    #expect(abs(spacing[0] - 0.977) < 1e-3 && spacing[2] == 3)
}

// MARK: - Bad input: one line naming the file and the problem, non-zero exit, no output file.

private func expectFailure(_ arguments: [String], mentioning fragments: [String]) throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let output = directory.appendingPathComponent("out.csv").path
    let run = try CLI.run(["extract"] + arguments + ["--output", output])
    #expect(run.status != 0)
    for fragment in fragments { #expect(run.stderr.contains(fragment), "stderr: \(run.stderr)") }
    #expect(run.stderr.split(separator: "\n").count <= 2, "stderr: \(run.stderr)")
    #expect(!FileManager.default.fileExists(atPath: output))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
}

private func writeFile(_ data: Data, _ name: String, in directory: URL) throws -> String {
    let url = directory.appendingPathComponent(name)
    try data.write(to: url)
    return url.path
}

@Test func truncatedImageIsRefused() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let bytes = try Data(contentsOf: CLI.repository.appendingPathComponent(ctImage))
    let truncated = try writeFile(bytes.prefix(bytes.count / 3), "truncated.nii.gz", in: directory)
    try expectFailure(["--image", truncated, "--mask", ctMask], mentioning: ["truncated.nii.gz", "truncated"])
}

@Test func missingFileIsRefused() throws {
    try expectFailure(["--image", "no/such/image.nii", "--mask", phantomMask], mentioning: ["no/such/image.nii", "no such file"])
}

@Test func gridMismatchIsRefused() throws {
    try expectFailure(["--image", ctImage, "--mask", phantomMask], mentioning: ["mask.nii.gz", "does not match"])
}

@Test func absentLabelIsRefused() throws {
    try expectFailure(["--image", phantomImage, "--mask", phantomMask, "--label", "7"],
                      mentioning: ["mask.nii.gz", "label 7 is not in the mask (labels present: 1)"])
}

@Test func protocolErrorsNameTheKey() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let cases = [
        ("extraction:\n  discretisaton: {}\n", "extraction.discretisaton: unknown key"),
        ("extraction:\n  resegmentation: {range: [400, -1000]}\n", "lower bound 400.0 exceeds upper bound -1000.0"),
        ("extraction:\n  discretisation:\n    texture: {method: fixed_bin_size, bin_width: 0}\n", "bin_width > 0"),
        ("extraction:\n  interpolation: {spacing_mm: [0, 1, 1]}\n", "positive spacings"),
    ]
    for (index, (yaml, message)) in cases.enumerated() {
        let path = try writeFile(Data(yaml.utf8), "p\(index).yaml", in: directory)
        try expectFailure(["--image", phantomImage, "--mask", phantomMask, "--protocol", path], mentioning: ["p\(index).yaml", message])
    }
}

@Test func emptyResegmentationIsRefused() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = try writeFile(Data("extraction:\n  resegmentation: {range: [100, 200]}\n".utf8), "p.yaml", in: directory)
    try expectFailure(["--image", phantomImage, "--mask", phantomMask, "--protocol", path],
                      mentioning: ["phantom.nii.gz", "leaves the ROI empty"])
}

@Test func nanInsideTheROIAndEmptyMasksAreRefused() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let geometry = ImageGeometry(size: GridSize(x: 3, y: 3, z: 1), spacing: SIMD3(1, 1, 1))
    let image = directory.appendingPathComponent("nan.nii").path
    let mask = directory.appendingPathComponent("mask.nii").path
    let empty = directory.appendingPathComponent("empty.nii").path
    try NIfTI.write(Volume(geometry: geometry, voxels: [1, 2, 3, 4, .nan, 6, 7, 8, 9]), to: image)
    try NIfTI.write(Volume(geometry: geometry, voxels: [0, 0, 0, 0, 1, 1, 0, 0, 0] as [Double]), to: mask, type: .uint8)
    try NIfTI.write(Volume(geometry: geometry, voxels: [Double](repeating: 0, count: 9)), to: empty, type: .uint8)
    let output = directory.appendingPathComponent("out.csv").path
    let nan = try CLI.run(["extract", "--image", image, "--mask", mask, "--output", output])
    #expect(nan.status != 0)
    #expect(nan.stderr.contains("nan.nii") && nan.stderr.contains("non-finite intensity"), "\(nan.stderr)")
    let none = try CLI.run(["extract", "--image", image, "--mask", empty, "--output", output])
    #expect(none.status != 0)
    #expect(none.stderr.contains("empty.nii") && none.stderr.contains("the mask is empty"), "\(none.stderr)")
    #expect(!FileManager.default.fileExists(atPath: output))
}

@Test func filterWritesTheResponseMapAndRefusesAProtocolWithoutOneFilter() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let phantom = CLI.repository.appendingPathComponent("fixtures/ibsi2/phantoms/impulse.nii.gz").path
    let map = directory.appendingPathComponent("map.nii.gz").path
    let ok = try CLI.run(["filter", "--image", phantom, "--protocol",
                          CLI.repository.appendingPathComponent("protocols/ibsi2/phase1/2_a.yaml").path, "--output", map])
    #expect(ok.status == 0, "\(ok.stderr)")
    let response = try ImageFile.load(map).volume
    #expect(response.size == GridSize(x: 64, y: 64, z: 64))
    // The IBSI 2 criterion on the file written: every voxel within 1 % of the reference map's range.
    let reference = try ImageFile.load(CLI.repository.appendingPathComponent("fixtures/ibsi2/response_maps/2_a-ValidCRM.nii.gz").path).volume
    let range = reference.voxels.max()! - reference.voxels.min()!
    #expect(zip(response.voxels, reference.voxels).allSatisfy { abs($0 - $1) <= 0.01 * range })

    let two = directory.appendingPathComponent("two.yaml")
    try "extraction:\n  filters:\n    - {type: mean, size: 3}\n    - {type: mean, size: 5}\n".write(to: two, atomically: true, encoding: .utf8)
    let refused = directory.appendingPathComponent("refused.nii.gz").path
    let failed = try CLI.run(["filter", "--image", phantom, "--protocol", two.path, "--output", refused])
    #expect(failed.status != 0)
    #expect(failed.stderr.contains("exactly one filter"))
    #expect(!FileManager.default.fileExists(atPath: refused))

    let extract = try CLI.run(["extract", "--image", CLI.repository.appendingPathComponent("fixtures/cohort/case1_image.nii.gz").path,
                               "--mask", CLI.repository.appendingPathComponent("fixtures/cohort/case1_mask.nii.gz").path,
                               "--protocol", CLI.repository.appendingPathComponent("protocols/ibsi2/phase2/3.A.yaml").path])
    #expect(extract.status == 0, "\(extract.stderr)")
    let lines = extract.stdout.split(separator: "\n")
    #expect(lines.first == "filter,family,feature,ibsi_code,aggregation,value")
    #expect(lines.count == 19 && lines.dropFirst().allSatisfy { $0.hasPrefix("log_s1.5mm_2d,intensity_statistics,") })

    // A bad filter setting: one line naming the protocol key, and no output file.
    let bad = directory.appendingPathComponent("bad.yaml")
    try "extraction:\n  filters:\n    - {type: laplacian_of_gaussian, sigma_mm: -1}\n".write(to: bad, atomically: true, encoding: .utf8)
    let table = directory.appendingPathComponent("features.csv").path
    let rejected = try CLI.run(["extract", "--image", phantom, "--mask", phantom, "--protocol", bad.path, "--output", table])
    #expect(rejected.status != 0)
    #expect(rejected.stderr.contains("extraction.filters[0].sigma_mm: expected a number > 0"))
    #expect(rejected.stderr.split(separator: "\n").count == 1)
    #expect(!FileManager.default.fileExists(atPath: table))
}
