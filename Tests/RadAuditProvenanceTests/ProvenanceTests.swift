import Foundation
import Testing
@testable import RadAuditAudit
@testable import RadAuditProvenance
import RadAuditAuditFixtures

private func record(_ results: AuditResults) -> String {
    String(decoding: ProvenanceDocument.audit(results, options: ProvenanceOptions(generated: Fixture.generated)).serialized(),
           as: UTF8.self)
}

@Test func auditRecordValidatesAgainstTheEmbeddedSchema() throws {
    let data = ProvenanceDocument.audit(try Fixture.auditResults(), options: ProvenanceOptions(generated: Fixture.generated))
        .serialized()
    let issues = try ProvenanceValidator.bundled().validate(data, name: "provenance.provx")
    #expect(issues.isEmpty, "\(issues.map(\.description).joined(separator: "\n"))")
}

@Test func auditRecordValidatesAgainstTheShippedSchemaFiles() throws {
    let data = ProvenanceDocument.audit(try Fixture.auditResults()).serialized()
    for schema in ["radaudit-prov-1.0.xsd", "prov.xsd"] {
        let validator = try ProvenanceValidator(schemaFile: Fixture.schemaDirectory.appendingPathComponent(schema).path)
        let issues = validator.validate(data, name: "provenance.provx")
        #expect(issues.isEmpty, "\(schema): \(issues.map(\.description).joined(separator: "\n"))")
    }
}

@Test(.enabled(if: Xmllint.available, "xmllint (Debian package libxml2-utils) is not installed; .ci/run installs it"))
func auditRecordValidatesWithXmllint() throws {
    let directory = try Fixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("provenance.provx").path
    try ProvenanceDocument.audit(try Fixture.auditResults()).write(to: path, validator: try ProvenanceValidator.bundled())
    for schema in ["prov.xsd", "radaudit-prov-1.0.xsd"] {
        let result = try Xmllint.validate(path, schema: Fixture.schemaDirectory.appendingPathComponent(schema).path)
        #expect(result.status == 0, "\(schema): \(result.messages)")
        #expect(result.messages.contains("validates"))
    }
}

@Test func auditRecordCarriesInputsSettingsResultsAndSeeds() throws {
    let results = try Fixture.auditResults()
    let xml = record(results)
    #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<prov:document "))
    #expect(xml.contains("xmlns:prov=\"http://www.w3.org/ns/prov#\""))
    #expect(xml.contains("xmlns:radaudit=\"\(ProvenanceNamespace.radaudit)\""))
    #expect(xml.contains("xmlns:ro=\"http://www.radiomics.org/RO/\""))
    for input in results.inputs {
        #expect(xml.contains("<radaudit:sha256>\(input.imageSHA256)</radaudit:sha256>"))
        #expect(xml.contains("<radaudit:sha256>\(input.maskSHA256)</radaudit:sha256>"))
    }
    // IBSI codes: features typed ro:<id>, or by IRI when the id starts with a digit.
    #expect(xml.contains("<prov:type xsi:type=\"xsd:QName\">ro:Q4LE</prov:type>"))
    #expect(xml.contains("<radaudit:feature xsi:type=\"xsd:QName\">ro:GYBY</radaudit:feature>"))
    #expect(xml.contains("<radaudit:feature xsi:type=\"xsd:anyURI\">http://www.radiomics.org/RO/22OV</radaudit:feature>"))
    #expect(xml.contains("<radaudit:ibsiCode>RNU0</radaudit:ibsiCode>"))
    // Settings in IBSI notation with identifiers.
    #expect(xml.contains("<radaudit:discretisation>FBS:25</radaudit:discretisation>"))
    #expect(xml.contains("<radaudit:discretisationId>Q3RU</radaudit:discretisationId>"))
    #expect(xml.contains("<radaudit:interpolation>LIN:3D:2mm</radaudit:interpolation>"))
    #expect(xml.contains("<radaudit:interpolationId>VTM2</radaudit:interpolationId>"))
    #expect(xml.contains("<radaudit:reSegmentation>RS:[-1000,400]</radaudit:reSegmentation>"))
    // ICC results with CI, rule and decision.
    #expect(xml.contains("<radaudit:statistic>ICC(1,1)</radaudit:statistic>"))
    #expect(xml.contains("<radaudit:rule>ci95Lower &gt;= 0.75</radaudit:rule>"))
    let resultCount = xml.components(separatedBy: "<prov:type xsi:type=\"xsd:QName\">radaudit:RobustnessResult</prov:type>").count - 1
    #expect(resultCount == results.stability.count)
    for result in results.stability.prefix(3) {
        #expect(xml.contains("<prov:value xsi:type=\"xsd:double\">\(result.estimate)</prov:value>"))
        #expect(xml.contains("<radaudit:ci95Lower xsi:type=\"xsd:double\">\(result.ciLow)</radaudit:ci95Lower>"))
    }
    // Every variant's seed.
    let seeds = results.variants.compactMap(\.seed)
    #expect(!seeds.isEmpty)
    for seed in seeds {
        #expect(xml.contains("<radaudit:randomSeed xsi:type=\"xsd:unsignedLong\">\(seed)</radaudit:randomSeed>"))
    }
    // Agent, UTC times, metadata.
    #expect(xml.contains("<radaudit:gitCommit>\(results.run.commit!)</radaudit:gitCommit>"))
    #expect(xml.contains("<prov:startTime>2026-11-27T09:00:00Z</prov:startTime>"))
    #expect(xml.contains("<radaudit:kvp>120</radaudit:kvp>"))
    #expect(xml.contains("<radaudit:convolutionKernel>B30f</radaudit:convolutionKernel>"))
    #expect(xml.contains("<radaudit:error>dilated mask reaches the image border</radaudit:error>"))
}

