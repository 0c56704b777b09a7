#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import RadAuditCore
import RadAuditPreprocessing

/// Grey level co-occurrence matrix features (IBSI family LFYI).
public enum GreyLevelCooccurrenceFeatures {
    /// The 25 GLCM features of `region`, in both IBSI aggregations of each requested dimension (2D: `averaged2D`,
    /// `sliceMerged2D`; 2.5D: `directionMerged25D`, `merged25D`; 3D: `averaged3D`, `merged3D`), ordered by
    /// dimension, aggregation, then manual feature order.
    ///
    /// Pairs are counted in both directions (the matrix is symmetric) and only where both voxels lie inside the
    /// intensity mask; `N_g` is `region.levelCount`. Matrices without pairs are left out of averages (see
    /// `DirectionalTextureAggregation`); features are NaN where undefined.
    ///
    /// - Parameters:
    ///   - distance: Chebyshev distance δ ≥ 1 between paired voxels; the direction vectors are scaled by it.
    ///   - maximalCorrelation: also pyradiomics' maximal correlation coefficient (not IBSI; code empty), last in each
    ///     aggregation, from the same matrices.
    public static func compute(_ region: DiscretisedRegion, dimensions: Set<TextureDimension>,
                               distance: Int = 1, maximalCorrelation: Bool = false) -> [Feature] {
        precondition(distance >= 1, "the co-occurrence distance must be at least 1")
        func matrix(_ direction: SIMD3<Int>, _ slices: Range<Int>) -> GreyLevelCooccurrenceMatrix {
            GreyLevelCooccurrenceMatrix(region, offset: direction &* distance, slices: slices)
        }
        guard maximalCorrelation else {
            return DirectionalTextureAggregation.features(sliceCount: region.size.z, dimensions: dimensions, matrixAlong: matrix)
        }
        return DirectionalTextureAggregation.features(sliceCount: region.size.z, dimensions: dimensions) {
            CooccurrenceWithMaximalCorrelation(cooccurrence: matrix($0, $1))
        }
    }
}

/// The symmetric grey level co-occurrence matrix `M_m = M_m+ + M_m+ᵀ` of one offset `m`: element `(i, j)` counts
/// the voxel pairs `(v, v + m)` and `(v, v − m)` with grey levels `i` and `j`, both inside the intensity mask.
struct GreyLevelCooccurrenceMatrix: DirectionalTextureMatrix, Sendable {
    /// `N_g`, the number of grey levels.
    let levelCount: Int
    /// Counts in row-major order: grey levels `(i, j)` at `(i − 1)·N_g + (j − 1)`.
    private(set) var counts: [Int]
    /// The sum of all counts (twice the number of voxel pairs).
    private(set) var total: Int

    /// Counts the pairs `(v, v + offset)` with both voxels in `slices` (a range of grid `z`) and inside the
    /// intensity mask, in one pass over the voxels. Levels outside `1...levelCount` count as outside the mask.
    init(_ region: DiscretisedRegion, offset: SIMD3<Int>, slices: Range<Int>) {
        let size = region.size
        let levelCount = max(region.levelCount, 0)
        var oneSided = [Int](repeating: 0, count: levelCount * levelCount)
        if let xs = Self.positions(in: 0..<size.x, pairedAt: offset.x),
           let ys = Self.positions(in: 0..<size.y, pairedAt: offset.y),
           let zs = Self.positions(in: slices.clamped(to: 0..<size.z), pairedAt: offset.z) {
            let partnerShift = offset.x + size.x * (offset.y + size.y * offset.z)
            let levelBound = UInt32(levelCount)
            region.levels.withUnsafeBufferPointer { levels in
                oneSided.withUnsafeMutableBufferPointer { pairs in
                    for z in zs {
                        for y in ys {
                            let rowStart = size.x &* (y &+ size.y &* z)
                            for x in xs {
                                let voxel = rowStart &+ x
                                // Level − 1 as unsigned: 0 (outside the mask) wraps above the bound.
                                let first = UInt32(bitPattern: levels[voxel]) &- 1
                                let second = UInt32(bitPattern: levels[voxel &+ partnerShift]) &- 1
                                if first < levelBound && second < levelBound {
                                    pairs[Int(first) &* levelCount &+ Int(second)] &+= 1
                                }
                            }
                        }
                    }
                }
            }
        }
        var counts = oneSided
        for i in 0..<levelCount {
            for j in 0..<levelCount {
                counts[i * levelCount + j] = oneSided[i * levelCount + j] + oneSided[j * levelCount + i]
            }
        }
        self.levelCount = levelCount
        self.counts = counts
        self.total = counts.reduce(0, +)
    }

