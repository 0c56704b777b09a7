/// A fitted ComBat harmonisation, saved as JSON (`Codable`) and applicable to new samples of known batches.
///
/// For every sample of batch b and every adjusted feature:
/// `z = (y − α − xᵀβ)/σ`, `y* = σ (z − γ*_b)/√δ*_b + α + xᵀβ`, with `x` the sample's covariate row
/// (categorical dummies, then continuous values). Samples of the reference batch are returned unchanged.
public struct ComBatModel: Codable, Sendable, Equatable {
    /// A categorical covariate and its levels (sorted; the first is the baseline without a dummy column).
    public struct Categorical: Codable, Sendable, Equatable {
        public let name: String
        public let levels: [String]
    }

    /// The fitted estimates of one feature.
    public struct Feature: Codable, Sendable, Equatable {
        public let name: String
        /// False for a feature left unchanged (constant within a batch, too few values); see `reason`.
        public let adjusted: Bool
        public let reason: String?
        /// Standardised mean `α̂` (batch-size weighted batch intercepts, or the reference batch's).
        public let standardizedMean: Double
        /// Covariate coefficients `β̂`, in the order of the covariate columns.
        public let coefficients: [Double]
        /// Pooled residual variance `σ̂²` (divisor n; reference batch only with a reference).
        public let pooledVariance: Double
        /// Empirical-Bayes location `γ*` and scale `δ*` per batch, in the order of `batches`.
        public let gammaStar: [Double]
        public let deltaStar: [Double]

        static func unchanged(_ name: String, reason: String) -> Feature {
            Feature(name: name, adjusted: false, reason: reason, standardizedMean: .nan, coefficients: [],
                    pooledVariance: .nan, gammaStar: [], deltaStar: [])
        }
    }

    public let method: ComBat.Method
    /// Batch levels, sorted.
    public let batches: [String]
    public let referenceBatch: String?
    public let categorical: [Categorical]
    public let continuous: [String]
    public let features: [Feature]

    /// Harmonises `data` (features × samples, features in the order of ``features``) of samples from known
    /// batches and covariate levels.
    public func apply(data: [[Double]], batches sampleBatches: [String], covariates: ComBat.Covariates) throws -> [[Double]] {
        guard data.count == features.count else {
            throw ComBatError("the data have \(data.count) features, the model \(features.count)")
        }
        let batchIndex = try sampleBatches.map { label in
            guard let index = batches.firstIndex(of: label) else {
                throw ComBatError("batch '\(label)' is not in the model (batches: \(batches.joined(separator: ", ")))")
            }
            return index
        }
        let rows = try covariateRows(covariates, sampleCount: sampleBatches.count)
        let reference = referenceBatch.flatMap { batches.firstIndex(of: $0) }
        return zip(features, data).map { feature, values in
            guard feature.adjusted else { return values }
            return values.indices.map { j in
                let b = batchIndex[j]
                if b == reference { return values[j] }
                let covariateMean = zip(rows[j], feature.coefficients).reduce(0) { $0 + $1.0 * $1.1 }
                let sigma = feature.pooledVariance.squareRoot()
                let z = (values[j] - feature.standardizedMean - covariateMean) / sigma
                return sigma * (z - feature.gammaStar[b]) / feature.deltaStar[b].squareRoot()
                    + feature.standardizedMean + covariateMean
            }
        }
    }

    /// The covariate part of the design row of every sample: dummies of each categorical covariate (levels
    /// after the first), then the continuous values.
    func covariateRows(_ covariates: ComBat.Covariates, sampleCount: Int) throws -> [[Double]] {
        guard covariates.categorical.map(\.name) == categorical.map(\.name),
              covariates.continuous.map(\.name) == continuous else {
            throw ComBatError("the covariates differ from the model's (categorical: "
                + "\(categorical.map(\.name).joined(separator: ", ")); continuous: \(continuous.joined(separator: ", ")))")
        }
        var rows = Array(repeating: [Double](), count: sampleCount)
        for (covariate, values) in zip(categorical, covariates.categorical.map(\.values)) {
            for (j, value) in values.enumerated() {
                guard let level = covariate.levels.firstIndex(of: value) else {
                    throw ComBatError("covariate '\(covariate.name)': level '\(value)' is not in the model")
                }
                rows[j] += (1..<covariate.levels.count).map { $0 == level ? 1 : 0 }
            }
        }
        for (_, values) in covariates.continuous {
            for (j, value) in values.enumerated() { rows[j].append(value) }
        }
        return rows
    }
}

/// A problem that prevents ComBat from running (singular design, unknown batch, …).
public struct ComBatError: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
