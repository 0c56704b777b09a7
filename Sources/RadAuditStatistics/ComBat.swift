/// ComBat batch (site) harmonisation (Johnson, Li & Rabinovic 2007; Fortin et al. 2017/2018), computed as
/// neuroCombat 0.2.12 and R `sva::ComBat` do:
///
/// 1. Design `[one-hot batch (all levels) | dummies of categorical covariates (first sorted level dropped) |
///    continuous covariates]`; per feature OLS `B̂` on its non-missing samples. `α̂ = Σ_b (n_b/n) B̂_b`
///    (with a reference batch: its column is all ones and `α̂ = B̂_ref`); `σ̂² = mean (y − D B̂)²`
///    (divisor n; reference samples only with a reference); `z = (y − α̂ − Xβ̂)/σ̂`.
/// 2. `γ̂` = least squares of z on the batch columns, `δ̂²` = batch variance of z (divisor n_b − 1, zeros → 1);
///    priors `γ̄ = mean_g γ̂`, `τ̄² = var_g γ̂`, inverse-gamma `a = (2s² + m²)/s²`, `b = (m s² + m³)/s²` from
///    the mean m and variance s² of `δ̂²` over features.
/// 3. ``Method/parametric``: iterate `γ* = (n τ̄² γ̂ + δ*² γ̄)/(n τ̄² + δ*²)`,
///    `δ*² = (½ Σ (z − γ*)² + b)/(n/2 + a − 1)` from `δ*² = δ̂²` until the largest relative change (`Δ/old`,
///    signed denominator, as both tools) of γ* and δ*² over features is below 1e-4.
///    ``Method/meanOnly``: `γ* = (τ̄² γ̂ + γ̄)/(τ̄² + 1)`, `δ* = 1`. ``Method/nonparametric``: for each feature,
///    weights `L ∝ (2π δ̂²_g′)^(−n/2) exp(−Σ (z − γ̂_g′)²/(2 δ̂²_g′))` over the *other* features g′, evaluated in
///    log space (log-sum-exp: no underflow for large batches); `γ* = Σ L γ̂/Σ L`, `δ*² = Σ L δ̂²/Σ L`.
///    ``Method/noEB``: `γ* = γ̂`, `δ* = δ̂`.
/// 4. `y* = σ̂ (z − γ*)/δ* + α̂ + Xβ̂`; reference-batch samples are returned unchanged.
///
/// Differences from neuroCombat, all on degenerate input: a feature constant within a batch is left unchanged
/// and kept out of the priors (as sva; neuroCombat sets its variance to `median(var ≠ 0)` = 1); missing values
/// (NaN) are skipped per feature (as sva); a batch with a single sample switches to mean-only (as sva);
/// continuous covariates stay in Double precision (neuroCombat casts them to float32).
public enum ComBat {
    public enum Method: String, Codable, Sendable, CaseIterable {
        case parametric
        case nonparametric
        case meanOnly = "mean-only"
        case noEB = "no-eb"
    }

    /// Covariates to preserve, one value per sample.
    public struct Covariates: Sendable {
        public var categorical: [(name: String, values: [String])]
        public var continuous: [(name: String, values: [Double])]

        public init(categorical: [(name: String, values: [String])] = [], continuous: [(name: String, values: [Double])] = []) {
            self.categorical = categorical
            self.continuous = continuous
        }
    }

    /// The intermediate estimates of the adjusted features (batches × features), for inspection and tests.
    public struct Estimates: Sendable {
        public let gammaHat: [[Double]]
        public let deltaHat: [[Double]]
        public let gammaBar: [Double]
        public let tauSquared: [Double]
        public let aPrior: [Double]
        public let bPrior: [Double]
    }

    public struct Result: Sendable {
        public let model: ComBatModel
        /// Harmonised data, features × samples (unchanged rows for features that were not adjusted).
        public let data: [[Double]]
        public let estimates: Estimates
        /// Remarks on degenerate input (features left unchanged, mean-only fallback).
        public let notes: [String]
    }

