/// Maps LPS points (mm) to continuous voxel indices of a grid: the inverse of
/// `point = origin + direction · (spacing ⊙ index)`.
public struct GridIndexTransform: Sendable {
    let origin: SIMD3<Double>
    /// The inverse of `direction · diag(spacing)`, row-major.
    let inverse: [Double]

    /// - Throws: when the grid is degenerate (zero or non-finite spacing, singular direction).
    public init(_ geometry: ImageGeometry) throws {
        let d = geometry.direction, s = geometry.spacing
        let m = [d[0] * s.x, d[1] * s.y, d[2] * s.z, d[3] * s.x, d[4] * s.y, d[5] * s.z, d[6] * s.x, d[7] * s.y, d[8] * s.z]
        let cofactors = [m[4] * m[8] - m[5] * m[7], m[2] * m[7] - m[1] * m[8], m[1] * m[5] - m[2] * m[4],
                         m[5] * m[6] - m[3] * m[8], m[0] * m[8] - m[2] * m[6], m[2] * m[3] - m[0] * m[5],
                         m[3] * m[7] - m[4] * m[6], m[1] * m[6] - m[0] * m[7], m[0] * m[4] - m[1] * m[3]]
        let determinant = m[0] * cofactors[0] + m[1] * cofactors[3] + m[2] * cofactors[6]
        guard determinant.isFinite, abs(determinant) > 1e-12 else {
            throw ImageIOError("", "the image grid is degenerate (zero spacing or singular direction)")
        }
        origin = geometry.origin
        inverse = cofactors.map { $0 / determinant }
    }

    /// Continuous voxel index of an LPS point.
    public func index(of point: SIMD3<Double>) -> SIMD3<Double> {
        let d = point - origin
        let m = inverse
        return SIMD3(m[0] * d.x + m[1] * d.y + m[2] * d.z, m[3] * d.x + m[4] * d.y + m[5] * d.z,
                     m[6] * d.x + m[7] * d.y + m[8] * d.z)
    }
}
