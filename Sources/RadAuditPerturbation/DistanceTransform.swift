import RadAuditImageIO
import RadAuditPreprocessing

/// Exact squared Euclidean distance transform on an anisotropic voxel grid, in linear time: the lower envelope of
/// parabolas of Felzenszwalb & Huttenlocher (Theory of Computing 2012;8:415), applied along x, then y, then z with
/// each axis's spacing.
enum DistanceTransform {
    /// For every voxel, the squared distance (mm²) from its centre to the centre of the nearest voxel where
    /// `isFeature` is `true`; `+∞` when there is no feature voxel.
    static func squaredDistances(to isFeature: [Bool], size: GridSize, spacing: SIMD3<Double>) -> [Double] {
        precondition(isFeature.count == size.count)
        var distances = isFeature.map { $0 ? 0.0 : Double.infinity }
        let lengths = [size.x, size.y, size.z]
        var line = [Double](repeating: 0, count: lengths.max()!)
        var envelope = LowerEnvelope(capacity: lengths.max()!)
        distances.withUnsafeMutableBufferPointer { d in
            line.withUnsafeMutableBufferPointer { line in
                for axis in 0..<3 {
                    let n = lengths[axis]
                    let stride = axis == 0 ? 1 : axis == 1 ? size.x : size.x * size.y
                    let lineCount = size.count / n
                    for lineIndex in 0..<lineCount {
                        let base: Int
                        switch axis {
                        case 0: base = lineIndex &* n
                        case 1: base = (lineIndex % size.x) &+ (lineIndex / size.x) &* size.x &* size.y
                        default: base = lineIndex
                        }
                        for t in 0..<n { line[t] = d[base &+ t &* stride] }
                        envelope.transform(line, count: n, spacing: spacing[axis])
                        for t in 0..<n { d[base &+ t &* stride] = line[t] }
                    }
                }
            }
        }
        return distances
    }
}

/// The 1D step: `g(q) = min_p ((q − p)·s)² + f(p)`, computed in place from the lower envelope of the parabolas
/// rooted at the finite samples of `f`.
private struct LowerEnvelope {
    /// Sample index of each parabola of the envelope.
    private var roots: [Int]
    /// `f` at each root, kept because `f` is overwritten while the envelope is read.
    private var rootValues: [Double]
    /// Position (mm) where parabola `k` starts to be the lowest; `boundaries[k + 1]` is where it stops.
    private var boundaries: [Double]

    init(capacity: Int) {
        roots = [Int](repeating: 0, count: capacity)
        rootValues = [Double](repeating: 0, count: capacity)
        boundaries = [Double](repeating: 0, count: capacity + 1)
    }

    mutating func transform(_ f: UnsafeMutableBufferPointer<Double>, count n: Int, spacing s: Double) {
        roots.withUnsafeMutableBufferPointer { v in
            rootValues.withUnsafeMutableBufferPointer { h in
                boundaries.withUnsafeMutableBufferPointer { z in
                    var top = -1
                    for q in 0..<n where f[q].isFinite {
                        let xq = s * Double(q)
                        let heightQ = f[q] + xq * xq
                        var boundary = -Double.infinity
                        while top >= 0 {
                            let xp = s * Double(v[top])
                            boundary = (heightQ - (h[top] + xp * xp)) / (2 * (xq - xp))
                            guard boundary <= z[top] else { break }
                            top -= 1
                            boundary = -.infinity
                        }
                        top += 1
                        v[top] = q
                        h[top] = f[q]
                        z[top] = boundary
                    }
                    guard top >= 0 else { return }
                    z[top + 1] = .infinity
                    var k = 0
                    for q in 0..<n {
                        let x = s * Double(q)
                        while z[k + 1] < x { k += 1 }
                        let dx = x - s * Double(v[k])
                        f[q] = dx * dx + h[k]
                    }
                }
            }
        }
    }
}
