import ArgumentParser
import Foundation
import RadAuditAudit
import RadAuditExtraction

struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Extract IBSI features from an image and a mask.",
        discussion: """
            Writes one CSV row per feature: family, feature, ibsi_code, aggregation, value, after a filter column \
            (none, or the filter's label) when the protocol has filters. Values are the \
            shortest decimal that round-trips a Double; NaN where a feature is undefined for the ROI. With \
            --diagnostics, the IBSI diagnostic values follow (feature = IBSI naming-table tag, no IBSI code).
            """)

    @Option(help: "Image file (.nii, .nii.gz, .hdr/.img, .nrrd, .nhdr), DICOM file, or directory holding a DICOM series.")
    var image: String

    @Option(help: "Mask or label map on the image grid, DICOM RT structure set (with --roi) or DICOM SEG.")
    var mask: String

    @Option(help: "Label of the ROI in the mask (default: 1, or the only non-zero value of a binary mask); segment number of a DICOM SEG.")
    var label: Int?

    @Option(help: "SeriesInstanceUID to read when the --image directory holds several DICOM series.")
    var series: String?

    @Option(help: "ROI name in an RT structure set (or segment label in a DICOM SEG).")
    var roi: String?

    @Option(help: "Protocol YAML with an `extraction:` section (default: IBSI defaults, see protocols/README.md).")
    var `protocol`: String?

    @Option(help: "Output CSV (default: standard output). Written atomically.")
    var output: String?

    @Flag(help: "Add the IBSI diagnostic values of each processing step as rows of family `diagnostics`.")
    var diagnostics = false

    func run() throws {
        let settings = try `protocol`.map { try AuditProtocol.load($0).extraction } ?? ExtractionSettings()
        let result = try FeatureExtractor(settings: settings).extract(imagePath: image, maskPath: mask, label: label,
                                                                      series: series, roi: roi, diagnostics: diagnostics)
        for note in result.notes { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
        // The filter column appears when the protocol has filters, so that unfiltered tables keep their columns.
        let filtered = !settings.filters.isEmpty
        var rows = result.features.map {
            (filtered ? [$0.filter] : []) + [$0.family.rawValue, $0.name, $0.code, $0.aggregation.rawValue, TableOutput.format($0.value)]
        }
        if diagnostics {
            rows += result.diagnostics.map { (filtered ? ["none"] : []) + ["diagnostics", $0.tag, "", "none", TableOutput.format($0.value)] }
        }
        try TableOutput.write(header: (filtered ? ["filter"] : []) + ["family", "feature", "ibsi_code", "aggregation", "value"],
                              rows: rows, to: output)
    }
}