    /// The positions `p` of `extent` whose partner `p + shift` also lies in `extent`; nil if there are none.
    private static func positions(in extent: Range<Int>, pairedAt shift: Int) -> Range<Int>? {
        let lower = max(extent.lowerBound, extent.lowerBound - shift)
        let upper = min(extent.upperBound, extent.upperBound - shift)
        return lower < upper ? lower..<upper : nil
    }

    var isEmpty: Bool { total == 0 }

    mutating func merge(_ other: GreyLevelCooccurrenceMatrix) {
        precondition(other.levelCount == levelCount, "merged matrices must have the same grey levels")
        for index in counts.indices { counts[index] += other.counts[index] }
        total += other.total
    }

    static let family = FeatureFamily.glcm

    /// The features in manual order, each bound to the quantity of ``Probabilities`` it reads.
    static let features: [FeatureDefinition<Probabilities>] = [
        .init("Joint maximum", "GYBY", \.jointMaximum),
        .init("Joint average", "60VM", \.jointAverage),
        .init("Joint variance", "UR99", \.jointVariance),
        .init("Joint entropy", "TU9B", \.jointEntropy),
        .init("Difference average", "TF7R", \.differenceAverage),
        .init("Difference variance", "D3YU", \.differenceVariance),
        .init("Difference entropy", "NTRS", \.differenceEntropy),
        .init("Sum average", "ZGXS", \.sumAverage),
        .init("Sum variance", "OEEB", \.sumVariance),
        .init("Sum entropy", "P6QZ", \.sumEntropy),
        .init("Angular second moment", "8ZQL", \.angularSecondMoment),
        .init("Contrast", "ACUI", \.contrast),
        .init("Dissimilarity", "8S9J", \.dissimilarity),
        .init("Inverse difference", "IB1Z", \.inverseDifference),
        .init("Normalised inverse difference", "NDRX", \.normalisedInverseDifference),
        .init("Inverse difference moment", "WF0Z", \.inverseDifferenceMoment),
        .init("Normalised inverse difference moment", "1QCO", \.normalisedInverseDifferenceMoment),
        .init("Inverse variance", "E8JP", \.inverseVariance),
        .init("Correlation", "NI2N", \.correlation),
        .init("Autocorrelation", "QWB0", \.autocorrelation),
        .init("Cluster tendency", "DG8W", \.clusterTendency),
        .init("Cluster shade", "7NFM", \.clusterShade),
        .init("Cluster prominence", "AE86", \.clusterProminence),
        .init("Information correlation 1", "R8DG", \.informationCorrelation1),
        .init("Information correlation 2", "JN9H", \.informationCorrelation2),
    ]

    func summary() -> Probabilities? { isEmpty ? nil : Probabilities(self) }
}

extension GreyLevelCooccurrenceMatrix {
    /// The joint probabilities `p_ij = M_ij / ΣM` of a matrix with counts, reduced once to what the features
    /// need: the marginal `p_i.` (equal to `p_.j` by symmetry), the diagonal `p_{i−j,k}` and cross-diagonal
    /// `p_{i+j,k}` probabilities, and the four sums that need the joint distribution.
    struct Probabilities {
        /// `N_g`.
        let levelCount: Double
        /// `p_i.` indexed by grey level `i` (index 0 unused, 0).
        let marginal: [Double]
        /// `p_{i−j,k} = Σ p_ij [k = |i − j|]`, indexed by `k = 0...N_g − 1`.
        let difference: [Double]
        /// `p_{i+j,k} = Σ p_ij [k = i + j]`, indexed by `k` (indices 0 and 1 unused, 0).
        let sum: [Double]
        /// `μ = Σ_i i p_i.`, the joint average.
        let mean: Double
        /// `HX = −Σ_i p_i. log₂ p_i.`, the entropy of the marginal.
        let marginalEntropy: Double

        /// Joint maximum (GYBY): `max p_ij`.
        let jointMaximum: Double
        /// Joint entropy (TU9B), `HXY`: `−Σ_i Σ_j p_ij log₂ p_ij`.
        let jointEntropy: Double
        /// Angular second moment (8ZQL): `Σ_i Σ_j p_ij²`.
        let angularSecondMoment: Double
        /// Autocorrelation (QWB0): `Σ_i Σ_j i j p_ij`.
        let autocorrelation: Double

