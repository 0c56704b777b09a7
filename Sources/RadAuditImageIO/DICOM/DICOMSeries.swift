import Foundation
import RadAuditCore

/// One DICOM image series: the image files that share a SeriesInstanceUID, read into one volume.
public struct DICOMSeries: Sendable {
    public var seriesInstanceUID: String
    public var modality: String?
    public var seriesDescription: String?
    public var seriesNumber: String?
    public var frameOfReferenceUID: String?
    /// The headers (everything before the pixel data) of the series' files, in path order.
    public var headers: [DICOMFile]

    public var files: [String] { headers.map(\.path) }

    /// Number of frames (slices) over all files.
    public var frameCount: Int {
        headers.reduce(0) { $0 + $1.dataSet.frameCount }
    }

    /// A key for `--series` that does not copy the SeriesInstanceUID (a UID is an identifier the DICOM PS3.15
    /// Basic Profile never lets out): the first 16 hexadecimal digits of its SHA-256.
    public var key: String { String(SHA256Digest.hex(of: seriesInstanceUID).prefix(16)) }

    /// One line: the series' key, number, modality and number of images; no UID and no description, so that the
    /// line may reach an output (`errors.csv`) without identifying anyone.
    public var summary: String {
        "\(key)" + (seriesNumber.map { " (series number \($0))" } ?? "")
            + ": \(modality ?? "?"), \(headers.count) file(s), \(frameCount) image(s)"
    }

    /// Reads every frame into a volume on the grid of `SliceStack`, in real-world units (`RescaleSlope` ×
    /// stored value + `RescaleIntercept`, per frame); PET in Bq/ml is converted to SUVbw when the tags allow it.
    ///
    /// - Throws: when the files disagree in size, orientation or spacing, a slice is missing, or pixel data cannot
    ///   be decoded.
    public func load() throws -> LoadedImage {
        let name = headers.count == 1 ? headers[0].path : URL(fileURLWithPath: headers[0].path).deletingLastPathComponent().path
        let first = headers[0].dataSet
        guard let rows = first.unsignedInteger(.rows), let columns = first.unsignedInteger(.columns), rows > 0, columns > 0 else {
            throw ImageIOError(headers[0].path, "Rows or Columns missing or zero")
        }
        var slices: [SliceStack.Slice] = []
        var sources: [(file: Int, frame: ImageFrame)] = []
        for (index, header) in headers.enumerated() {
            let d = header.dataSet
            guard d.unsignedInteger(.rows) == rows, d.unsignedInteger(.columns) == columns else {
                throw ImageIOError(name, "inconsistent series: \(header.path) is \(d.unsignedInteger(.columns) ?? 0)×"
                                   + "\(d.unsignedInteger(.rows) ?? 0) pixels, \(headers[0].path) \(columns)×\(rows)")
            }
            let frameCount = d.frameCount
            // Checked before a record is made for every frame: NumberOfFrames is only a header field.
            _ = try ImageLimits.voxelCount([columns, rows, frameCount], path: header.path)
            for (tag, name) in [(DICOMTag.rescaleSlope, "RescaleSlope"), (.rescaleIntercept, "RescaleIntercept"),
                                (.pixelSpacing, "PixelSpacing")] {
                guard let text = d.string(tag) else { continue }
                let values = d.numbers(tag)
                guard !values.isEmpty, values.allSatisfy(\.isFinite) else {
                    throw ImageIOError(header.path, "\(name) \"\(text.prefix(40))\" is not a finite number")
                }
            }
            for frame in ImageFrame.frames(of: d, frameCount: frameCount) {
                guard frame.slope.isFinite, frame.intercept.isFinite, frame.slope != 0 else {
                    throw ImageIOError(header.path, "frame \(frame.frame + 1): RescaleSlope \(frame.slope) / RescaleIntercept "
                                       + "\(frame.intercept) do not map stored values to finite, distinct numbers")
                }
                let label = frameCount > 1 ? "\(header.path) frame \(frame.frame + 1)" : header.path
                slices.append(SliceStack.Slice(plane: frame.plane, pixelSpacing: d.numbers(.pixelSpacing),
                                               sliceSpacing: frame.sliceSpacing,
                                               instanceNumber: d.number(.instanceNumber).map { abs($0) < 1e9 ? Int($0.rounded()) : 0 } ?? 0,
                                               label: label))
                sources.append((index, frame))
            }
        }
        let stack = try SliceStack(slices, columns: columns, rows: rows, path: name)
        let geometry = stack.geometry
        _ = try ImageLimits.voxelCount([geometry.size.x, geometry.size.y, geometry.size.z], path: name)
        // The first file's pixel data must hold what its header claims before the volume is allocated.
        if let first = headers.first { _ = try PixelData(file: DICOMFile(path: first.path)) }
        var slot = [Int](repeating: 0, count: sources.count)
        for (k, index) in stack.order.enumerated() { slot[index] = k }
        var voxels = [Double](repeating: 0, count: geometry.size.count)
        var storedType = VoxelType.int16
        let sliceSize = rows * columns
        try voxels.withUnsafeMutableBufferPointer { out in
            var next = 0
            for (index, header) in headers.enumerated() {
                let pixels = try PixelData(file: DICOMFile(path: header.path))
                storedType = pixels.storedType
                while next < sources.count && sources[next].file == index {
                    let frame = sources[next].frame
                    guard frame.frame < pixels.frameCount else {
                        throw ImageIOError(header.path, "frame \(frame.frame + 1) is missing from the pixel data")
                    }
                    let target = UnsafeMutableBufferPointer(rebasing: out[slot[next] * sliceSize ..< (slot[next] + 1) * sliceSize])
                    try pixels.decode(frame: frame.frame, into: target, slope: frame.slope, intercept: frame.intercept)
                    next += 1
                }
            }
        }
        var metadata = AcquisitionMetadata(first)
        var notes = stack.notes
        if metadata.modality == "PT" {
            switch StandardizedUptakeValue.bodyWeightFactor(first) {
            case .success(let factor):
                for i in voxels.indices { voxels[i] *= factor }
                metadata.convertedToSUVbw = true
            case .failure(let failure):
                notes.append("\(name): PET values left in \(metadata.units ?? "stored units"), not converted to SUVbw: "
                                + failure.reason)
            }
        }
        return LoadedImage(volume: Volume(geometry: geometry, voxels: voxels), storedType: storedType,
                           frameOfReferenceUID: frameOfReferenceUID, metadata: metadata, notes: notes)
    }
}

