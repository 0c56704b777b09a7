import Foundation
import Testing
import RadAuditCore
@testable import RadAuditAudit
@testable import RadAuditProvenance
@testable import RadAuditReporting
import RadAuditAuditFixtures

private func render(_ results: AuditResults) -> String {
    AuditReport.render(results, generated: Fixture.generated)
}

@Test func reportIsSelfContained() throws {
    let html = render(try Fixture.auditResults())
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    for external in ["http://", "https://", "src=", "<link", "@import", "//fonts", "<iframe", "<object"] {
        #expect(!html.contains(external), "external reference '\(external)'")
    }
    // The only url() is the heatmap's gradient, defined in the page itself.
    let urls = html.components(separatedBy: "url(").dropFirst()
    #expect(urls.allSatisfy { $0.hasPrefix("#") })
    #expect(html.components(separatedBy: "<script").count - 1 == 1)
}

@Test func reportHasChartsCasesStatisticThresholdAndCodes() throws {
    let results = try Fixture.auditResults()
    let html = render(results)
    let charts = html.components(separatedBy: "<svg").count - 1
    #expect(charts >= 3)
    #expect(charts == 1 + 7 + 2) // heatmap, one forest plot per family, two diagnostics
    for caseID in results.caseIDs { #expect(html.contains(caseID)) }
    #expect(html.contains("ICC(1,1)"))
    #expect(html.contains("one-way random effects, absolute agreement, single measure"))
    #expect(html.contains("<strong>0.75</strong> on the lower bound of the 95 % CI"))
    for code in ["RNU0", "Q4LE", "GYBY", "22OV", "QCDE", "Q3RU", "VTM2"] { #expect(html.contains(code)) }
    #expect(html.contains("10 IBSI reporting checklist"))
    #expect(html.contains("dilated mask reaches the image border"))
}

@Test func reportEscapesEveryString() throws {
    var results = try Fixture.auditResults()
    results.inputs[0].caseID = "<script>alert(1)</script>"
    results.inputs[0].metadata["manufacturer"] = "A&B \"Scanners\""
    results.auditProtocol.name = "<b>bold</b>"
    let html = render(results)
    #expect(!html.contains("<script>alert"))
    #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(html.contains("A&amp;B &quot;Scanners&quot;"))
    #expect(!html.contains("<b>bold</b>"))
}

@Test func reportIsDeterministic() throws {
    let results = try Fixture.auditResults()
    #expect(render(results) == render(results))
}

@Test func checklistCoversItems1To76() throws {
    let entries = ReportingChecklist.entries(for: try Fixture.auditResults())
    let ids = entries.map(\.item.id)
    #expect(Set(ids).count == ids.count)
    let numbers = Set(ids.map { Int($0.prefix { $0.isNumber })! })
    #expect(numbers == Set(1...76))
    func entry(_ id: String) -> ReportingChecklist.Entry { entries.first { $0.item.id == id }! }
    #expect(entry("56a").status == .filled)
    #expect(entry("56b").value.contains("FBS:25"))
    #expect(entry("56c").value.contains("-1000"))
    #expect(entry("50a").value.contains("LIN:3D:2mm"))
    #expect(entry("55").value.contains("RS:[-1000,400]"))
    #expect(entry("60").value.contains("ICC(1,1)"))
    #expect(entry("61").value.contains("radaudit 0.1.0"))
    #expect(entry("14").value.contains("120 (4)"))
    #expect(entry("70").value.contains("not applicable"))
    #expect(entry("42").status == .partial)
    #expect(entry("72").status == .author)
    #expect(entry("48a").status == .author)
}

@Test func niceTicksFollowOneTwoFive() {
    #expect(LinearScale.niceStep(1, count: 5) == 0.2)
    #expect(LinearScale.niceStep(10, count: 4) == 2)
    #expect(LinearScale.niceStep(7000, count: 5) == 1000)
    #expect(LinearScale.niceStep(0.03, count: 6) == 0.005)
    let scale = LinearScale(domain: 0.13...0.97, range: 0...100).niced()
    #expect(scale.domain == 0...1)
    #expect(scale.ticks(5) == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
    #expect(scale.label(0.6000000000000001, ticks: scale.ticks(5)) == "0.6")
    #expect(LinearScale(domain: -0.4...1, range: 0...1).ticks(6).first == -0.4)
}

@Test func writerWritesReportAndValidRecordTogether() throws {
    let directory = try Fixture.auditCopy()
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let written = try AuditReportWriter.write(directory: directory.path, generated: Fixture.generated)
    let report = try Data(contentsOf: URL(fileURLWithPath: written.report))
    let record = try String(contentsOfFile: written.provenance, encoding: .utf8)
    #expect(try ProvenanceValidator.bundled().validate(file: written.provenance).isEmpty)
    #expect(record.contains("<prov:location>report.html</prov:location>"))
    #expect(record.contains("<radaudit:sha256>\(SHA256Digest.hex(of: report))</radaudit:sha256>"))
}

@Test func writingOnSeveralThreadsGivesTheSameFilesAsOnOne() throws {
    let directory = try Fixture.auditCopy()
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    func written(concurrency: Int) throws -> [Data] {
        let paths = try AuditReportWriter.write(directory: directory.path, generated: Fixture.generated, concurrency: concurrency)
        return try [paths.report, paths.provenance].map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
    }
    let serial = try written(concurrency: 1)
    #expect(try written(concurrency: 4) == serial)
    #expect(try ProvenanceValidator.bundled().validate(serial[1], name: "provenance.provx").isEmpty)
}

@Test func writerReportsTheFileAndLineOfABadTable() throws {
    let directory = try Fixture.auditCopy()
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    let stability = directory.appendingPathComponent("stability.csv")
    var lines = try String(contentsOf: stability, encoding: .utf8).split(separator: "\n").map(String.init)
    lines[3] = lines[3].replacingOccurrences(of: ",true,", with: ",maybe,").replacingOccurrences(of: ",false,", with: ",maybe,")
    try (lines.joined(separator: "\n") + "\n").write(to: stability, atomically: true, encoding: .utf8)
    #expect {
        try AuditReportWriter.write(directory: directory.path)
    } throws: { error in
        "\(error)".contains("stability.csv:4: column 'robust'")
    }
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("report.html").path))
}

