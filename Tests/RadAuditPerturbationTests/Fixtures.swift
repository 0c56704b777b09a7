import RadAuditImageIO

/// Small synthetic volumes and brute-force references for the perturbation tests.
enum Fixture {
    static func geometry(_ x: Int, _ y: Int, _ z: Int, spacing: SIMD3<Double> = SIMD3(1, 1, 1)) -> ImageGeometry {
        ImageGeometry(size: GridSize(x: x, y: y, z: z), spacing: spacing)
    }

    /// Voxels whose centre lies within `radius` mm of `centre` (mm, from the centre of voxel 0).
    static func sphere(_ geometry: ImageGeometry, centre: SIMD3<Double>, radius: Double) -> Volume<Bool> {
        mask(geometry) { p in
            let d = p * geometry.spacing - centre
            return (d * d).sum() <= radius * radius
        }
    }

    static func mask(_ geometry: ImageGeometry, _ inside: (SIMD3<Double>) -> Bool) -> Volume<Bool> {
        let size = geometry.size
        var voxels: [Bool] = []
        for k in 0..<size.z { for j in 0..<size.y { for i in 0..<size.x { voxels.append(inside(SIMD3(Double(i), Double(j), Double(k)))) } } }
        return Volume(geometry: geometry, voxels: voxels)
    }

    static func image(_ geometry: ImageGeometry, _ value: (SIMD3<Double>) -> Double) -> Volume<Double> {
        let size = geometry.size
        var voxels: [Double] = []
        for k in 0..<size.z { for j in 0..<size.y { for i in 0..<size.x { voxels.append(value(SIMD3(Double(i), Double(j), Double(k)))) } } }
        return Volume(geometry: geometry, voxels: voxels)
    }

    static func count(_ mask: Volume<Bool>) -> Int { mask.voxels.reduce(0) { $1 ? $0 + 1 : $0 } }

    /// Whether a voxel centre of the grid with `mask == target` lies within `radius` mm of the centre of voxel `p`,
    /// by trying every voxel of the box that can hold one.
    static func hasVoxel(_ mask: Volume<Bool>, equalTo target: Bool, within radius: Double, of p: SIMD3<Int>) -> Bool {
        let s = mask.geometry.spacing
        let reach = SIMD3<Int>((0..<3).map { Int((radius / s[$0]).rounded(.up)) })
        for k in (p.z - reach.z)...(p.z + reach.z) { for j in (p.y - reach.y)...(p.y + reach.y) { for i in (p.x - reach.x)...(p.x + reach.x) {
            guard mask.size.contains(i, j, k), mask[i, j, k] == target else { continue }
            let d = SIMD3<Double>(SIMD3(i, j, k) &- p) * s
            if (d * d).sum() <= radius * radius * (1 + 1e-9) { return true }
        } } }
        return false
    }

    /// The squared distance (mm²) from voxel `p` to the nearest voxel with `mask == target` on the grid, by trying
    /// every voxel.
    static func squaredDistance(_ mask: Volume<Bool>, to target: Bool, from p: SIMD3<Int>) -> Double {
        let size = mask.size
        let s = mask.geometry.spacing
        var best = Double.infinity
        for k in 0..<size.z { for j in 0..<size.y { for i in 0..<size.x where mask[i, j, k] == target {
            let d = SIMD3<Double>(SIMD3(i, j, k) &- p) * s
            best = min(best, (d * d).sum())
        } } }
        return best
    }
}
