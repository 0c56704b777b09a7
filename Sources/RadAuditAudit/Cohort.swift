import Foundation
import RadAuditCore

/// One case of a cohort: an image, its mask and where it came from.
public struct AuditCase: Sendable, Hashable {
    public var id: String
    public var image: String
    public var mask: String
    public var site: String?
    public var label: Int?
    public var roi: String?
    /// Position in the cohort table (0-based); shards keep it so merged tables come out in cohort order.
    public var position: Int

    public init(id: String, image: String, mask: String, site: String? = nil, label: Int? = nil, roi: String? = nil,
                position: Int = 0) {
        self.id = id
        self.image = image
        self.mask = mask
        self.site = site
        self.label = label
        self.roi = roi
        self.position = position
    }
}

/// Why a cohort table could not be used, in one line naming the file (and row).
public struct CohortError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(description: String) { self.description = description }
}

/// `CASES.csv`: `case_id,image,mask` plus optional `site,label,roi`. Relative paths are relative to the table.
public enum Cohort {
    public static func load(_ path: String) throws -> [AuditCase] {
        let table: CSVTable.File
        do {
            table = try CSVTable.load(path, trimmingSpaces: true, required: ["case_id", "image", "mask"])
        } catch let error as CSVFileError {
            throw CohortError(description: error.description)
        }
        let header = table.header
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : base.appendingPathComponent(p).path }
        var cases: [AuditCase] = []
        var seen = Set<String>()
        for record in table.rows {
            let line = record.line
            func field(_ name: String) -> String? {
                header.firstIndex(of: name).flatMap { record.fields[$0].isEmpty ? nil : record.fields[$0] }
            }
            guard let id = field("case_id"), let image = field("image"), let mask = field("mask") else {
                throw CohortError(description: "\(path):\(line): case_id, image and mask must not be empty")
            }
            guard seen.insert(id).inserted else { throw CohortError(description: "\(path):\(line): duplicate case id '\(id)'") }
            var label: Int?
            if let text = field("label") {
                guard let value = Int(text) else { throw CohortError(description: "\(path):\(line): label '\(text)' is not an integer") }
                label = value
            }
            cases.append(AuditCase(id: id, image: resolve(image), mask: resolve(mask), site: field("site"), label: label,
                                   roi: field("roi"), position: cases.count))
        }
        guard !cases.isEmpty else { throw CohortError(description: "\(path): no cases") }
        return cases
    }
}
