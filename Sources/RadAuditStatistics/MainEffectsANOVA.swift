/// Analysis of variance of one response on categorical factors, main effects only (no interactions), fitted by
/// least squares with treatment-coded dummy columns (Householder QR).
///
/// ```
/// SS_total = Σ (y − ȳ)²                          RSS = Σ (y − ŷ)²   of the model with every factor
/// SS_f = RSS(model without f) − RSS              type II sum of squares of factor f (df_f = levels_f − 1)
/// share_f = SS_f / SS_total                      F_f = (SS_f / df_f) / (RSS / df_res),  p_f = P(F(df_f, df_res) > F_f)
/// ```
/// With one factor this is the one-way ANOVA (`share` is η²). A factor with one level carries no information and is
/// left out. `F` and `p` are NaN when the model leaves no residual degree of freedom, and so is every `share` when
/// the response does not vary (`SS_total = 0`).
public struct MainEffectsANOVA: Sendable, Equatable {
    public struct Term: Sendable, Equatable {
        public let name: String
        public let levels: Int
        public let degreesOfFreedom: Int
        public let sumOfSquares: Double
        public let share: Double
        public let fStatistic: Double
        public let pValue: Double
    }

    /// Why a model cannot be fitted.
    public enum Problem: Error, Sendable, Equatable {
        /// A factor's columns are linear combinations of the others' (e.g. every scan with kernel B is also the only
        /// scan at 120 kVp): its effect cannot be told apart from theirs.
        case confounded(factor: String)
        /// Fewer observations than parameters.
        case tooFewObservations
    }

    public let terms: [Term]
    public let residualSumOfSquares: Double
    public let residualDegreesOfFreedom: Int
    public let totalSumOfSquares: Double

    /// - Parameters:
    ///   - response: one value per observation (finite).
    ///   - factors: each factor's name and its level for every observation.
    public init(response: [Double], factors: [(name: String, levels: [String])]) throws {
        let n = response.count
        // Pivot-shifted response: sums of squares keep their precision at large offsets.
        let pivot = response.first ?? 0
        let y = response.map { $0 - pivot }
        let mean = y.reduce(0, +) / Double(max(n, 1))
        totalSumOfSquares = y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let used = factors.compactMap { factor -> (name: String, columns: [[Double]], levels: Int)? in
            var order: [String] = []
            var index: [String: Int] = [:]
            for level in factor.levels where index[level] == nil { index[level] = order.count; order.append(level) }
            guard order.count > 1 else { return nil }
            // Treatment coding: one indicator column per level after the first.
            let columns = (1..<order.count).map { l in factor.levels.map { index[$0] == l ? 1.0 : 0.0 } }
            return (factor.name, columns, order.count)
        }
        let parameters = 1 + used.reduce(0) { $0 + $1.columns.count }
        guard n > parameters || (n == parameters && n > 0) else { throw Problem.tooFewObservations }
        func design(without excluded: Int?) -> [[Double]] {
            (0..<n).map { i in
                [1.0] + used.enumerated().filter { $0.offset != excluded }.flatMap { $0.element.columns.map { $0[i] } }
            }
        }
        func residualSS(_ rows: [[Double]]) -> (Double, dependentColumn: Int?) {
            let qr = LinearAlgebra.QR(rows)
            guard qr.firstDependentColumn == nil, let beta = qr.solve(y) else { return (.nan, qr.firstDependentColumn ?? 0) }
            var rss = 0.0
            for (row, value) in zip(rows, y) {
                var fitted = 0.0
                for (x, b) in zip(row, beta) { fitted += x * b }
                rss += (value - fitted) * (value - fitted)
            }
            return (rss, nil)
        }
        let (rss, dependent) = residualSS(design(without: nil))
        if let dependent {
            // Column 0 is the intercept; find the factor that owns the dependent column.
            var column = 1
            for factor in used {
                column += factor.columns.count
                if dependent < column { throw Problem.confounded(factor: factor.name) }
            }
            throw Problem.confounded(factor: used.last?.name ?? "")
        }
        let total = totalSumOfSquares
        residualSumOfSquares = rss
        residualDegreesOfFreedom = n - parameters
        let dfResidual = Double(n - parameters)
        terms = used.enumerated().map { offset, factor in
            let ss = max(0, residualSS(design(without: offset)).0 - rss)
            let df = factor.columns.count
            let f = dfResidual > 0 ? (ss / Double(df)) / (rss / dfResidual) : .nan
            let p = f.isNaN ? Double.nan : FDistribution(d1: Double(df), d2: dfResidual).sf(f)
            return Term(name: factor.name, levels: factor.levels, degreesOfFreedom: df, sumOfSquares: ss,
                        share: total > 0 ? ss / total : .nan, fStatistic: f, pValue: p)
        }
    }
}
