#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The eigenvalues of a real symmetric `n × n` matrix by the cyclic Jacobi method: plane rotations annihilate the
/// off-diagonal elements sweep after sweep until their sum of squares is negligible against the diagonal's.
/// Unordered; `O(n³)` per sweep, a handful of sweeps.
///
/// - Parameter matrix: row-major, `n²` values, symmetric.
func symmetricEigenvalues(_ matrix: [Double], order n: Int) -> [Double] {
    precondition(matrix.count == n * n, "the matrix must hold n² values")
    var a = matrix
    for _ in 0..<100 {
        var offDiagonal = 0.0, diagonal = 0.0
        for i in 0..<n {
            diagonal += a[i * n + i] * a[i * n + i]
            for j in (i + 1)..<max(i + 1, n) { offDiagonal += a[i * n + j] * a[i * n + j] }
        }
        if offDiagonal <= 1e-30 * max(diagonal, .leastNormalMagnitude) { break }
        for p in 0..<n {
            for q in (p + 1)..<max(p + 1, n) where a[p * n + q] != 0 {
                // The rotation (c, s) that zeroes a_pq (Golub & Van Loan, algorithm 8.4.1).
                let theta = (a[q * n + q] - a[p * n + p]) / (2 * a[p * n + q])
                let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
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
            }
        }
    }
    return (0..<n).map { a[$0 * n + $0] }
}
