/// The volume grid of a series' frames: frames ordered by their ImagePositionPatient projected on the slice normal
/// (never by InstanceNumber), with one orientation, one pixel spacing and equal slice spacing checked.
///
/// The grid's origin is the first pixel of the first slice, its axes the row direction, the column direction and
/// the slice normal (row × column), all in DICOM's LPS patient coordinates; its slice spacing is the mean distance
/// between consecutive slices. Frames without position and orientation (secondary captures, anonymised
/// multi-frames) are stacked in InstanceNumber order on an identity grid, with a note.
struct SliceStack {
    /// One frame of the series, `label` naming it (file and frame) in messages.
    struct Slice {
        var plane: ImagePlane?
        var pixelSpacing: [Double]
        var sliceSpacing: Double?
        var instanceNumber: Int
        var label: String
    }

    var geometry: ImageGeometry
    /// Indices into the input slices, by increasing position along the normal.
    var order: [Int]
    var notes: [String] = []

    /// Relative tolerance on slice gaps (a fraction of the slice spacing).
    static let spacingTolerance = 0.01
    /// Largest in-plane displacement between slices (a fraction of the pixel spacing).
    static let inPlaneTolerance = 0.05

    init(_ slices: [Slice], columns: Int, rows: Int, path: String) throws {
        precondition(!slices.isEmpty)
        let size = GridSize(x: columns, y: rows, z: slices.count)
        let planes = slices.compactMap(\.plane)
        if planes.isEmpty {
            order = slices.indices.sorted { (slices[$0].instanceNumber, $0) < (slices[$1].instanceNumber, $1) }
            let spacing = slices[0].pixelSpacing.count == 2 && slices[0].pixelSpacing.allSatisfy({ $0.isFinite && $0 > 0 })
                ? SIMD2(slices[0].pixelSpacing[1], slices[0].pixelSpacing[0]) : SIMD2(1, 1)
            let z = slices[0].sliceSpacing.flatMap { $0.isFinite && $0 > 0 ? $0 : nil } ?? 1
            geometry = ImageGeometry(size: size, spacing: SIMD3(spacing.x, spacing.y, z))
            notes.append("\(path): no ImagePositionPatient/ImageOrientationPatient; frames stacked by InstanceNumber "
                            + "on an identity grid with spacing \(spacing.x)×\(spacing.y)×\(z) mm")
            return
        }
        guard planes.count == slices.count else {
            let missing = slices.first { $0.plane == nil }!
            throw ImageIOError(path, "\(missing.label) has no valid ImagePositionPatient/ImageOrientationPatient/"
                               + "PixelSpacing while other images of the series have them")
        }
        let reference = planes[0]
        if let odd = slices.first(where: { !$0.plane!.isParallel(to: reference) }) {
            throw ImageIOError(path, "inconsistent series: \(odd.label) has another orientation or pixel spacing than "
                               + "\(slices[0].label)")
        }
        let normal = reference.normal
        let along = planes.map { $0.position.dotProduct(normal) }
        order = slices.indices.sorted { (along[$0], $0) < (along[$1], $1) }
        var sliceSpacing = slices[0].sliceSpacing.flatMap { $0.isFinite && $0 > 0 ? $0 : nil } ?? 1
        if slices.count > 1 {
            sliceSpacing = try Self.checkedSpacing(order.map { along[$0] }, labels: order.map { slices[$0].label }, path: path)
            let first = planes[order[0]].position
            let inPlaneTolerance = Self.inPlaneTolerance * reference.pixelSpacing.min()
            for index in order {
                let offset = planes[index].position - first
                let inPlane = offset - offset.dotProduct(normal) * normal
                guard inPlane.largestMagnitude <= inPlaneTolerance else {
                    throw ImageIOError(path, "\(slices[index].label) is displaced within its plane from the slice stack "
                                       + "(gantry tilt or mixed positions): sheared series are not supported")
                }
            }
        }
        let r = reference.rowDirection, c = reference.columnDirection
        geometry = ImageGeometry(size: size, spacing: SIMD3(reference.pixelSpacing.x, reference.pixelSpacing.y, sliceSpacing),
                                 origin: planes[order[0]].position,
                                 direction: [r.x, c.x, normal.x, r.y, c.y, normal.y, r.z, c.z, normal.z])
    }

    /// The mean slice spacing of sorted positions, after checking that consecutive gaps are equal.
    private static func checkedSpacing(_ positions: [Double], labels: [String], path: String) throws -> Double {
        let gaps = zip(positions.dropFirst(), positions).map { $0 - $1 }
        let typical = gaps.sorted()[gaps.count / 2]
        let tolerance = max(1e-4, spacingTolerance * typical)
        for (k, gap) in gaps.enumerated() where gap <= tolerance {
            throw ImageIOError(path, "\(labels[k]) and \(labels[k + 1]) lie at the same position "
                               + "(\(format(positions[k])) mm along the slice normal): the series holds several volumes "
                               + "(time points, echoes or duplicates), which is not supported")
        }
        for (k, gap) in gaps.enumerated() where abs(gap - typical) > tolerance {
            let multiple = (gap / typical).rounded()
            if multiple >= 2, multiple < 1e6, abs(gap - multiple * typical) <= tolerance * multiple {
                throw ImageIOError(path, "missing slice: \(Int(multiple) - 1) slice(s) absent between \(labels[k]) and "
                                   + "\(labels[k + 1]) (gap \(format(gap)) mm, slice spacing \(format(typical)) mm)")
            }
            throw ImageIOError(path, "unequal slice spacing: \(format(gap)) mm between \(labels[k]) and \(labels[k + 1]), "
                               + "\(format(typical)) mm elsewhere")
        }
        return (positions[positions.count - 1] - positions[0]) / Double(positions.count - 1)
    }

    private static func format(_ value: Double) -> String {
        String((value * 1000).rounded() / 1000)
    }
}
