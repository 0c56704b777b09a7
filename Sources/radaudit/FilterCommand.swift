import ArgumentParser
import Foundation
import RadAuditAudit
import RadAuditExtraction
import RadAuditImageIO

struct FilterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter",
        abstract: "Write the response map of a protocol's single filter (IBSI 2) as a float32 NIfTI image.",
        discussion: """
            The protocol's extraction: section must list exactly one filter under filters: (protocols/README.md). \
            The image is interpolated first when the protocol asks for it; the map lies on the (interpolated) image \
            grid. protocols/ibsi2/phase1/ holds the IBSI 2 phase-1 configurations.
            """)

    @Option(help: "Image file (.nii, .nii.gz, .hdr/.img, .nrrd, .nhdr), DICOM file, or directory holding a DICOM series.")
    var image: String

    @Option(help: "Protocol YAML whose extraction: filters: lists one filter.")
    var `protocol`: String

    @Option(help: "Output NIfTI file (.nii or .nii.gz). Written atomically.")
    var output: String

    func run() throws {
        let settings = try AuditProtocol.load(`protocol`).extraction
        let map = try FeatureExtractor(settings: settings).responseMap(imagePath: image)
        try NIfTI.write(map, to: output, type: .float32)
    }
}
