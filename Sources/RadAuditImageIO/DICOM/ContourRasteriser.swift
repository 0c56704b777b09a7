/// Turns closed planar contours (LPS points, millimetres) into voxels of an image grid.
///
/// Each contour is matched to the slice whose centre plane it lies in, within `sliceTolerance` of the slice
/// spacing, and filled by the even–odd rule on voxel centres: a voxel centre is inside when a ray from it crosses
/// the polygon an odd number of times (centres on a left edge count as inside, on a right edge as outside).
/// Contours of one slice combine by the same rule (each toggles the voxels it encloses), so an inner contour cuts
/// a hole and separate contours add up. Filling walks the rows with sorted edge crossings: O(edges · log edges +
/// voxels filled) per contour.
struct ContourRasteriser {
    let geometry: ImageGeometry
    private(set) var mask: [Bool]
    private(set) var notes: [String] = []
    private let toIndex: GridIndexTransform

    /// Largest distance of a contour from a slice centre, and of its points from their mean plane, as a fraction
    /// of the slice spacing.
    static let sliceTolerance = 0.1

    init(geometry: ImageGeometry) throws {
        self.geometry = geometry
        mask = [Bool](repeating: false, count: geometry.size.count)
        toIndex = try GridIndexTransform(geometry)
    }

    /// Fills one closed planar contour; `label` names it in notes about skipped or clipped contours.
    mutating func fill(_ points: [SIMD3<Double>], label: String) {
        let size = geometry.size
        guard points.count >= 3 else {
            notes.append("\(label): fewer than 3 points; skipped")
            return
        }
        let vertices = points.map(toIndex.index(of:))
        guard vertices.allSatisfy({ $0.x.isFinite && $0.y.isFinite && $0.z.isFinite }) else {
            notes.append("\(label): non-numeric coordinates; skipped")
            return
        }
        let meanZ = vertices.reduce(0) { $0 + $1.z } / Double(vertices.count)
        guard vertices.allSatisfy({ abs($0.z - meanZ) <= Self.sliceTolerance }) else {
            notes.append("\(label): not parallel to the image slices; skipped")
            return
        }
        let slice = meanZ.rounded()
        guard slice >= 0, slice < Double(size.z) else {
            notes.append("\(label): outside the image's slices; skipped")
            return
        }
        guard abs(meanZ - slice) <= Self.sliceTolerance else {
            let below = Int(meanZ.rounded(.down))
            notes.append("\(label): lies between slices \(below) and \(below + 1) "
                         + "(\(Int((abs(meanZ - slice) * 100).rounded()))% of the slice spacing off); skipped")
            return
        }
        let limitX = Double(size.x) - 0.5, limitY = Double(size.y) - 0.5
        if vertices.contains(where: { $0.x < -0.5 || $0.y < -0.5 || $0.x > limitX || $0.y > limitY }) {
            notes.append("\(label): partly outside the image; clipped")
        }
        // Crossings of each edge with the rows y = j, half-open in y so that a vertex on a row counts once.
        var crossings: [(row: Int, x: Double)] = []
        var previous = vertices[vertices.count - 1]
        for vertex in vertices {
            let (a, b) = (previous, vertex)
            previous = vertex
            let low = min(a.y, b.y), high = max(a.y, b.y)
            let first = Int(max(0, min(Double(size.y), low.rounded(.up))))
            let last = Int(max(-1, min(Double(size.y) - 1, high.rounded(.up) - 1)))
            guard first <= last else { continue }
            let slope = (b.x - a.x) / (b.y - a.y)
            for row in first...last { crossings.append((row, a.x + (Double(row) - a.y) * slope)) }
        }
        crossings.sort { ($0.row, $0.x) < ($1.row, $1.x) }
        let sliceStart = Int(slice) * size.x * size.y
        mask.withUnsafeMutableBufferPointer { voxels in
            var c = 0
            while c + 1 < crossings.count {
                let (row, left) = crossings[c], (nextRow, right) = crossings[c + 1]
                guard row == nextRow else {
                    c += 1
                    continue
                }
                // Voxel centres i with left ≤ i < right.
                let start = Int(max(0, min(Double(size.x), left.rounded(.up))))
                let end = Int(max(0, min(Double(size.x), right.rounded(.up))))
                let rowStart = sliceStart + row * size.x
                for i in start..<max(start, end) { voxels[rowStart + i].toggle() }
                c += 2
            }
        }
    }
}
