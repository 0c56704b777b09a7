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

/// `CASES.csv`: `case_id,image,mask` plus optional `site,label,roi`; or pyradiomics' batch layout
/// `Image,Mask` plus optional `Label` and `ID` (or `case_id`; without either, the case id is the row number, from 1).
/// Relative paths are relative to the table.
public enum Cohort {
    public static func load(_ path: String) throws -> [AuditCase] {
        let table: CSVTable.File
        do {
            table = try CSVTable.load(path, trimmingSpaces: true)
        } catch let error as CSVFileError {
            throw CohortError(description: error.description)
        }
        let header = table.header
        // pyradiomics' batch table names its columns Image, Mask, Label (and often ID).
        let pyradiomics = !header.contains("image") && header.contains("Image") && header.contains("Mask")
        let columns = pyradiomics
            ? (id: header.contains("ID") ? "ID" : header.contains("case_id") ? "case_id" : nil, image: "Image", mask: "Mask",
               label: "Label")
            : (id: Optional("case_id"), image: "image", mask: "mask", label: "label")
        if let missing = [columns.id, columns.image, columns.mask].compactMap({ $0 }).first(where: { !header.contains($0) }) {
            throw CohortError(description: "\(path): missing column '\(missing)' (expected case_id,image,mask or pyradiomics' Image,Mask)")
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : base.appendingPathComponent(p).path }
        var cases: [AuditCase] = []
        var seen = Set<String>()
        for record in table.rows {
            let line = record.line
            func field(_ name: String?) -> String? {
                name.flatMap { header.firstIndex(of: $0) }.flatMap { record.fields[$0].isEmpty ? nil : record.fields[$0] }
            }
            let id = columns.id == nil ? String(cases.count + 1) : field(columns.id)
            guard let id, let image = field(columns.image), let mask = field(columns.mask) else {
                throw CohortError(description: "\(path):\(line): \([columns.id, columns.image, columns.mask].compactMap { $0 }.joined(separator: ", ")) must not be empty")
            }
            guard seen.insert(id).inserted else { throw CohortError(description: "\(path):\(line): duplicate case id '\(id)'") }
            var label: Int?
            if let text = field(columns.label) {
                guard let value = Int(text) else { throw CohortError(description: "\(path):\(line): label '\(text)' is not an integer") }
                label = value
            }
            cases.append(AuditCase(id: id, image: resolve(image), mask: resolve(mask), site: field(pyradiomics ? nil : "site"),
                                   label: label, roi: field(pyradiomics ? nil : "roi"), position: cases.count))
        }
        guard !cases.isEmpty else { throw CohortError(description: "\(path): no cases") }
        return cases
    }
}
