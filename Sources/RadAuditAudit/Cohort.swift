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
    /// A mask on the image grid whose voxels normalise the intensities (`normalisation: {over: reference_mask}`).
    public var referenceMask: String?
    /// Position in the cohort table (0-based); shards keep it so merged tables come out in cohort order.
    public var position: Int
    /// Where the row sits in a study of real repeats (subject, test–retest index, observer, acquisition protocol).
    public var design: CaseDesign

    public init(id: String, image: String, mask: String, site: String? = nil, label: Int? = nil, roi: String? = nil,
                position: Int = 0, design: CaseDesign = CaseDesign(), referenceMask: String? = nil) {
        self.id = id
        self.referenceMask = referenceMask
        self.design = design
        self.image = image
        self.mask = mask
        self.site = site
        self.label = label
        self.roi = roi
        self.position = position
    }
}

/// The optional study-design columns of a cohort row: which rows are the same subject, and what varies between them
/// (``ObservedAgreement``).
public struct CaseDesign: Sendable, Hashable, Codable {
    /// The subject (patient or phantom) the row images; rows sharing it are repeats. Nil: the case is its own subject.
    public var subject: String?
    /// The test–retest or acquisition index (`repeat` column).
    public var repetition: String?
    /// Who or what drew the mask (`observer` column).
    public var observer: String?
    /// The named acquisition setting (`protocol` column).
    public var acquisitionProtocol: String?
    /// Acquisition parameters given as columns named after ``AcquisitionVocabulary`` terms (e.g. `convolution_kernel`,
    /// `kvp`, `slice_thickness`), canonical term name → value.
    public var acquisition: [String: String]

    /// The design columns as they are named in a cohort table and in `inputs.csv`.
    public static let columns = ["subject", "repeat", "observer", "protocol"]

    public init(subject: String? = nil, repetition: String? = nil, observer: String? = nil,
                acquisitionProtocol: String? = nil, acquisition: [String: String] = [:]) {
        self.subject = subject
        self.repetition = repetition
        self.observer = observer
        self.acquisitionProtocol = acquisitionProtocol
        self.acquisition = acquisition
    }

    /// The values of ``columns``, empty where not given.
    public var fields: [String] { [subject ?? "", repetition ?? "", observer ?? "", acquisitionProtocol ?? ""] }

    public var isEmpty: Bool { fields.allSatisfy(\.isEmpty) && acquisition.isEmpty }

    /// The design columns of a row of `inputs.csv`, with its acquisition-term columns.
    init(row: CSVRow) {
        self.init(subject: row.optional("subject"), repetition: row.optional("repeat"), observer: row.optional("observer"),
                  acquisitionProtocol: row.optional("protocol"))
        for column in row.columns.keys where !AuditInput.columns.contains(column) && !Self.columns.contains(column) {
            if let term = AcquisitionVocabulary.term(for: column), let value = row.optional(column) { acquisition[term.name] = value }
        }
    }

    /// The columns `inputs.csv` gets for these designs (none when no row has any): ``columns``, then the acquisition
    /// terms given, sorted.
    static func writtenColumns(_ designs: [CaseDesign]) -> [String] {
        guard designs.contains(where: { !$0.isEmpty }) else { return [] }
        return columns + Set(designs.flatMap(\.acquisition.keys)).sorted()
    }

    /// The cells of `columns` (as ``writtenColumns(_:)`` gives them) for this row.
    func fields(writtenColumns columns: [String]) -> [String] {
        columns.isEmpty ? [] : fields + columns.dropFirst(Self.columns.count).map { acquisition[$0] ?? "" }
    }
}

/// Why a cohort table could not be used, in one line naming the file (and row).
public struct CohortError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(description: String) { self.description = description }
}

/// `CASES.csv`: `case_id,image,mask` plus optional `site,label,roi,reference_mask`; or pyradiomics' batch layout
/// `Image,Mask` plus optional `Label` and `ID` (or `case_id`; without either, the case id is the row number, from 1).
/// Relative paths are relative to the table.
///
/// Studies of real repeats add `subject` with any of `repeat`, `observer` and `protocol` (``CaseDesign``), and may
/// give acquisition parameters as columns named after ``AcquisitionVocabulary`` terms.
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
        let raterColumns = CaseDesign.columns.dropFirst().filter { header.contains($0) }
        if !pyradiomics, let column = raterColumns.first, !header.contains("subject") {
            throw CohortError(description: "\(path): column '\(column)' needs a 'subject' column naming the subject each row "
                              + "images (without it every row is its own subject and nothing repeats)")
        }
        let known = Set(["case_id", "image", "mask", "site", "label", "roi", "reference_mask"] + CaseDesign.columns)
        let acquisitionColumns = pyradiomics ? [] : header.compactMap { column -> (column: String, term: String)? in
            guard !known.contains(column), let term = AcquisitionVocabulary.term(for: column) else { return nil }
            return (column, term.name)
        }
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
            var design = CaseDesign()
            if !pyradiomics {
                design = CaseDesign(subject: field("subject"), repetition: field("repeat"), observer: field("observer"),
                                    acquisitionProtocol: field("protocol"))
                for (column, term) in acquisitionColumns { design.acquisition[term] = field(column) }
            }
            cases.append(AuditCase(id: id, image: resolve(image), mask: resolve(mask), site: field(pyradiomics ? nil : "site"),
                                   label: label, roi: field(pyradiomics ? nil : "roi"), position: cases.count, design: design,
                                   referenceMask: field(pyradiomics ? nil : "reference_mask").map(resolve)))
        }
        guard !cases.isEmpty else { throw CohortError(description: "\(path): no cases") }
        return cases
    }
}