@Test func recordIsDeterministic() throws {
    let results = try Fixture.auditResults()
    #expect(record(results) == record(results))
}

@Test func patientIdentifiersAreNeverWritten() throws {
    var results = try Fixture.auditResults()
    results.inputs[0] = AuditInput(caseID: results.inputs[0].caseID, image: "a.nii", mask: "b.nii",
                                   imageSHA256: String(repeating: "a", count: 64), maskSHA256: String(repeating: "b", count: 64),
                                   metadata: ["PatientName": "DOE^JANE", "patient_id": "12345", "PatientBirthDate": "19700101",
                                              "(0010,0010)": "DOE^JOHN", "Modality": "CT", "StationName": "CT-1"])
    let xml = record(results)
    // Station names are identifying too (DICOM PS3.15 Basic Profile): dropped like the patient's.
    for secret in ["DOE^JANE", "12345", "19700101", "DOE^JOHN", "CT-1"] { #expect(!xml.contains(secret)) }
    #expect(xml.contains("<radaudit:modality>CT</radaudit:modality>"))
}

@Test func markupInNamesIsEscapedAndStillValid() throws {
    var results = try Fixture.auditResults()
    let odd = "p<1> & \"x\" 'y' \u{1}"
    results.inputs[0].caseID = odd
    results.variants[0].caseID = odd
    let data = ProvenanceDocument.audit(results).serialized()
    let xml = String(decoding: data, as: UTF8.self)
    #expect(xml.contains("p&lt;1&gt; &amp; \"x\" 'y' \u{FFFD}"))
    let issues = try ProvenanceValidator.bundled().validate(data, name: "odd.provx")
    #expect(issues.isEmpty, "\(issues.map(\.description).joined(separator: "\n"))")
}

@Test func validatorReportsLineNumbersOfSchemaErrors() throws {
    let xml = record(try Fixture.auditResults())
    let digest = try Fixture.auditResults().inputs[0].imageSHA256
    let corrupted = xml.replacingOccurrences(of: "<radaudit:sha256>\(digest)</radaudit:sha256>",
                                             with: "<radaudit:sha256>not-a-digest</radaudit:sha256>")
    let line = corrupted.split(separator: "\n", omittingEmptySubsequences: false)
        .firstIndex { $0.contains("not-a-digest") }! + 1
    let issues = try ProvenanceValidator.bundled().validate(Data(corrupted.utf8), name: "bad.provx")
    #expect(!issues.isEmpty)
    #expect(issues.first?.line == line)
    #expect(issues.first?.description.hasPrefix("bad.provx:\(line): ") == true)

    let misplaced = xml.replacingOccurrences(of: "<prov:label>radaudit", with: "<prov:lable>radaudit")
        .replacingOccurrences(of: "</prov:label>\n    <radaudit:version>", with: "</prov:lable>\n    <radaudit:version>")
    #expect(!(try ProvenanceValidator.bundled().validate(Data(misplaced.utf8), name: "bad.provx")).isEmpty)
}

@Test func validatorReportsLineNumbersOfMalformedXML() throws {
    let xml = record(try Fixture.auditResults())
    var lines = xml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines[20] = lines[20].replacingOccurrences(of: "</", with: "<")
    let issues = try ProvenanceValidator.bundled().validate(Data(lines.joined(separator: "\n").utf8), name: "broken.provx")
    #expect(!issues.isEmpty)
    #expect(issues.allSatisfy { $0.line > 0 })
}

@Test func invalidRecordIsNotWritten() throws {
    var results = try Fixture.auditResults()
    results.files[0].sha256 = "not hex"
    let directory = try Fixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("provenance.provx").path
    #expect(throws: ProvenanceError.self) {
        try ProvenanceDocument.audit(results).write(to: path, validator: try ProvenanceValidator.bundled())
    }
    #expect(!FileManager.default.fileExists(atPath: path))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
}

@Test func largeCohortsRecordTheFeatureTableInsteadOfEveryValue() throws {
    let results = try Fixture.auditResults()
    let xml = String(decoding: ProvenanceDocument.audit(results, options: ProvenanceOptions(maximumFeatureValues: 10)).serialized(),
                     as: UTF8.self)
    #expect(!xml.contains("radaudit:FeatureValue"))
    #expect(xml.contains("radaudit:FeatureTable"))
    #expect(try ProvenanceValidator.bundled().validate(Data(xml.utf8), name: "x").isEmpty)
}

@Test func embeddedSchemasEqualTheShippedFiles() throws {
    let shipped = try FileManager.default.contentsOfDirectory(atPath: Fixture.schemaDirectory.path).filter { $0.hasSuffix(".xsd") }
    #expect(Set(shipped) == Set(ProvenanceSchema.files.map(\.name)))
    for file in ProvenanceSchema.files {
        let text = try String(contentsOf: Fixture.schemaDirectory.appendingPathComponent(file.name), encoding: .utf8)
        #expect(text == file.text, "\(file.name) differs from the embedded copy: run python3 reports/schema/embed.py")
    }
}

@Test func runIdentifierIsAVersion8UUID() {
    let uuid = PROVBuilder.uuid(for: Data("x".utf8))
    #expect(uuid.count == 36)
    #expect(Array(uuid)[14] == "8")
    #expect("89ab".contains(Array(uuid)[19]))
}
