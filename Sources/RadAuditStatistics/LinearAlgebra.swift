/// Small dense linear algebra: least squares by Householder QR (Golub & Van Loan, §5.2).
enum LinearAlgebra {
    /// The Householder QR factorisation of an `m × n` matrix (`m ≥ n`), kept in compact form.
    struct QR {
        let rowCount: Int
        let columnCount: Int
        /// Column-major: R above the diagonal, Householder vectors below (with `diagonal` holding R_jj).
        private var columns: [[Double]]
        private var diagonal: [Double]
        /// The first column that is (numerically) a linear combination of the columns before it, if any.
        let firstDependentColumn: Int?

        /// - Parameter rows: the matrix as rows of equal length.
        init(_ rows: [[Double]], tolerance: Double = 1e-10) {
            rowCount = rows.count
            columnCount = rows.first?.count ?? 0
            columns = (0..<columnCount).map { j in rows.map { $0[j] } }
            diagonal = Array(repeating: 0, count: columnCount)
            var dependent: Int?
            for j in 0..<columnCount {
                let originalNorm = Self.norm(columns[j][...])
                guard j < rowCount else {
                    if dependent == nil { dependent = j }
                    continue
                }
                let norm = Self.norm(columns[j][j...])
                if norm <= tolerance * max(originalNorm, .leastNormalMagnitude) && dependent == nil { dependent = j }
                guard norm > 0 else { diagonal[j] = 0; continue }
                let alpha = columns[j][j] > 0 ? -norm : norm
                // v = x − αe₁ stored in place; H = I − 2vvᵀ/(vᵀv).
                columns[j][j] -= alpha
                let vv = columns[j][j...].reduce(0) { $0 + $1 * $1 }
                for l in (j + 1)..<columnCount {
                    var dot = 0.0
                    for i in j..<rowCount { dot += columns[j][i] * columns[l][i] }
                    let scale = 2 * dot / vv
                    for i in j..<rowCount { columns[l][i] -= scale * columns[j][i] }
                }
                diagonal[j] = alpha
            }
            firstDependentColumn = dependent
        }

        private static func norm(_ values: ArraySlice<Double>) -> Double {
            let largest = values.reduce(0) { max($0, abs($1)) }
            guard largest > 0 else { return 0 }
            return largest * values.reduce(0) { $0 + ($1 / largest) * ($1 / largest) }.squareRoot()
        }

        /// The least-squares solution of `A x ≈ b`; nil when `A` is rank deficient.
        func solve(_ b: [Double]) -> [Double]? {
            guard firstDependentColumn == nil, b.count == rowCount else { return nil }
            var y = b
            for j in 0..<columnCount {
                let v = columns[j]
                let vv = v[j...].reduce(0) { $0 + $1 * $1 }
                guard vv > 0 else { continue }
                var dot = 0.0
                for i in j..<rowCount { dot += v[i] * y[i] }
                let scale = 2 * dot / vv
                for i in j..<rowCount { y[i] -= scale * v[i] }
            }
            var x = Array(repeating: 0.0, count: columnCount)
            for j in stride(from: columnCount - 1, through: 0, by: -1) {
                var sum = y[j]
                for l in (j + 1)..<columnCount { sum -= columns[l][j] * x[l] }
                x[j] = sum / diagonal[j]
            }
            return x
        }
    }

    /// The least-squares solution of `A x ≈ b` (rows of `A`); nil when `A` is rank deficient.
    static func leastSquares(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        QR(a).solve(b)
    }
}