/// The DICOM image series found among files and directories.
public struct DICOMSeriesScan: Sendable {
    public var series: [DICOMSeries]
    /// What was skipped and why: non-DICOM files, unreadable files, DICOM objects without images.
    public var notes: [String]
    /// The paths scanned, for messages.
    public var paths: [String]

    /// SOP classes whose pixel data is not an image of the patient (segmentations).
    private static let nonImageSOPClasses: [String: String] = [
        "1.2.840.10008.5.1.4.1.1.66.4": "a DICOM SEG segmentation",
        "1.2.840.10008.5.1.4.1.1.481.3": "an RT structure set",
    ]

    /// Reads the headers of every file among `paths` (directories are searched recursively, hidden files skipped)
    /// and groups the images by SeriesInstanceUID.
    public static func scan(_ paths: [String]) throws -> DICOMSeriesScan {
        var notes: [String] = []
        var groups: [String: [DICOMFile]] = [:]
        for path in try files(in: paths) {
            let header: DICOMFile
            do {
                header = try DICOMFile(path: path, headerOnly: true)
            } catch let error as ImageIOError {
                notes.append("skipped \(path): \(error.problem)")
                continue
            }
            if let kind = nonImageSOPClasses[header.sopClassUID ?? ""] {
                notes.append("skipped \(path): \(kind), not an image")
            } else if !header.hasPixelData {
                notes.append("skipped \(path): \(header.modality ?? "DICOM") object without pixel data")
            } else {
                groups[header.dataSet.string(.seriesInstanceUID) ?? "", default: []].append(header)
            }
        }
        let series = groups.keys.sorted().map { uid in
            let headers = groups[uid]!
            let d = headers[0].dataSet
            return DICOMSeries(seriesInstanceUID: uid, modality: d.string(.modality),
                               seriesDescription: d.string(.seriesDescription), seriesNumber: d.string(.seriesNumber),
                               frameOfReferenceUID: d.string(.frameOfReferenceUID), headers: headers)
        }
        return DICOMSeriesScan(series: series, notes: notes, paths: paths)
    }

    /// The series with `uid`, or the only series when `uid` is nil.
    ///
    /// - Throws: when there is no series, when `uid` is absent, or when several series are present and none is
    ///   chosen; the message lists the series.
    public func select(_ uid: String?) throws -> DICOMSeries {
        let place = paths.joined(separator: ", ")
        let listing = series.map(\.summary).joined(separator: "; ")
        if let uid {
            guard let chosen = series.first(where: { $0.seriesInstanceUID == uid || $0.key == uid }) else {
                throw ImageIOError(place, "no series with this UID or key; series present: " + (listing.isEmpty ? "none" : listing))
            }
            return chosen
        }
        switch series.count {
        case 0:
            // One line: a single unreadable file says why; a directory says how many files it skipped and the first reason.
            if paths.count == 1, notes.count == 1, let note = notes.first {
                throw ImageIOError(place, "no DICOM image found: " + note.replacingOccurrences(of: "skipped \(place): ", with: ""))
            }
            throw ImageIOError(place, "no DICOM image found" + (notes.first.map { " (\(notes.count) file(s) skipped; first: \($0))" } ?? ""))
        case 1:
            return series[0]
        default:
            throw ImageIOError(place, "\(series.count) DICOM series found; choose one by its key or SeriesInstanceUID (--series): " + listing)
        }
    }

    /// The regular files among `paths`, directories expanded recursively, in path order.
    private static func files(in paths: [String]) throws -> [String] {
        var result: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ImageIOError(path, "no such file or directory")
            }
            guard isDirectory.boolValue else {
                result.append(path)
                continue
            }
            guard let enumerator = FileManager.default.enumerator(atPath: path) else {
                throw ImageIOError(path, "cannot be listed")
            }
            let root = path.hasSuffix("/") ? path : path + "/"
            var found: [String] = []
            for case let relative as String in enumerator {
                guard !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) else { continue }
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: root + relative, isDirectory: &isFolder), !isFolder.boolValue {
                    found.append(root + relative)
                }
            }
            result += found.sorted()
        }
        return result
    }
}
