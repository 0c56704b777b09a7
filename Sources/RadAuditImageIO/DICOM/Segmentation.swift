/// A DICOM Segmentation (PS3.3 A.51, C.8.20): segments stored as frames, binary (1 bit per pixel, packed) or
/// fractional (8 bits, probability or occupancy up to MaximumFractionalValue), each frame placed in patient
/// space by its Plane Position and Plane Orientation functional groups and tied to a segment by its Segment
/// Identification group.
public struct DICOMSegmentation: Sendable {
    /// A segment: its number and label.
    public struct Segment: Sendable {
        public var number: Int
        public var label: String?
    }

    public var path: String
    public var segments: [Segment]
    public var isFractional: Bool
    public var frameOfReferenceUID: String?
    private var pixels: PixelData
    private var frames: [ImageFrame]
    /// The segment number of each frame (nil when the frame names none).
    private var frameSegments: [Int?]
    private var maximumFractionalValue: Double

    static let sopClassUID = "1.2.840.10008.5.1.4.1.1.66.4"

    /// Fraction of a voxel by which a frame may sit off the image grid.
    static let gridTolerance = 0.1

    public init(path: String) throws {
        try self.init(file: DICOMFile(path: path))
    }

    /// - Throws: when the file is not a segmentation or its pixel data cannot be decoded.
    public init(file: DICOMFile) throws {
        path = file.path
        let d = file.dataSet
        guard file.sopClassUID == Self.sopClassUID || d.string(.modality) == "SEG" else {
            throw ImageIOError(path, "not a DICOM Segmentation (modality \(d.string(.modality) ?? "unknown"))")
        }
        isFractional = d.string(.segmentationType)?.uppercased() == "FRACTIONAL"
        maximumFractionalValue = Double(d.unsignedInteger(.maximumFractionalValue) ?? 255)
        frameOfReferenceUID = d.string(.frameOfReferenceUID)
        segments = d.sequence(.segmentSequence).compactMap { item in
            item.unsignedInteger(.segmentNumber).map { Segment(number: $0, label: item.string(.segmentLabel)) }
        }
        pixels = try PixelData(file: file)
        frames = ImageFrame.frames(of: d, frameCount: pixels.frameCount)
        let perFrame = d.sequence(.perFrameFunctionalGroupsSequence)
        let shared = d.item(.sharedFunctionalGroupsSequence)
        frameSegments = (0..<pixels.frameCount).map { f in
            let groups = f < perFrame.count ? perFrame[f] : nil
            return (groups?.item(.segmentIdentificationSequence) ?? shared?.item(.segmentIdentificationSequence))?
                .unsignedInteger(.referencedSegmentNumber)
        }
    }

    /// The segment numbered `number`, else labelled `label` (ignoring case), else the only segment.
    ///
    /// - Throws: naming the segments present when there is no such segment or several and none is chosen.
    public func segment(number: Int?, label: String?) throws -> Segment {
        let listing = segments.map { "\($0.number)" + ($0.label.map { " \"\($0)\"" } ?? "") }.joined(separator: ", ")
        if let number {
            if let found = segments.first(where: { $0.number == number }) { return found }
            throw ImageIOError(path, "no segment number \(number); segments present: \(listing.isEmpty ? "none" : listing)")
        }
        if let label {
            let matches = segments.filter { $0.label?.lowercased() == label.lowercased() }
            if matches.count == 1 { return matches[0] }
            throw ImageIOError(path, "no segment labelled \"\(label)\"; segments present: \(listing.isEmpty ? "none" : listing)")
        }
        guard segments.count == 1 else {
            throw ImageIOError(path, segments.isEmpty ? "the segmentation lists no segment"
                               : "\(segments.count) segments; choose one by number (--label) or label (--roi): \(listing)")
        }
        return segments[0]
    }

