import ArgumentParser
import Foundation
import RadAuditReporting
import RadAuditAudit
import RadAuditProvenance

/// `radaudit validate FILE.provx`: validates a provenance record with libxml2.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate a PROV-XML provenance record (W3C PROV-XML and RadAudit terms).",
        discussion: """
            Validates FILE against the RadAudit schema embedded in the tool (radaudit-prov-1.0.xsd, which imports \
            the W3C PROV-XML schema), or against --schema. Prints "FILE: valid" and exits 0, or prints libxml2's \
            messages as FILE:LINE: message on standard error and exits 1.
            """)

    @Argument(help: "Provenance record (.provx).") var file: String
    @Option(help: "Schema file to validate against instead (e.g. reports/schema/prov.xsd).") var schema: String?

    func run() throws {
        let validator: ProvenanceValidator
        do {
            validator = try schema.map(ProvenanceValidator.init(schemaFile:)) ?? ProvenanceValidator.bundled()
        } catch let error as ProvenanceError {
            throw TableError(error.description)
        }
        let issues = validator.validate(file: file)
        guard issues.isEmpty else {
            FileHandle.standardError.write(Data(issues.map { "\($0)\n" }.joined().utf8))
            throw ExitCode.failure
        }
        print("\(file): valid (\(validator.schemaSource))")
    }
}
