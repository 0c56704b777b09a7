import ArgumentParser
import Foundation
import RadAuditAudit
import RadAuditImageIO
import RadAuditCore

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe an image: grid, spacing, origin, direction (LPS), voxel type and intensity range.")

    enum Format: String, ExpressibleByArgument { case text, json }

    @Argument(help: "Image file, DICOM file, or directory holding a DICOM series.")
    var path: String

    @Option(help: "The series to describe when the directory holds several DICOM series: the key the error lists, or the SeriesInstanceUID.")
    var series: String?

    @Option(help: "text or json.")
    var format: Format = .text

    struct Summary: Encodable {
        var size: [Int]
        var spacing: [Double]
        var origin: [Double]
        var direction: [Double]
        var voxelType: String
        var min: Double
        var max: Double
        var mean: Double

        enum CodingKeys: String, CodingKey { case size, spacing, origin, direction, voxelType = "voxel_type", min, max, mean }
    }

    func run() throws {
        let loaded = try ImageFile.load(path, series: series)
        for note in loaded.notes { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
        let g = loaded.volume.geometry
        var minimum = Double.infinity, maximum = -Double.infinity, sum = 0.0
        for v in loaded.volume.voxels {
            minimum = Swift.min(minimum, v)
            maximum = Swift.max(maximum, v)
            sum += v
        }
        let summary = Summary(size: [g.size.x, g.size.y, g.size.z], spacing: [g.spacing.x, g.spacing.y, g.spacing.z],
                              origin: [g.origin.x, g.origin.y, g.origin.z], direction: g.direction,
                              voxelType: loaded.storedType.rawValue, min: minimum, max: maximum,
                              mean: sum / Double(loaded.volume.voxels.count))
        switch format {
        case .json:
            // A float image may hold NaN or infinities: written as the strings "NaN", "inf", "-inf".
            let encoder = JSONEncoder.radaudit()
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "NaN")
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        case .text:
            func list(_ v: [Double]) -> String { v.map { TableOutput.format($0) }.joined(separator: " ") }
            print("""
                file:       \(path)
                size:       \(summary.size.map(String.init).joined(separator: " × "))
                spacing:    \(list(summary.spacing)) mm
                origin:     \(list(summary.origin)) mm (LPS)
                direction:  \(list(summary.direction))
                voxel type: \(summary.voxelType)
                intensity:  min \(TableOutput.format(minimum)), max \(TableOutput.format(maximum)), mean \(summary.mean)
                """)
        }
    }
}
