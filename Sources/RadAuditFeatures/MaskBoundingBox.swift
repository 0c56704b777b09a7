import RadAuditImageIO

/// The smallest axis-aligned box of grid indices that holds every `true` voxel of a mask.
///
/// Region boxes may be padded by the caller, so features that work on the extent of a mask first
/// shrink to this box.
struct MaskBoundingBox: Hashable, Sendable {
    /// Index of the first voxel inside the box along each axis.
    var lower: SIMD3<Int>
    /// Number of voxels along each axis.
    var size: GridSize

    /// The bounding box of `mask` on a grid of `gridSize`, or `nil` for an empty mask.
    init?(mask: [Bool], gridSize: GridSize) {
        precondition(mask.count == gridSize.count, "mask does not match the grid")
        var lower = SIMD3(Int.max, Int.max, Int.max)
        var upper = SIMD3(Int.min, Int.min, Int.min)
        mask.withUnsafeBufferPointer { inside in
            var index = 0
            for k in 0..<gridSize.z {
                for j in 0..<gridSize.y {
                    for i in 0..<gridSize.x {
                        if inside[index] {
                            lower = pointwiseMin(lower, SIMD3(i, j, k))
                            upper = pointwiseMax(upper, SIMD3(i, j, k))
                        }
                        index += 1
                    }
                }
            }
        }
        guard lower.x <= upper.x else { return nil }
        self.lower = lower
        let extent = upper &- lower &+ 1
        self.size = GridSize(x: extent.x, y: extent.y, z: extent.z)
    }

    /// The voxels of `values` (on a grid of `gridSize`) that lie in the box, in grid order.
    func crop<Element>(_ values: [Element], gridSize: GridSize) -> [Element] {
        precondition(values.count == gridSize.count, "values do not match the grid")
        var cropped: [Element] = []
        cropped.reserveCapacity(size.count)
        for k in lower.z..<(lower.z + size.z) {
            for j in lower.y..<(lower.y + size.y) {
                let row = gridSize.index(lower.x, j, k)
                cropped.append(contentsOf: values[row..<(row + size.x)])
            }
        }
        return cropped
    }
}
