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
