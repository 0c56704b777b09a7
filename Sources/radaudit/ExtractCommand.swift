import ArgumentParser
import Foundation
import RadAuditAudit
import RadAuditCore
import RadAuditExtraction
import RadAuditConcurrency
import RadAuditImageIO

struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Extract IBSI features from an image and a mask, or from every case of a cohort table.",
        discussion: """
            Writes one CSV row per feature: family, feature, ibsi_code, aggregation, value, after a filter column \
            (none, or the filter's label) when the protocol has filters, and with --names pyradiomics a last column \
            pyradiomics_name (empty where pyradiomics has no such feature). Values are the \
            shortest decimal that round-trips a Double; NaN where a feature is undefined for the ROI. With \
            --diagnostics, the IBSI diagnostic values follow (feature = IBSI naming-table tag, no IBSI code).

            With --cases (a cohort table, or pyradiomics' Image,Mask[,Label,ID] batch table), writes one row per \
            case and one column per feature instead: case_id, image, mask, then the features named by --names \
            (pyradiomics' -o out.csv -f csv layout with --names pyradiomics); --format json writes one JSON \
            object per line and case (null where undefined).
            """)

    @Option(help: "Image file (.nii, .nii.gz, .hdr/.img, .nrrd, .nhdr), DICOM file, or directory holding a DICOM series.")
    var image: String?

    @Option(help: "Mask or label map on the image grid, DICOM RT structure set (with --roi) or DICOM SEG.")
    var mask: String?

    @Option(help: "Cohort table (case_id,image,mask[,label,roi] or pyradiomics' Image,Mask[,Label,ID]): one row per case.")
    var cases: String?

    @Option(help: "Cases extracted at once with --cases (default: all cores).")
    var jobs: Int?

    @Option(help: "Feature names: ibsi (default) or pyradiomics (imageType_featureClass_Feature).")
    var names: FeatureNaming = .ibsi

    @Option(help: "Output of --cases: csv (default) or json (one object per line).")
    var format: BatchFormat = .csv

    @Option(help: "Label of the ROI in the mask (default: 1, or the only non-zero value of a binary mask); segment number of a DICOM SEG.")
    var label: Int?

    @Option(help: "The series to read when the --image directory holds several DICOM series: the key the error lists, or the SeriesInstanceUID.")
    var series: String?

    @Option(help: "ROI name in an RT structure set (or segment label in a DICOM SEG).")
    var roi: String?

    @Option(help: "Mask on the image grid whose voxels normalise the intensities (protocol normalisation: {over: reference_mask}).")
    var referenceMask: String?

    @Option(help: "Protocol YAML with an `extraction:` section, or a pyradiomics parameter file (default: IBSI defaults, see protocols/README.md).")
    var `protocol`: String?

    @Option(help: "Output CSV (default: standard output). Written atomically.")
    var output: String?

    @Flag(help: "Add the IBSI diagnostic values of each processing step as rows of family `diagnostics`.")
    var diagnostics = false

    enum BatchFormat: String, ExpressibleByArgument, CaseIterable { case csv, json }

    func validate() throws {
        if cases != nil {
            guard image == nil, mask == nil, label == nil, roi == nil, series == nil, !diagnostics else {
                throw ValidationError("--cases replaces --image, --mask, --label, --roi, --series and --diagnostics")
            }
            if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        } else {
            guard image != nil, mask != nil else { throw ValidationError("give --image and --mask, or --cases") }
            guard image != "", mask != "" else { throw ValidationError("--image and --mask must not be empty") }
            guard jobs == nil, format == .csv else { throw ValidationError("--jobs and --format apply to --cases") }
        }
    }

    func run() throws {
        let protocolPath = `protocol`
        @Sendable func settings() throws -> ExtractionSettings {
            try protocolPath.map { try AuditProtocol.load($0).extraction } ?? ExtractionSettings()
        }
        if let cases {
            try runBatch(try Cohort.load(cases), settings: try settings())
            return
        }
        guard let image, let mask else { return }
        // A compressed image starts inflating while the protocol is parsed (into huge pages: this process reads one
        // image); the protocol's errors still come first.
        let (settings, opened) = try concurrently(width: 2, { try settings() }, { try ImageFile.loadStored(image, hugePages: true) })
        let result = try FeatureExtractor(settings: settings).extract(imagePath: image, maskPath: mask, label: label,
                                                                      series: series, roi: roi, referenceMask: referenceMask,
                                                                      diagnostics: diagnostics, opened: opened)
        for note in result.notes { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
        // The filter column appears when the protocol has filters, so that unfiltered tables keep their columns.
        let filtered = !settings.filters.isEmpty
        let pyradiomics = names == .pyradiomics
        var rows = result.features.map {
            (filtered ? [$0.filter] : []) + [$0.family.rawValue, $0.name, $0.code, $0.aggregation.rawValue, TableOutput.format($0.value)]
                + (pyradiomics ? [FeatureNaming.pyradiomics.columnName(of: $0, settings: settings) ?? ""] : [])
        }
        if diagnostics {
            rows += result.diagnostics.map {
                (filtered ? ["none"] : []) + ["diagnostics", $0.tag, "", "none", TableOutput.format($0.value)] + (pyradiomics ? [""] : [])
            }
        }
        try TableOutput.write(header: (filtered ? ["filter"] : []) + ["family", "feature", "ibsi_code", "aggregation", "value"]
                                  + (pyradiomics ? ["pyradiomics_name"] : []),
                              rows: rows, to: output)
    }

    private func runBatch(_ cohort: [AuditCase], settings: ExtractionSettings) throws {
        let batch = BatchExtraction(settings: settings, naming: names,
                                    jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        let table = try batch.run(cohort)
        switch format {
        case .csv:
            try TableOutput.write(header: table.header, rows: table.rows, to: output)
        case .json:
            let lines = table.rows.map { row in
                "{" + zip(table.header, row).enumerated().map { index, cell in
                    let value = index < 3 ? Self.jsonString(cell.1) : (Double(cell.1).map { $0.isFinite ? cell.1 : "null" } ?? "null")
                    return "\(Self.jsonString(cell.0)): \(value)"
                }.joined(separator: ", ") + "}\n"
            }
            let text = lines.joined()
            if let output { try AtomicFile.write(text, to: output) } else { FileHandle.standardOutput.write(Data(text.utf8)) }
        }
    }

    /// `text` as a JSON string literal.
    private static func jsonString(_ text: String) -> String {
        // Encoding a String cannot fail.
        String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
    }
}

extension FeatureNaming: ExpressibleByArgument {}