    /// Fits ComBat and harmonises the data.
    /// - Parameters:
    ///   - data: features × samples; NaN marks a missing value.
    ///   - featureNames: one name per feature (for the model and the notes).
    ///   - batches: the batch (site) of every sample.
    /// - Throws: ``ComBatError`` for an unknown reference batch, fewer than two batches or a singular design
    ///   (naming the confounded covariate).
    public static func fit(
        data: [[Double]], featureNames: [String], batches: [String], covariates: Covariates = Covariates(),
        method: Method, referenceBatch: String? = nil
    ) throws -> Result {
        let sampleCount = batches.count
        precondition(data.allSatisfy { $0.count == sampleCount } && featureNames.count == data.count)
        let levels = Array(Set(batches)).sorted()
        guard levels.count >= 2 else { throw ComBatError("ComBat needs at least two batches, found \(levels.count)") }
        let reference = try referenceBatch.map { label in
            guard let index = levels.firstIndex(of: label) else {
                throw ComBatError("reference batch '\(label)' not found (batches: \(levels.joined(separator: ", ")))")
            }
            return index
        }
        let batchIndex = batches.map { levels.firstIndex(of: $0)! }
        let batchSizes = levels.indices.map { b in batchIndex.filter { $0 == b }.count }
        var notes: [String] = []
        var method = method
        if method != .noEB, method != .meanOnly, let small = batchSizes.firstIndex(of: 1) {
            notes.append("batch '\(levels[small])' has a single sample: mean-only adjustment")
            method = .meanOnly
        }

        let partial = ComBatModel(
            method: method, batches: levels, referenceBatch: referenceBatch,
            categorical: covariates.categorical.map { .init(name: $0.name, levels: Array(Set($0.values)).sorted()) },
            continuous: covariates.continuous.map(\.name), features: [])
        let covariateRows = try partial.covariateRows(covariates, sampleCount: sampleCount)
        let batchRows = batchIndex.map { b in levels.indices.map { $0 == b || $0 == reference ? 1.0 : 0.0 } }
        let design = zip(batchRows, covariateRows).map { $0 + $1 }
        let columnNames = levels.map { "batch \($0)" }
            + partial.categorical.flatMap { c in c.levels.dropFirst().map { "\(c.name)=\($0)" } } + partial.continuous
        if let column = LinearAlgebra.QR(design).firstDependentColumn {
            throw ComBatError("singular design: covariate column '\(columnNames[column])' is confounded with the "
                + "batch or the other covariates")
        }

        // Step 1: standardise every feature that can be adjusted.
        var standardized: [StandardizedFeature] = []
        var unchanged: [Int: String] = [:]
        for (g, values) in data.enumerated() {
            switch StandardizedFeature.make(values, design: design, batchIndex: batchIndex, batchSizes: batchSizes,
                                            levels: levels, reference: reference) {
            case .success(let feature): standardized.append(feature)
            case .failure(let problem):
                unchanged[g] = problem.description
                notes.append("feature '\(featureNames[g])': \(problem.description); left unchanged")
            }
        }
        let kept = data.indices.filter { unchanged[$0] == nil }

        // Step 2: batch effects and priors.
        let batchCount = levels.count
        var gammaHat = Array(repeating: Array(repeating: 0.0, count: kept.count), count: batchCount)
        var deltaHat = gammaHat
        for (g, feature) in standardized.enumerated() {
            let gamma = feature.batchEffects(batchRows: batchRows)
            for b in 0..<batchCount {
                gammaHat[b][g] = gamma[b]
                let variance = method == .meanOnly ? 1 : Summation.variance(feature.z(inBatch: b, batchIndex: batchIndex))
                deltaHat[b][g] = variance == 0 ? 1 : variance
            }
        }
        let gammaBar = gammaHat.map { Summation.mean($0) }
        let tauSquared = gammaHat.map { Summation.variance($0) }
        let aPrior = deltaHat.map { d -> Double in
            let m = Summation.mean(d), s2 = Summation.variance(d)
            return (2 * s2 + m * m) / s2
        }
        let bPrior = deltaHat.map { d -> Double in
            let m = Summation.mean(d), s2 = Summation.variance(d)
            return (m * s2 + m * m * m) / s2
        }

        // Step 3: empirical Bayes.
        var gammaStar = gammaHat, deltaStar = deltaHat
        for b in 0..<batchCount {
            let samples = standardized.map { $0.z(inBatch: b, batchIndex: batchIndex) }
            switch method {
            case .parametric:
                (gammaStar[b], deltaStar[b]) = EmpiricalBayes.parametric(
                    samples, gammaHat: gammaHat[b], deltaHat: deltaHat[b], gammaBar: gammaBar[b],
                    tauSquared: tauSquared[b], a: aPrior[b], b: bPrior[b])
            case .meanOnly:
                gammaStar[b] = gammaHat[b].map { (tauSquared[b] * $0 + gammaBar[b]) / (tauSquared[b] + 1) }
                deltaStar[b] = gammaHat[b].map { _ in 1 }
            case .nonparametric:
                (gammaStar[b], deltaStar[b]) = EmpiricalBayes.nonparametric(samples, gammaHat: gammaHat[b], deltaHat: deltaHat[b])
            case .noEB:
                break
            }
            if b == reference {
                gammaStar[b] = gammaStar[b].map { _ in 0 }
                deltaStar[b] = deltaStar[b].map { _ in 1 }
            }
        }

        // Step 4: the model and the adjusted data.
        var modelFeatures: [ComBatModel.Feature] = []
        var position = 0
        for g in data.indices {
            if let reason = unchanged[g] {
                modelFeatures.append(.unchanged(featureNames[g], reason: reason))
                continue
            }
            let feature = standardized[position]
            modelFeatures.append(ComBatModel.Feature(
                name: featureNames[g], adjusted: true, reason: nil, standardizedMean: feature.standardizedMean,
                coefficients: Array(feature.coefficients[batchCount...]), pooledVariance: feature.pooledVariance,
                gammaStar: (0..<batchCount).map { gammaStar[$0][position] },
                deltaStar: (0..<batchCount).map { deltaStar[$0][position] }))
            position += 1
        }
        let model = ComBatModel(method: method, batches: levels, referenceBatch: referenceBatch,
                                categorical: partial.categorical, continuous: partial.continuous, features: modelFeatures)
        let adjusted = try model.apply(data: data, batches: batches, covariates: covariates)
        let estimates = Estimates(gammaHat: gammaHat, deltaHat: deltaHat, gammaBar: gammaBar, tauSquared: tauSquared,
                                  aPrior: aPrior, bPrior: bPrior)
        return Result(model: model, data: adjusted, estimates: estimates, notes: notes)
    }
}
