/// Where one frame lies in the patient coordinate system (LPS, millimetres; PS3.3 C.7.6.2).
struct ImagePlane: Sendable {
    /// Centre of the first transmitted pixel (ImagePositionPatient).
    var position: SIMD3<Double>
    /// Direction of increasing column index (first triplet of ImageOrientationPatient).
    var rowDirection: SIMD3<Double>
    /// Direction of increasing row index (second triplet of ImageOrientationPatient).
    var columnDirection: SIMD3<Double>
    /// Distance between the centres of adjacent columns (x) and adjacent rows (y); PixelSpacing lists them as
    /// row spacing, then column spacing.
    var pixelSpacing: SIMD2<Double>

    var normal: SIMD3<Double> { rowDirection.crossProduct(columnDirection) }

    /// The plane from ImagePositionPatient, ImageOrientationPatient and PixelSpacing; nil when one is missing,
    /// non-finite, or the orientation is not two orthogonal unit vectors.
    init?(position: [Double], orientation: [Double], spacing: [Double]) {
        guard position.count == 3, orientation.count == 6, spacing.count == 2,
              (position + orientation + spacing).allSatisfy(\.isFinite), spacing.allSatisfy({ $0 > 0 }) else { return nil }
        let row = SIMD3(orientation[0], orientation[1], orientation[2])
        let column = SIMD3(orientation[3], orientation[4], orientation[5])
        guard abs(row.euclideanNorm - 1) < 1e-3, abs(column.euclideanNorm - 1) < 1e-3, abs(row.dotProduct(column)) < 1e-3 else {
            return nil
        }
        self.position = SIMD3(position[0], position[1], position[2])
        rowDirection = row / row.euclideanNorm
        columnDirection = column / column.euclideanNorm
        pixelSpacing = SIMD2(spacing[1], spacing[0])
    }

    /// Whether another plane has the same orientation and pixel spacing (within `tolerance`).
    func isParallel(to other: ImagePlane, tolerance: Double = 1e-4) -> Bool {
        let orientation = max((rowDirection - other.rowDirection).largestMagnitude,
                              (columnDirection - other.columnDirection).largestMagnitude)
        let spacing = max(abs(pixelSpacing.x - other.pixelSpacing.x), abs(pixelSpacing.y - other.pixelSpacing.y))
            / max(pixelSpacing.max(), 1)
        return orientation <= tolerance && spacing <= tolerance
    }
}

/// One frame of a DICOM image file: its plane (when the file describes it) and its rescale to real-world units.
struct ImageFrame: Sendable {
    var frame: Int
    var plane: ImagePlane?
    var slope: Double
    var intercept: Double
    /// The nominal slice thickness or spacing, for a lone frame's third dimension.
    var sliceSpacing: Double?

    /// The frames of an image with `frameCount` frames: from the per-frame and shared functional groups of
    /// enhanced multi-frame images (PS3.3 C.7.6.16), else from the top-level attributes, multi-frame images without
    /// functional groups being stacked along the normal at SpacingBetweenSlices (or SliceThickness).
    static func frames(of d: DICOMDataSet, frameCount: Int) -> [ImageFrame] {
        let perFrame = d.sequence(.perFrameFunctionalGroupsSequence)
        let shared = d.item(.sharedFunctionalGroupsSequence)
        if perFrame.count == frameCount, frameCount > 0 {
            return perFrame.enumerated().map { index, groups in
                /// The attribute from the frame's functional group, else the shared one, else the top level.
                func values(_ sequence: DICOMTag, _ tag: DICOMTag) -> [Double] {
                    for source in [groups.item(sequence), shared?.item(sequence)] {
                        if let numbers = source?.numbers(tag), !numbers.isEmpty { return numbers }
                    }
                    return d.numbers(tag)
                }
                let plane = ImagePlane(position: values(.planePositionSequence, .imagePositionPatient),
                                       orientation: values(.planeOrientationSequence, .imageOrientationPatient),
                                       spacing: values(.pixelMeasuresSequence, .pixelSpacing))
                return ImageFrame(frame: index, plane: plane,
                                  slope: values(.pixelValueTransformationSequence, .rescaleSlope).first ?? 1,
                                  intercept: values(.pixelValueTransformationSequence, .rescaleIntercept).first ?? 0,
                                  sliceSpacing: values(.pixelMeasuresSequence, .spacingBetweenSlices).first
                                      ?? values(.pixelMeasuresSequence, .sliceThickness).first)
            }
        }
        let plane = ImagePlane(position: d.numbers(.imagePositionPatient), orientation: d.numbers(.imageOrientationPatient),
                               spacing: d.numbers(.pixelSpacing))
        let spacing = d.number(.spacingBetweenSlices) ?? d.number(.sliceThickness)
        return (0..<frameCount).map { index in
            var framePlane = plane
            if index > 0, let spacing, spacing.isFinite { framePlane?.position += Double(index) * spacing * (plane?.normal ?? .zero) }
            return ImageFrame(frame: index, plane: framePlane, slope: d.number(.rescaleSlope) ?? 1,
                              intercept: d.number(.rescaleIntercept) ?? 0, sliceSpacing: spacing)
        }
    }
}

public extension SIMD3 where Scalar == Double {
    /// Dot product `self · other`.
    func dotProduct(_ other: SIMD3<Double>) -> Double { (self * other).sum() }

    /// Cross product `self × other`.
    func crossProduct(_ other: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(y * other.z - z * other.y, z * other.x - x * other.z, x * other.y - y * other.x)
    }

    /// Euclidean length.
    var euclideanNorm: Double { dotProduct(self).squareRoot() }

    var largestMagnitude: Double { Swift.max(abs(x), abs(y), abs(z)) }
}
