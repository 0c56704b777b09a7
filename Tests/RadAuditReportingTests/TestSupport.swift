import Foundation
@testable import RadAuditReporting

/// Paths and helpers shared by the reporting tests.
enum Fixture {
    /// Repository root (for `fixtures/` and `reports/`).
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let auditExample = repository.appendingPathComponent("fixtures/audit-example").path
    static let schemaDirectory = repository.appendingPathComponent("reports/schema")

    /// The example audit directory, read.
    static func auditResults() throws -> AuditResults {
        try AuditResults.load(directory: auditExample)
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("radaudit-reporting-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A copy of the example audit directory to modify.
    static func auditCopy() throws -> URL {
        let directory = try temporaryDirectory().appendingPathComponent("audit")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: auditExample), to: directory)
        return directory
    }

    /// Fixed rendering time, so outputs compare byte for byte.
    static let generated = Date(timeIntervalSince1970: 1_795_770_000)
}

/// The independent validator of the tests: `xmllint` from Debian's libxml2-utils.
enum Xmllint {
    static let path = ["/usr/bin/xmllint", "/usr/local/bin/xmllint"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var available: Bool { path != nil }

    /// Runs `xmllint --noout --schema SCHEMA FILE`; returns the exit status and standard error.
    static func validate(_ file: String, schema: String) throws -> (status: Int32, messages: String) {
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