    /// The voxels of a segment on an image grid: frames of the segment are placed on the slices they lie in;
    /// binary pixels are inside when 1, fractional ones when at least half of MaximumFractionalValue.
    ///
    /// - Throws: when the segment is absent, the segmentation belongs to another frame of reference, its frames
    ///   are not aligned with the image grid (no resampling is done), or the segment covers no voxel.
    public func mask(segment number: Int?, label: String?, on geometry: ImageGeometry,
                     frameOfReferenceUID imageFrameOfReference: String?) throws -> LoadedMask {
        let segment = try segment(number: number, label: label)
        var notes: [String] = []
        if let own = frameOfReferenceUID, let image = imageFrameOfReference, own != image {
            throw ImageIOError(path, "the segmentation is in frame of reference \(own) but the image is in \(image): "
                               + "it belongs to another scan")
        }
        if frameOfReferenceUID == nil || imageFrameOfReference == nil {
            notes.append("\(path): frame of reference not recorded for the segmentation or the image; not checked")
        }
        let toIndex = try GridIndexTransform(geometry)
        let size = geometry.size
        let rowAxis = SIMD3(geometry.direction[0], geometry.direction[3], geometry.direction[6])
        let columnAxis = SIMD3(geometry.direction[1], geometry.direction[4], geometry.direction[7])
        let threshold = isFractional ? 0.5 * maximumFractionalValue : 0.5
        var voxels = [Bool](repeating: false, count: size.count)
        var values = [Double](repeating: 0, count: pixels.pixelsPerFrame)
        var clipped = false
        for (frame, segmentNumber) in zip(frames, frameSegments) where segmentNumber == segment.number {
            guard let plane = frame.plane else {
                throw ImageIOError(path, "frame \(frame.frame + 1) has no plane position or orientation")
            }
            guard (plane.rowDirection - rowAxis).largestMagnitude < 1e-4,
                  (plane.columnDirection - columnAxis).largestMagnitude < 1e-4,
                  abs(plane.pixelSpacing.x - geometry.spacing.x) < 1e-4 * geometry.spacing.x,
                  abs(plane.pixelSpacing.y - geometry.spacing.y) < 1e-4 * geometry.spacing.y else {
                throw ImageIOError(path, "frame \(frame.frame + 1) is not on the image grid (other orientation or pixel "
                                   + "spacing); segmentations are not resampled")
            }
            let corner = toIndex.index(of: plane.position)
            let rounded = corner.rounded(.toNearestOrAwayFromZero)
            guard (corner - rounded).largestMagnitude <= Self.gridTolerance else {
                throw ImageIOError(path, "frame \(frame.frame + 1) is offset from the image's voxel centres; "
                                   + "segmentations are not resampled")
            }
            guard rounded.z >= 0, rounded.z < Double(size.z),
                  rounded.x > -Double(pixels.columns), rounded.x < Double(size.x),
                  rounded.y > -Double(pixels.rows), rounded.y < Double(size.y) else {
                notes.append("\(path): frame \(frame.frame + 1) lies outside the image; skipped")
                continue
            }
            let (i0, j0, k) = (Int(rounded.x), Int(rounded.y), Int(rounded.z))
            try values.withUnsafeMutableBufferPointer { try pixels.decode(frame: frame.frame, into: $0, slope: 1, intercept: 0) }
            for r in 0..<pixels.rows {
                for c in 0..<pixels.columns where values[r * pixels.columns + c] >= threshold {
                    let (i, j) = (i0 + c, j0 + r)
                    guard i >= 0, j >= 0, i < size.x, j < size.y else {
                        clipped = true
                        continue
                    }
                    voxels[size.index(i, j, k)] = true
                }
            }
        }
        if clipped { notes.append("\(path): segment \(segment.number) extends beyond the image; clipped") }
        guard voxels.contains(true) else {
            throw ImageIOError(path, "segment \(segment.number) covers no voxel of the image grid")
        }
        return LoadedMask(volume: Volume(geometry: geometry, voxels: voxels), notes: notes)
    }
}
