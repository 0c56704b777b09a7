/// One feature after step 1 of ComBat: OLS coefficients, `α̂`, `σ̂²` and the standardised values z.
struct StandardizedFeature {
    let coefficients: [Double]
    let standardizedMean: Double
    let pooledVariance: Double
    /// z per sample (NaN where the value is missing).
    let z: [Double]

    static func make(
        _ values: [Double], design: [[Double]], batchIndex: [Int], batchSizes: [Int], levels: [String], reference: Int?
    ) -> Swift.Result<StandardizedFeature, ComBatError> {
        let batchCount = levels.count
        let finite = values.indices.filter { values[$0].isFinite }
        for b in 0..<batchCount {
            let batchValues = finite.filter { batchIndex[$0] == b }.map { values[$0] }
            if batchValues.isEmpty { return .failure(ComBatError("no values in batch '\(levels[b])'")) }
            if batchValues.count > 1 && batchValues.allSatisfy({ $0 == batchValues[0] }) {
                return .failure(ComBatError("constant within batch '\(levels[b])'"))
            }
        }
        guard let coefficients = LinearAlgebra.leastSquares(finite.map { design[$0] }, finite.map { values[$0] }) else {
            return .failure(ComBatError("singular design on its non-missing samples"))
        }
        let standardizedMean = reference.map { coefficients[$0] }
            ?? (0..<batchCount).reduce(0) { $0 + Double(batchSizes[$1]) / Double(batchIndex.count) * coefficients[$1] }
        let fitted = design.map { row in zip(row, coefficients).reduce(0) { $0 + $1.0 * $1.1 } }
        let pooledSamples = finite.filter { reference == nil || batchIndex[$0] == reference }
        let pooledVariance = pooledSamples.reduce(0) { $0 + (values[$1] - fitted[$1]) * (values[$1] - fitted[$1]) }
            / Double(pooledSamples.count)
        guard pooledVariance > 0 else { return .failure(ComBatError("zero residual variance")) }
        let sigma = pooledVariance.squareRoot()
        let covariateMeans = design.map { row in
            zip(row, coefficients).dropFirst(batchCount).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let z = values.indices.map { (values[$0] - standardizedMean - covariateMeans[$0]) / sigma }
        return .success(StandardizedFeature(coefficients: coefficients, standardizedMean: standardizedMean,
                                            pooledVariance: pooledVariance, z: z))
    }

    /// The non-missing z of one batch.
    func z(inBatch b: Int, batchIndex: [Int]) -> [Double] {
        z.indices.filter { batchIndex[$0] == b && z[$0].isFinite }.map { z[$0] }
    }

    /// `γ̂`: least squares of z on the batch columns of the design (batch means without a reference batch).
    func batchEffects(batchRows: [[Double]]) -> [Double] {
        let finite = z.indices.filter { z[$0].isFinite }
        return LinearAlgebra.leastSquares(finite.map { batchRows[$0] }, finite.map { z[$0] })
            ?? Array(repeating: .nan, count: batchRows.first?.count ?? 0)
    }
}
