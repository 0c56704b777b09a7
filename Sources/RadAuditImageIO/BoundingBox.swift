/// Half-open voxel index ranges along x, y and z.
public struct BoundingBox: Hashable, Sendable {
    public var lower: SIMD3<Int>
    /// Exclusive upper index.
    public var upper: SIMD3<Int>

    public init(lower: SIMD3<Int>, upper: SIMD3<Int>) {
        self.lower = lower
        self.upper = upper
    }

    /// Every voxel of a grid of `size`.
    public init(covering size: GridSize) {
        self.init(lower: .zero, upper: SIMD3(size.x, size.y, size.z))
    }

    public var size: GridSize { GridSize(x: upper.x - lower.x, y: upper.y - lower.y, z: upper.z - lower.z) }

    /// The smallest box holding every `true` voxel of `mask`, or `nil` when the mask is empty.
    public init?(of mask: [Bool], size: GridSize) {
        var lo = SIMD3(Int.max, Int.max, Int.max), hi = SIMD3(-1, -1, -1)
        mask.withUnsafeBufferPointer { m in
            var index = 0
            for k in 0..<size.z {
                for j in 0..<size.y {
                    for i in 0..<size.x {
                        if m[index] {
                            lo = pointwiseMin(lo, SIMD3(i, j, k))
                            hi = pointwiseMax(hi, SIMD3(i, j, k))
                        }
                        index &+= 1
                    }
                }
            }
        }
        guard hi.x >= 0 else { return nil }
        self.init(lower: lo, upper: hi &+ 1)
    }

    /// The values of a grid of `size` (in grid order) that lie in the box, in grid order.
    public func crop<Element>(_ values: [Element], in size: GridSize) -> [Element] {
        precondition(values.count == size.count, "values do not match the grid")
        let target = self.size
        var cropped: [Element] = []
        cropped.reserveCapacity(target.count)
        for k in lower.z..<upper.z {
            for j in lower.y..<upper.y {
                let start = size.index(lower.x, j, k)
                cropped.append(contentsOf: values[start..<start + target.x])
            }
        }
        return cropped
    }

    /// The smallest box holding both boxes.
    public func union(_ other: BoundingBox) -> BoundingBox {
        BoundingBox(lower: pointwiseMin(lower, other.lower), upper: pointwiseMax(upper, other.upper))
    }

    /// Whether every voxel of `other` lies in this box.
    public func contains(_ other: BoundingBox) -> Bool {
        all(other.lower .>= lower) && all(other.upper .<= upper)
    }

    /// The box grown by `margin` voxels on every side, clipped to a grid of `size`.
    public func expanded(by margin: SIMD3<Int>, within size: GridSize) -> BoundingBox {
        BoundingBox(lower: pointwiseMax(lower &- margin, .zero),
                    upper: pointwiseMin(upper &+ margin, SIMD3(size.x, size.y, size.z)))
    }
}

public extension ImageGeometry {
    /// The part of this grid inside `box`: its size, with the origin moved to the box's first voxel.
    func cropped(to box: BoundingBox) -> ImageGeometry {
        var part = self
        part.size = box.size
        part.origin = physicalPoint(SIMD3(Double(box.lower.x), Double(box.lower.y), Double(box.lower.z)))
        return part
    }
}

public extension Volume {
    /// The sub-volume inside `box`, with the origin moved to the box's first voxel.
    func cropped(to box: BoundingBox) -> Volume {
        Volume(geometry: geometry.cropped(to: box), voxels: box.crop(voxels, in: geometry.size))
    }
}
