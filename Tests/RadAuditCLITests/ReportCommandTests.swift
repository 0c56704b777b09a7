import Foundation
import Testing

/// A copy of the example audit directory in a temporary directory.
private func auditCopy() throws -> URL {
    let directory = try CLI.temporaryDirectory().appendingPathComponent("audit")
    try FileManager.default.copyItem(at: CLI.repository.appendingPathComponent("fixtures/audit-example"), to: directory)
    return directory
}

@Test func reportWritesAValidRecordAndASelfContainedPage() throws {
    let directory = try auditCopy()
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let run = try CLI.run(["report", directory.path])
    #expect(run.status == 0, "\(run.stderr)")
    let report = try String(contentsOf: directory.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(report.components(separatedBy: "<svg").count - 1 >= 3)
    #expect(!report.contains("http://") && !report.contains("https://") && !report.contains("src="))
    let record = directory.appendingPathComponent("provenance.provx").path
    let validate = try CLI.run(["validate", record])
    #expect(validate.status == 0, "\(validate.stderr)")
    #expect(validate.stdout.contains("valid"))
    let w3c = try CLI.run(["validate", record, "--schema", "reports/schema/prov.xsd"])
    #expect(w3c.status == 0, "\(w3c.stderr)")
}

@Test func validateRejectsACorruptedRecordWithLineNumbers() throws {
    let directory = try auditCopy()
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    #expect(try CLI.run(["report", directory.path]).status == 0)
    let record = directory.appendingPathComponent("provenance.provx")
    var lines = try String(contentsOf: record, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let target = lines.firstIndex { $0.contains("<radaudit:sha256>") }!
    lines[target] = "    <radaudit:sha256>0123</radaudit:sha256>"
    let corrupted = directory.appendingPathComponent("corrupted.provx")
    try lines.joined(separator: "\n").write(to: corrupted, atomically: true, encoding: .utf8)
    let run = try CLI.run(["validate", corrupted.path])
    #expect(run.status == 1)
    #expect(run.stderr.contains("\(corrupted.path):\(target + 1): "), "\(run.stderr)")

    let truncated = directory.appendingPathComponent("truncated.provx")
    try lines.prefix(40).joined(separator: "\n").write(to: truncated, atomically: true, encoding: .utf8)
    let broken = try CLI.run(["validate", truncated.path])
    #expect(broken.status == 1)
    #expect(broken.stderr.contains("\(truncated.path):"), "\(broken.stderr)")
}

@Test func reportNamesTheMissingTable() throws {
    let directory = try auditCopy()
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    try FileManager.default.removeItem(at: directory.appendingPathComponent("stability.csv"))
    let run = try CLI.run(["report", directory.path])
    #expect(run.status != 0)
    #expect(run.stderr.contains("stability.csv: no such file"), "\(run.stderr)")
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("report.html").path))
}

/// End to end on the fixture cohort: `audit`, then `report`, then the checks a reviewer would make.
@Test func auditOfTheFixtureCohortGetsAValidRecordAndAReport() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let protocolFile = directory.appendingPathComponent("protocol.yaml")
    try """
        name: fixture cohort check
        seed: 7
        extraction:
          resegmentation: {range: [-1000, 400]}
          discretisation: {texture: {method: fixed_bin_size, bin_width: 25}}
          texture: {dimensions: [3D]}
        perturbations:
          noise: {repetitions: 2, sigma: auto}
          rotation: {angles_deg: [10]}
        stability:
          statistic: ICC(1,1)
          robust_if: {metric: ci_low, threshold: 0.8}
        """.write(to: protocolFile, atomically: true, encoding: .utf8)
    let out = directory.appendingPathComponent("audit")
    let audit = try CLI.run(["audit", "--protocol", protocolFile.path, "--cases", "fixtures/cohort/cases.csv",
                             "--output", out.path, "--jobs", "2"])
    #expect(audit.status == 0, "\(audit.stderr)")
    let report = try CLI.run(["report", out.path])
    #expect(report.status == 0, "\(report.stderr)")

    func rows(_ name: String) throws -> [[String: String]] {
        let lines = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }
    let recordPath = out.appendingPathComponent("provenance.provx").path
    let record = try String(contentsOfFile: recordPath, encoding: .utf8)
    #expect(record.contains("\n<prov:document xmlns:prov=\"http://www.w3.org/ns/prov#\""))
    for input in try rows("inputs.csv") {
        #expect(record.contains("<radaudit:sha256>\(input["image_sha256"]!)</radaudit:sha256>"))
        #expect(record.contains("<radaudit:sha256>\(input["mask_sha256"]!)</radaudit:sha256>"))
    }
    for seed in try rows("variants.csv").compactMap({ $0["seed"] }).filter({ !$0.isEmpty }) {
        #expect(record.contains("<radaudit:randomSeed xsi:type=\"xsd:unsignedLong\">\(seed)</radaudit:randomSeed>"))
    }
    #expect(record.contains("<prov:type xsi:type=\"xsd:QName\">ro:Q4LE</prov:type>"))
    #expect(record.contains("<radaudit:discretisation>FBS:25</radaudit:discretisation>"))
    #expect(record.contains("<radaudit:statistic>ICC(1,1)</radaudit:statistic>"))
    #expect(record.contains("<radaudit:ci95Lower xsi:type=\"xsd:double\">"))
    #expect(try CLI.run(["validate", recordPath]).status == 0)
    if FileManager.default.isExecutableFile(atPath: "/usr/bin/xmllint") {
        let xmllint = Process()
        xmllint.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
        xmllint.arguments = ["--noout", "--nonet", "--schema", CLI.repository.appendingPathComponent("reports/schema/prov.xsd").path, recordPath]
        xmllint.standardError = FileHandle.nullDevice
        try xmllint.run()
        xmllint.waitUntilExit()
        #expect(xmllint.terminationStatus == 0)
    }
    let corrupted = out.appendingPathComponent("corrupted.provx")
    try record.replacingOccurrences(of: "<prov:startTime>", with: "<prov:startTime>yesterday ").write(to: corrupted, atomically: true, encoding: .utf8)
    let rejected = try CLI.run(["validate", corrupted.path])
    #expect(rejected.status == 1 && rejected.stderr.contains("\(corrupted.path):"))

    let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("src="))
    #expect(html.components(separatedBy: "<svg").count - 1 >= 3)
    for input in try rows("inputs.csv") { #expect(html.contains(input["case_id"]!)) }
    #expect(html.contains("ICC(1,1)") && html.contains("one-way random effects"))
    #expect(html.contains("<strong>0.8</strong>"))
    #expect(html.contains("Q4LE") && html.contains("Q3RU"))
}
