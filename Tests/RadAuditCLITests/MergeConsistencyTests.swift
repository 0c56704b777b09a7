import Foundation
import Testing

/// `merge` joins shards of one audit only: a shard of another protocol, cohort, tool version or shard count is
/// refused with one line naming its directory and the field, and nothing is written.
@Test func mergeRefusesShardsOfDifferentAudits() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let protocolPath = directory.appendingPathComponent("p.yaml").path
    let other = directory.appendingPathComponent("q.yaml").path
    let text = """
        extraction:
          discretisation: {texture: {method: fixed_bin_size, bin_width: 25}}
          texture: {dimensions: [3D]}
          families: [intensity_statistics]
        perturbations:
          noise: {repetitions: 2, sigma: 10}
        """
    try text.write(toFile: protocolPath, atomically: true, encoding: .utf8)
    try (text + "\nseed: 99\n").write(toFile: other, atomically: true, encoding: .utf8)
    func shard(_ name: String, _ protocolFile: String, _ shard: String) throws -> String {
        let output = directory.appendingPathComponent(name).path
        let run = try CLI.run(["audit", "--protocol", protocolFile, "--cases", "fixtures/cohort/cases.csv", "--output", output,
                               "--shard", shard])
        #expect(run.status == 0, "\(run.stderr)")
        return output
    }
    let a = try shard("a", protocolPath, "1/2"), b = try shard("b", protocolPath, "2/2")
    let c = try shard("c", other, "2/2"), d = try shard("d", protocolPath, "2/3")
    let merged = directory.appendingPathComponent("merged").path
    for (second, field) in [(c, "protocol (SHA-256 of protocol.yaml)"), (d, "shard count")] {
        let run = try CLI.run(["merge", a, second, "--output", merged])
        #expect(run.status == 1)
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(run.stderr.contains("\(second): \(field) is "), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: merged))
    }
    let twice = try CLI.run(["merge", a, a, "--output", merged])
    #expect(twice.status == 1 && twice.stderr.contains("shard 1/2 is also"), "\(twice.stderr)")
    let good = try CLI.run(["merge", a, b, "--output", merged])
    #expect(good.status == 0, "\(good.stderr)")
    let record = try String(contentsOfFile: merged + "/run.json", encoding: .utf8)
    #expect(record.contains("\"protocolSHA256\"") && !record.contains("\"shard\""))
}

/// Each resource limit has a default and an environment variable that changes it; a refusal names the variable.
@Test func resourceLimitsAreRaisedOrLoweredByTheirVariable() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let protocolPath = directory.appendingPathComponent("p.yaml").path
    try """
        extraction:
          families: [intensity_statistics]
        perturbations:
          noise: {repetitions: 20, sigma: 10}
        """.write(toFile: protocolPath, atomically: true, encoding: .utf8)
    let output = directory.appendingPathComponent("out").path
    let refused = try CLI.run(["audit", "--protocol", protocolPath, "--cases", "fixtures/cohort/cases.csv", "--output", output],
                              environment: ["RADAUDIT_MAX_VARIANTS": "10"])
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("21 variants per case; at most 10 are allowed") && refused.stderr.contains("set RADAUDIT_MAX_VARIANTS to raise it"),
            "\(refused.stderr)")
    let lowered = try CLI.run(["extract", "--image", "fixtures/cohort/case1_image.nii.gz", "--mask", "fixtures/cohort/case1_mask.nii.gz"],
                              environment: ["RADAUDIT_MAX_TEXTURE_LEVELS": "8"])
    #expect(lowered.status == 1 && lowered.stderr.contains("set RADAUDIT_MAX_TEXTURE_LEVELS to raise it"), "\(lowered.stderr)")
    let kernel = try CLI.run(["extract", "--image", "fixtures/cohort/case1_image.nii.gz", "--mask", "fixtures/cohort/case1_mask.nii.gz",
                              "--protocol", "fixtures/fuzz-crashers/protocol-log-sigma-huge.yaml"])
    #expect(kernel.status == 1 && kernel.stderr.contains("set RADAUDIT_MAX_KERNEL_RADIUS to raise it"), "\(kernel.stderr)")
}

/// Shards whose feature tables have other columns, or list their cases out of cohort order, are refused with one line
/// naming the file; the first before anything is written, the second without leaving a merged features.csv.
@Test func mergeRefusesMalformedShardFeatureTables() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let protocolPath = directory.appendingPathComponent("p.yaml").path
    try """
        extraction:
          families: [intensity_statistics]
        perturbations:
          noise: {repetitions: 1, sigma: 10}
        """.write(toFile: protocolPath, atomically: true, encoding: .utf8)
    func shard(_ k: Int) throws -> String {
        let output = directory.appendingPathComponent("s\(k)").path
        let run = try CLI.run(["audit", "--protocol", protocolPath, "--cases", "fixtures/cohort/cases.csv", "--output", output,
                               "--shard", "\(k)/2"])
        #expect(run.status == 0, "\(run.stderr)")
        return output
    }
    let a = try shard(1), b = try shard(2)
    let features = b + "/features.csv"
    let original = try String(contentsOfFile: features, encoding: .utf8)
    // Another header: an extra column in the second shard.
    var lines = original.split(separator: "\n").map(String.init)
    lines[0] = lines[0].replacingOccurrences(of: "perturbation,", with: "perturbation,extra,")
    lines = [lines[0]] + lines.dropFirst().map { row -> String in
        var cells = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        cells.insert("x", at: 3)
        return cells.joined(separator: ",")
    }
    try (lines.joined(separator: "\n") + "\n").write(toFile: features, atomically: true, encoding: .utf8)
    let merged = directory.appendingPathComponent("merged").path
    let refused = try CLI.run(["merge", a, b, "--output", merged])
    #expect(refused.status == 1 && refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
    #expect(refused.stderr.contains("\(features): columns ") && refused.stderr.contains("differ from those of"), "\(refused.stderr)")
    #expect(!FileManager.default.fileExists(atPath: merged))

    // Cases out of cohort order: the last case's rows moved to the top.
    var rows = original.split(separator: "\n").map(String.init)
    let lastCase = rows.last!.split(separator: ",").first!
    let moved = rows.dropFirst().filter { $0.hasPrefix(lastCase + ",") }
    rows = [rows[0]] + moved + rows.dropFirst().filter { !$0.hasPrefix(lastCase + ",") }
    try (rows.joined(separator: "\n") + "\n").write(toFile: features, atomically: true, encoding: .utf8)
    let disordered = try CLI.run(["merge", a, b, "--output", merged])
    #expect(disordered.status == 1 && disordered.stderr.contains("not in cohort order"), "\(disordered.stderr)")
    #expect(!FileManager.default.fileExists(atPath: merged + "/features.csv"))
    #expect(!FileManager.default.fileExists(atPath: merged + "/manifest.json"))
}
