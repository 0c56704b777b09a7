/// Voxel offsets used to build texture matrices.
public enum Neighbourhood {
    /// The 13 unique directions of the 26-connected 3D neighbourhood (one of each opposite pair),
    /// in a fixed order. The first four lie in the axial plane (`dz == 0`) and are the 2D directions.
    public static let directions3D: [SIMD3<Int>] = [
        SIMD3(1, 0, 0), SIMD3(1, 1, 0), SIMD3(0, 1, 0), SIMD3(-1, 1, 0),
        SIMD3(0, 0, 1), SIMD3(1, 0, 1), SIMD3(1, 1, 1), SIMD3(0, 1, 1), SIMD3(-1, 1, 1),
        SIMD3(-1, 0, 1), SIMD3(-1, -1, 1), SIMD3(0, -1, 1), SIMD3(1, -1, 1),
    ]

    /// The 4 unique in-plane directions of the 8-connected 2D neighbourhood.
    public static let directions2D: [SIMD3<Int>] = Array(directions3D.prefix(4))

    /// All 26 neighbours at Chebyshev distance 1 in 3D.
    public static let neighbours3D: [SIMD3<Int>] = directions3D + directions3D.map { SIMD3(0, 0, 0) &- $0 }

    /// All 8 neighbours at Chebyshev distance 1 in the axial plane.
    public static let neighbours2D: [SIMD3<Int>] = directions2D + directions2D.map { SIMD3(0, 0, 0) &- $0 }
}