/// The committed example (`reports/examples/audit-example/`) is what the renderer makes of `fixtures/audit-example/`
/// at the run's end time. Set `RADAUDIT_UPDATE_EXAMPLES=1` to rewrite it after an intended change.
@Test func committedExampleMatchesTheRenderer() throws {
    let results = try Fixture.auditResults()
    let generated = UTCTimestamp.parse(results.run.finished)!
    let html = AuditReport.render(results, generated: generated)
    let record = ProvenanceDocument.audit(results, options: ProvenanceOptions(
        generated: generated, reportSHA256: SHA256Digest.hex(of: Data(html.utf8)))).serialized()
    let examples = Fixture.repository.appendingPathComponent("reports/examples/audit-example")
    let reportURL = examples.appendingPathComponent("report.html")
    let recordURL = examples.appendingPathComponent("provenance.provx")
    let methodsURL = examples.appendingPathComponent("methods.md")
    let methods = PaperOutputs.methods(results)
    if ProcessInfo.processInfo.environment["RADAUDIT_UPDATE_EXAMPLES"] == "1" {
        try FileManager.default.createDirectory(at: examples, withIntermediateDirectories: true)
        try Data(html.utf8).write(to: reportURL)
        try record.write(to: recordURL)
        try Data(methods.utf8).write(to: methodsURL)
    }
    #expect(try String(contentsOf: methodsURL, encoding: .utf8) == methods, "reports/examples/audit-example/methods.md is stale")
    #expect(try String(contentsOf: reportURL, encoding: .utf8) == html,
            "reports/examples/audit-example/report.html is stale: RADAUDIT_UPDATE_EXAMPLES=1 swift test --filter committedExample")
    #expect(try Data(contentsOf: recordURL) == record, "reports/examples/audit-example/provenance.provx is stale")
    #expect(try ProvenanceValidator.bundled().validate(file: recordURL.path).isEmpty)
}

@Test func acquisitionMetadataOfDICOMInputsReachesRecordAndChecklist() throws {
    let directory = try Fixture.auditCopy()
    defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
    try """
        {"case01": {"xRayTubeCurrent": 250, "pixelSpacing": [0.7, 0.75], "convertedToSUVbw": false, "rows": 512,
                    "units": null, "PatientName": "DOE^JANE"}}
        """.write(to: directory.appendingPathComponent("acquisition.json"), atomically: true, encoding: .utf8)
    let results = try AuditResults.load(directory: directory.path)
    #expect(results.inputs[0].metadata["xRayTubeCurrent"] == "250")
    #expect(results.inputs[0].metadata["pixelSpacing"] == "0.7 0.75")
    #expect(results.inputs[0].metadata["convertedToSUVbw"] == "false")
    #expect(results.inputs[0].metadata["units"] == nil)
    #expect(results.inputs[0].metadata["PatientName"] == nil)
    #expect(results.files.contains { $0.name == "acquisition.json" })
    let xml = String(decoding: ProvenanceDocument.audit(results).serialized(), as: UTF8.self)
    #expect(xml.contains("<radaudit:xRayTubeCurrent>250</radaudit:xRayTubeCurrent>"))
    #expect(xml.contains("<radaudit:pixelSpacing>0.7 0.75</radaudit:pixelSpacing>"))
    #expect(xml.contains("<prov:location>acquisition.json</prov:location>"))
    #expect(!xml.contains("DOE^JANE"))
    let entries = ReportingChecklist.entries(for: results)
    #expect(entries.first { $0.item.id == "15" }?.value == "Tube current (mA): 250 (1)")
    #expect(!AuditReport.render(results).contains("DOE^JANE"))
}