        init(_ matrix: GreyLevelCooccurrenceMatrix) {
            let n = matrix.levelCount
            // p = count / total by division, not times 1/total: a matrix with a single occupied cell (a flat ROI) then
            // has p = 1 exactly, and its variances and entropies are exactly 0 (their features NaN where undefined).
            let total = Double(matrix.total)
            var marginal = [Double](repeating: 0, count: n + 1)
            var difference = [Double](repeating: 0, count: n)
            var sum = [Double](repeating: 0, count: 2 * n + 1)
            var maximum = 0.0, jointEntropy = 0.0, secondMoment = 0.0, autocorrelation = 0.0
            for i in 1...n {
                for j in 1...n {
                    let count = matrix.counts[(i - 1) * n + (j - 1)]
                    guard count > 0 else { continue }
                    let p = Double(count) / total
                    marginal[i] += p
                    difference[abs(i - j)] += p
                    sum[i + j] += p
                    maximum = max(maximum, p)
                    jointEntropy -= p * log2(p)
                    secondMoment += p * p
                    autocorrelation += Double(i * j) * p
                }
            }
            levelCount = Double(n)
            self.marginal = marginal
            self.difference = difference
            self.sum = sum
            mean = expectation(of: marginal) { $0 }
            marginalEntropy = entropy(of: marginal)
            jointMaximum = maximum
            self.jointEntropy = jointEntropy
            angularSecondMoment = secondMoment
            self.autocorrelation = autocorrelation
        }

        /// Joint average (60VM): `μ = Σ_i Σ_j i p_ij = Σ_i i p_i.`.
        var jointAverage: Double { mean }

        /// Joint variance (UR99): `Σ_i Σ_j (i − μ)² p_ij = Σ_i (i − μ)² p_i.`.
        var jointVariance: Double { expectation(of: marginal) { ($0 - mean) * ($0 - mean) } }

        /// Difference average (TF7R): `μ_d = Σ_k k p_{i−j,k}`.
        var differenceAverage: Double { expectation(of: difference) { $0 } }

        /// Difference variance (D3YU): `Σ_k (k − μ_d)² p_{i−j,k}`.
        var differenceVariance: Double {
            let average = differenceAverage
            return expectation(of: difference) { ($0 - average) * ($0 - average) }
        }

        /// Difference entropy (NTRS): `−Σ_k p_{i−j,k} log₂ p_{i−j,k}`.
        var differenceEntropy: Double { entropy(of: difference) }

        /// Sum average (ZGXS): `μ_s = Σ_k k p_{i+j,k}` (= 2μ).
        var sumAverage: Double { expectation(of: sum) { $0 } }

        /// Sum variance (OEEB): `Σ_k (k − μ_s)² p_{i+j,k}`.
        var sumVariance: Double {
            let average = sumAverage
            return expectation(of: sum) { ($0 - average) * ($0 - average) }
        }

        /// Sum entropy (P6QZ): `−Σ_k p_{i+j,k} log₂ p_{i+j,k}`.
        var sumEntropy: Double { entropy(of: sum) }

        /// Contrast (ACUI): `Σ_i Σ_j (i − j)² p_ij = Σ_k k² p_{i−j,k}`.
        var contrast: Double { expectation(of: difference) { $0 * $0 } }

        /// Dissimilarity (8S9J): `Σ_i Σ_j |i − j| p_ij = Σ_k k p_{i−j,k}`.
        var dissimilarity: Double { expectation(of: difference) { $0 } }

        /// Inverse difference (IB1Z): `Σ_k p_{i−j,k} / (1 + k)`.
        var inverseDifference: Double { expectation(of: difference) { 1 / (1 + $0) } }

        /// Normalised inverse difference (NDRX): `Σ_k p_{i−j,k} / (1 + k/N_g)`.
        var normalisedInverseDifference: Double { expectation(of: difference) { 1 / (1 + $0 / levelCount) } }

        /// Inverse difference moment (WF0Z): `Σ_k p_{i−j,k} / (1 + k²)`.
        var inverseDifferenceMoment: Double { expectation(of: difference) { 1 / (1 + $0 * $0) } }

        /// Normalised inverse difference moment (1QCO): `Σ_k p_{i−j,k} / (1 + (k/N_g)²)`.
        var normalisedInverseDifferenceMoment: Double {
            expectation(of: difference) { 1 / (1 + ($0 / levelCount) * ($0 / levelCount)) }
        }

        /// Inverse variance (E8JP): `2 Σ_i Σ_{j>i} p_ij / (i − j)² = Σ_{k≥1} p_{i−j,k} / k²`; 0 when all pairs
        /// have equal grey levels.
        var inverseVariance: Double { expectation(of: difference) { $0 == 0 ? 0 : 1 / ($0 * $0) } }

        /// Correlation (NI2N): `(Σ_i Σ_j i j p_ij − μ²) / σ²` with `σ² = Σ_i (i − μ)² p_i.` (symmetric matrix);
        /// NaN when `σ² = 0` (a single grey level).
        var correlation: Double {
            let variance = jointVariance
            return variance > 0 ? (autocorrelation - mean * mean) / variance : .nan
        }

        /// Cluster tendency (DG8W): `Σ_i Σ_j (i + j − 2μ)² p_ij = Σ_k (k − 2μ)² p_{i+j,k}`.
        var clusterTendency: Double { expectation(of: sum) { pow($0 - 2 * mean, 2) } }

