import Foundation

/// The provenance schemas compiled into the tool (`reports/schema/`, see its README): RadAudit's vocabulary and
/// the W3C PROV-XML schemas it imports.
public enum ProvenanceSchema {
    /// The schema to validate records with; it imports `prov.xsd`.
    public static let entryPoint = "radaudit-prov-1.0.xsd"

    /// Writes the embedded schema files into `directory` (created if needed).
    public static func install(into directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for file in files {
            try Data(file.text.utf8).write(to: directory.appendingPathComponent(file.name))
        }
    }

    /// Runs `body` with the schema files in a private temporary directory, removed afterwards (libxml2 resolves
    /// `xs:include` and `xs:import` through files).
    static func withFiles<T>(_ body: (URL) throws -> T) throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("radaudit-schema-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try install(into: directory)
        return try body(directory)
    }
}
