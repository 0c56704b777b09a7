/// Number of voxels along each axis of a 3D grid. Voxels are stored with `x` varying fastest,
/// then `y`, then `z` (the NIfTI / ITK order); `z` is the slice axis used for 2D and 2.5D texture.
public struct GridSize: Hashable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var z: Int

    public init(x: Int, y: Int, z: Int) {
        self.x = x
        self.y = y
        self.z = z
    }

    /// Total number of voxels, `x·y·z`.
    @inlinable public var count: Int { x * y * z }

    /// Linear index of voxel `(i, j, k)`: `i + x·(j + y·k)`.
    @inlinable public func index(_ i: Int, _ j: Int, _ k: Int) -> Int { i + x * (j + y * k) }

    /// Whether `(i, j, k)` lies on the grid.
    @inlinable public func contains(_ i: Int, _ j: Int, _ k: Int) -> Bool {
        i >= 0 && j >= 0 && k >= 0 && i < x && j < y && k < z
    }

    public var description: String { "\(x)×\(y)×\(z)" }
}

/// Where a voxel grid sits in patient space: LPS physical coordinates, as ITK and SimpleITK use.
///
/// The physical position of voxel index `(i, j, k)` is `origin + direction · (spacing ⊙ (i, j, k))`,
/// where the columns of `direction` are the unit vectors of the grid axes.
public struct ImageGeometry: Hashable, Sendable {
    public var size: GridSize
    /// Voxel spacing in millimetres along the grid axes.
    public var spacing: SIMD3<Double>
    /// LPS position (mm) of the centre of voxel (0, 0, 0).
    public var origin: SIMD3<Double>
    /// Direction cosines, row-major 3×3; column `c` is the direction of grid axis `c`.
    public var direction: [Double]

    public static let identityDirection: [Double] = [1, 0, 0, 0, 1, 0, 0, 0, 1]

    public init(size: GridSize, spacing: SIMD3<Double>, origin: SIMD3<Double> = .zero,
                direction: [Double] = ImageGeometry.identityDirection) {
        precondition(direction.count == 9, "direction must be a 3×3 matrix")
        self.size = size
        self.spacing = spacing
        self.origin = origin
        self.direction = direction
    }

    /// LPS position of a (possibly fractional) voxel index.
    public func physicalPoint(_ index: SIMD3<Double>) -> SIMD3<Double> {
        let s = index * spacing
        return origin + SIMD3(direction[0] * s.x + direction[1] * s.y + direction[2] * s.z,
                              direction[3] * s.x + direction[4] * s.y + direction[5] * s.z,
                              direction[6] * s.x + direction[7] * s.y + direction[8] * s.z)
    }

    /// Whether two grids describe the same voxels: equal size, and spacing, origin and direction
    /// equal within `tolerance` (relative to the spacing for positions).
    public func matches(_ other: ImageGeometry, tolerance: Double = 1e-4) -> Bool {
        guard size == other.size else { return false }
        let scale = max(1, spacing.max())
        for a in 0..<3 where abs(spacing[a] - other.spacing[a]) > tolerance * scale { return false }
        for a in 0..<3 where abs(origin[a] - other.origin[a]) > tolerance * scale { return false }
        for a in 0..<9 where abs(direction[a] - other.direction[a]) > tolerance { return false }
        return true
    }
}

/// A scalar 3D image on a voxel grid.
public struct Volume<Voxel: Sendable>: Sendable {
    public var geometry: ImageGeometry
    /// Voxel values in grid order (`x` fastest); `voxels.count == geometry.size.count`.
    public var voxels: [Voxel]

    public init(geometry: ImageGeometry, voxels: [Voxel]) {
        precondition(voxels.count == geometry.size.count, "voxel count does not match the grid")
        self.geometry = geometry
        self.voxels = voxels
    }

    @inlinable public var size: GridSize { geometry.size }

    @inlinable public subscript(i: Int, j: Int, k: Int) -> Voxel {
        get { voxels[geometry.size.index(i, j, k)] }
        set { voxels[geometry.size.index(i, j, k)] = newValue }
    }
}
