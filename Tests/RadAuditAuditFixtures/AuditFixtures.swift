import Foundation
import RadAuditAudit

/// Paths and helpers shared by the reporting and provenance tests.
public enum Fixture {
    /// Repository root (for `fixtures/` and `reports/`).
    public static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static let auditExample = repository.appendingPathComponent("fixtures/audit-example").path
    public static let schemaDirectory = repository.appendingPathComponent("reports/schema")

    /// The example audit directory, read.
    public static func auditResults() throws -> AuditResults {
        try AuditResults.load(directory: auditExample)
    }

    /// A fresh temporary directory.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("radaudit-reporting-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A copy of the example audit directory to modify.
    public static func auditCopy() throws -> URL {
        let directory = try temporaryDirectory().appendingPathComponent("audit")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: auditExample), to: directory)
        return directory
    }

    /// Fixed rendering time, so outputs compare byte for byte.
    public static let generated = Date(timeIntervalSince1970: 1_795_770_000)
}

/// The independent validator of the tests: `xmllint` from Debian's libxml2-utils.
public enum Xmllint {
    public static let path = ["/usr/bin/xmllint", "/usr/local/bin/xmllint"].first { FileManager.default.isExecutableFile(atPath: $0) }
    public static var available: Bool { path != nil }

    /// Runs `xmllint --noout --schema SCHEMA FILE`; returns the exit status and standard error.
    public static func validate(_ file: String, schema: String) throws -> (status: Int32, messages: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path!)
        process.arguments = ["--noout", "--nonet", "--schema", schema, file]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