        /// Cluster shade (7NFM): `Σ_i Σ_j (i + j − 2μ)³ p_ij = Σ_k (k − 2μ)³ p_{i+j,k}`.
        var clusterShade: Double { expectation(of: sum) { pow($0 - 2 * mean, 3) } }

        /// Cluster prominence (AE86): `Σ_i Σ_j (i + j − 2μ)⁴ p_ij = Σ_k (k − 2μ)⁴ p_{i+j,k}`.
        var clusterProminence: Double { expectation(of: sum) { pow($0 - 2 * mean, 4) } }

        /// Information correlation 1 (R8DG): `(HXY − HXY₁) / HX` with `HXY₁ = −Σ_i Σ_j p_ij log₂(p_i. p_.j)`,
        /// which equals `2 HX` for a symmetric matrix; NaN when `HX = 0` (a single grey level).
        var informationCorrelation1: Double {
            marginalEntropy > 0 ? (jointEntropy - 2 * marginalEntropy) / marginalEntropy : .nan
        }

        /// Information correlation 2 (JN9H): `√(1 − exp(−2 (HXY₂ − HXY)))` with
        /// `HXY₂ = −Σ_i Σ_j p_i. p_.j log₂(p_i. p_.j)`, which equals `2 HX` for a symmetric matrix. `HXY ≤ 2 HX`;
        /// a rounding excess is clamped to 0.
        var informationCorrelation2: Double {
            (1 - exp(-2 * max(2 * marginalEntropy - jointEntropy, 0))).squareRoot()
        }
    }
}

/// `Σ_k w(k) p_k` over the entries `p_k > 0` of a distribution indexed by its value `k`.
private func expectation(of distribution: [Double], _ weight: (Double) -> Double) -> Double {
    var total = 0.0
    for (value, p) in distribution.enumerated() where p > 0 { total += weight(Double(value)) * p }
    return total
}

/// `−Σ_k p_k log₂ p_k` over the entries `p_k > 0` of a distribution.
private func entropy(of distribution: [Double]) -> Double {
    var total = 0.0
    for p in distribution where p > 0 { total -= p * log2(p) }
    return total
}

/// A co-occurrence matrix whose features are the IBSI ones followed by pyradiomics' maximal correlation coefficient
/// (`MCC`, not an IBSI feature), both from the one matrix: what the pyradiomics conventions compute.
struct CooccurrenceWithMaximalCorrelation: DirectionalTextureMatrix, Sendable {
    var cooccurrence: GreyLevelCooccurrenceMatrix

    static let family = FeatureFamily.glcm

    /// The IBSI features, then `MCC`.
    static let features: [FeatureDefinition<(Probabilities, Double)>] =
        GreyLevelCooccurrenceMatrix.features.map { definition in .init(definition.name, definition.code) { definition.value($0.0) } }
        + [.init("Maximal correlation coefficient", "", { $0.1 })]

    typealias Probabilities = GreyLevelCooccurrenceMatrix.Probabilities

    var isEmpty: Bool { cooccurrence.isEmpty }

    mutating func merge(_ other: CooccurrenceWithMaximalCorrelation) { cooccurrence.merge(other.cooccurrence) }

    func summary() -> (Probabilities, Double)? {
        cooccurrence.summary().map { ($0, maximalCorrelationCoefficient) }
    }

    /// `MCC = √λ₂(Q)`, the second largest eigenvalue of `Q_ij = Σ_k p_ik p_jk / (p_i. p_.k)` over the grey levels
    /// that occur; 1 when one grey level occurs (pyradiomics, `glcm.py`, `getMCCFeatureValue`). For the symmetric
    /// matrix `Q = D^{-1/2} S² D^{1/2}` with `S_ij = p_ij / √(p_i. p_j.)` and `D = diag(p_i.)`, so the eigenvalues
    /// of `Q` are the squares of those of the symmetric `S`.
    private var maximalCorrelationCoefficient: Double {
        let n = cooccurrence.levelCount
        let total = Double(cooccurrence.total)
        let counts = cooccurrence.counts
        let occurring = (0..<n).filter { i in (0..<n).contains { counts[i * n + $0] > 0 } }
        guard occurring.count > 1 else { return 1 }
        let marginal = occurring.map { i in Double((0..<n).reduce(0) { $0 + counts[i * n + $1] }) / total }
        let m = occurring.count
        let scaled = occurring.indices.map { a in
            occurring.indices.map { b in
                Double(counts[occurring[a] * n + occurring[b]]) / total / (marginal[a] * marginal[b]).squareRoot()
            }
        }
        let squares = SymmetricEigen(scaled).values.map { $0 * $0 }.sorted()
        return squares[m - 2].squareRoot()
    }
}
