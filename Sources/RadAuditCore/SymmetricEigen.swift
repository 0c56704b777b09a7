/// Eigen-decomposition of a real symmetric matrix by the cyclic Jacobi method (Golub & Van Loan, §8.5): plane
/// rotations annihilate the off-diagonal elements until their norm is negligible. Accurate to working precision
/// for small, dense matrices (a few hundred rows), which is what the site report needs.
public struct SymmetricEigen: Sendable {
    /// Eigenvalues in decreasing order.
    public let values: [Double]
    /// Unit eigenvectors, `vectors[k]` for `values[k]`; the sign makes the largest-magnitude element positive.
    public let vectors: [[Double]]

    /// - Parameter matrix: a symmetric `n × n` matrix as rows (only the upper triangle is read).
    public init(_ matrix: [[Double]], tolerance: Double = 1e-14, maximumSweeps: Int = 100) {
        let n = matrix.count
        precondition(matrix.allSatisfy { $0.count == n }, "a square matrix")
        // Row-major storage; `a` is kept symmetric, `v` accumulates the rotations (eigenvectors in its columns).
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in i..<n { a[i * n + j] = matrix[i][j]; a[j * n + i] = matrix[i][j] } }
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        let scale = a.reduce(0) { $0 + $1 * $1 }.squareRoot()
        a.withUnsafeMutableBufferPointer { a in
            v.withUnsafeMutableBufferPointer { v in
                for _ in 0..<maximumSweeps {
                    var offDiagonal = 0.0
                    for p in 0..<n { for q in (p + 1)..<n { offDiagonal += a[p * n + q] * a[p * n + q] } }
                    guard offDiagonal.squareRoot() > tolerance * max(scale, .leastNormalMagnitude) else { break }
                    for p in 0..<n {
                        for q in (p + 1)..<n where a[p * n + q] != 0 {
                            // Rotation angle from the 2 × 2 symmetric Schur decomposition.
                            let theta = (a[q * n + q] - a[p * n + p]) / (2 * a[p * n + q])
                            let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                            let c = 1 / (t * t + 1).squareRoot(), s = t * c
                            for k in 0..<n {
                                let akp = a[k * n + p], akq = a[k * n + q]
                                a[k * n + p] = c * akp - s * akq
                                a[k * n + q] = s * akp + c * akq
                            }
                            for k in 0..<n {
                                let apk = a[p * n + k], aqk = a[q * n + k]
                                a[p * n + k] = c * apk - s * aqk
                                a[q * n + k] = s * apk + c * aqk
                            }
                            for k in 0..<n {
                                let vkp = v[k * n + p], vkq = v[k * n + q]
                                v[k * n + p] = c * vkp - s * vkq
                                v[k * n + q] = s * vkp + c * vkq
                            }
                        }
                    }
                }
            }
        }
        let diagonal = (0..<n).map { a[$0 * n + $0] }
        let order = (0..<n).sorted { diagonal[$0] > diagonal[$1] || (diagonal[$0] == diagonal[$1] && $0 < $1) }
        values = order.map { diagonal[$0] }
        vectors = order.map { k in
            let column = (0..<n).map { v[$0 * n + k] }
            let largest = column.indices.max { abs(column[$0]) < abs(column[$1]) } ?? 0
            return column[largest] < 0 ? column.map { -$0 } : column
        }
    }
}
