import Foundation
import RadAuditCore

/// `manifest.json`, the last file an audit (or a merge) writes: every output file with its size and SHA-256. Its
/// presence says the directory is a finished audit; a run that crashed or was killed leaves none (a new run removes
/// the old one before it starts), so `merge` refuses such a directory instead of joining half an audit.
public struct AuditManifest: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        public var name: String
        public var bytes: Int
        public var sha256: String
    }

    public var complete = true
    public var files: [Entry]

    public static let name = "manifest.json"

    /// The files an audit directory publishes, in this order, when present.
    static let published = ["features.csv", "variants.csv", "stability.csv", "errors.csv", "cases.csv", "inputs.csv",
                            "acquisition.json", "run.json", "protocol.yaml", "report.html", "provenance.provx"]

    /// Removes the manifest of `directory` (before an audit writes into it).
    public static func invalidate(_ directory: String) throws {
        let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
    }

    /// Writes the manifest of the finished audit in `directory`, atomically.
    public static func write(_ directory: String) throws {
        let base = URL(fileURLWithPath: directory)
        var files: [Entry] = []
        for file in published {
            guard let data = FileManager.default.contents(atPath: base.appendingPathComponent(file).path) else { continue }
            files.append(Entry(name: file, bytes: data.count, sha256: SHA256Digest.hex(of: data)))
        }
        try AtomicFile.write(try JSONEncoder.radaudit().encode(AuditManifest(files: files)),
                             to: base.appendingPathComponent(name).path)
    }

    /// Throws unless `directory` holds the manifest of a finished audit.
    public static func requireComplete(_ directory: String) throws {
        let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
        guard let data = FileManager.default.contents(atPath: path),
              let manifest = try? JSONDecoder().decode(AuditManifest.self, from: data), manifest.complete else {
            throw CohortError(description: "\(directory): no \(name): the audit did not finish (run it again; --resume "
                              + "reuses what it computed)")
        }
    }
}
