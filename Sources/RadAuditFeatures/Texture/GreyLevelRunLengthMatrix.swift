#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import RadAuditPreprocessing

/// Grey level run length matrix features (IBSI family TP0I).
public enum GreyLevelRunLengthFeatures {
    /// The 16 GLRLM features of `region`, in both IBSI aggregations of each requested dimension (2D: `averaged2D`,
    /// `sliceMerged2D`; 2.5D: `directionMerged25D`, `merged25D`; 3D: `averaged3D`, `merged3D`), ordered by
    /// dimension, aggregation, then manual feature order.
    ///
    /// Runs consist of consecutive intensity-mask voxels of equal grey level along a direction; `N_g` is
    /// `region.levelCount`. Merged matrices sum the voxel counts `N_v` of their parts. Matrices without runs (a
    /// slice outside the mask) are left out of averages (see `DirectionalTextureAggregation`).
    public static func compute(_ region: DiscretisedRegion, dimensions: Set<TextureDimension>) -> [Feature] {
        DirectionalTextureAggregation.features(sliceCount: region.size.z, dimensions: dimensions) { direction, slices in
            GreyLevelRunLengthMatrix(region, direction: direction, slices: slices)
        }
    }
}

/// The grey level run length matrix of one direction `m`: element `(i, j)` counts the runs of grey level `i`
/// and length `j`, a run being a maximal line of consecutive intensity-mask voxels of level `i` along `m`.
struct GreyLevelRunLengthMatrix: DirectionalTextureMatrix, Sendable {
    /// `N_g`, the number of grey levels.
    let levelCount: Int
    /// `N_r`, the longest possible run: the largest grid extent, so all matrices of a region merge.
    let maximalRunLength: Int
    /// Run counts in row-major order: grey level `i` and run length `j` at `(i − 1)·N_r + (j − 1)`.
    private(set) var counts: [Int]
    /// `N_v`, the number of intensity-mask voxels the matrix was built from (summed over merged matrices).
    private(set) var voxelCount: Int
    /// `N_s`, the number of runs.
    private(set) var runCount: Int

    /// Counts the runs along `direction` (components in −1...1, not all 0) within `slices` (a range of grid `z`),
    /// walking each line of voxels once. Levels outside `1...levelCount` count as outside the mask.
    init(_ region: DiscretisedRegion, direction: SIMD3<Int>, slices: Range<Int>) {
        precondition(direction != .zero && direction.min() >= -1 && direction.max() <= 1,
                     "a run direction is a unit step of the 26-neighbourhood")
        let size = region.size
        let levelCount = max(region.levelCount, 0)
        let maximalRunLength = max(size.x, size.y, size.z)
        let slabSlices = slices.clamped(to: 0..<size.z)
        let slab = (lower: SIMD3(0, 0, slabSlices.lowerBound), upper: SIMD3(size.x, size.y, slabSlices.upperBound))
        let step = direction.x + size.x * (direction.y + size.y * direction.z)
        let levelBound = UInt32(levelCount)
        var counts = [Int](repeating: 0, count: levelCount * maximalRunLength)
        var voxelCount = 0, runCount = 0
        region.levels.withUnsafeBufferPointer { levels in
            counts.withUnsafeMutableBufferPointer { runs in
                // Adds a run unless its level (as unsigned level − 1) is outside the mask. Every voxel of the
                // slab lies on exactly one line, so the run lengths add up to N_v.
                func record(level: Int32, length: Int) {
                    let row = UInt32(bitPattern: level) &- 1
                    guard row < levelBound else { return }
                    runs[Int(row) &* maximalRunLength &+ (length &- 1)] &+= 1
                    runCount &+= 1
                    voxelCount &+= length
                }
                // Walks the line from `start` to the slab boundary.
                func walk(from start: SIMD3<Int>) {
                    let lineLength = Self.voxelsToBoundary(from: start, along: direction, in: slab)
                    var voxel = size.index(start.x, start.y, start.z)
                    var runLevel = levels[voxel]
                    var runLength = 1
                    for _ in 1..<lineLength {
                        voxel &+= step
                        let level = levels[voxel]
                        if level == runLevel {
                            runLength &+= 1
                        } else {
                            record(level: runLevel, length: runLength)
                            runLevel = level
                            runLength = 1
                        }
                    }
                    record(level: runLevel, length: runLength)
                }
                // A line starts at each voxel whose predecessor lies outside the slab: a whole row of x when the
                // predecessor row is outside, else the first voxel of the row along x (if the line moves in x).
                for z in slabSlices {
                    for y in 0..<size.y {
                        let previousRowOutside = !(0..<size.y).contains(y - direction.y)
                            || !slabSlices.contains(z - direction.z)
                        if previousRowOutside {
                            for x in 0..<size.x { walk(from: SIMD3(x, y, z)) }
                        } else if direction.x != 0 {
                            walk(from: SIMD3(direction.x > 0 ? 0 : size.x - 1, y, z))
                        }
                    }
                }
            }
        }
        self.levelCount = levelCount
        self.maximalRunLength = maximalRunLength
        self.counts = counts
        self.voxelCount = voxelCount
        self.runCount = runCount
    }

    /// The number of voxels (≥ 1) of the line from `start` along `direction` up to the boundary of `slab`.
    private static func voxelsToBoundary(from start: SIMD3<Int>, along direction: SIMD3<Int>,
                                         in slab: (lower: SIMD3<Int>, upper: SIMD3<Int>)) -> Int {
        var length = Int.max
        for axis in 0..<3 where direction[axis] != 0 {
            length = min(length, direction[axis] > 0 ? slab.upper[axis] - start[axis]
                                                     : start[axis] - slab.lower[axis] + 1)
        }
        return length
    }

    var isEmpty: Bool { runCount == 0 }

    mutating func merge(_ other: GreyLevelRunLengthMatrix) {
        precondition(other.levelCount == levelCount && other.maximalRunLength == maximalRunLength,
                     "merged matrices must have the same grey levels and run lengths")
        for index in counts.indices { counts[index] += other.counts[index] }
        voxelCount += other.voxelCount
        runCount += other.runCount
    }

    static let family = FeatureFamily.glrlm

    /// The features in manual order, each bound to the quantity of ``Marginals`` it reads.
    static let features: [FeatureDefinition<Marginals>] = [
        .init("Short runs emphasis", "22OV", \.shortRunsEmphasis),
        .init("Long runs emphasis", "W4KF", \.longRunsEmphasis),
        .init("Low grey level run emphasis", "V3SW", \.lowGreyLevelRunEmphasis),
        .init("High grey level run emphasis", "G3QZ", \.highGreyLevelRunEmphasis),
        .init("Short run low grey level emphasis", "HTZT", \.shortRunLowGreyLevelEmphasis),
        .init("Short run high grey level emphasis", "GD3A", \.shortRunHighGreyLevelEmphasis),
        .init("Long run low grey level emphasis", "IVPO", \.longRunLowGreyLevelEmphasis),
        .init("Long run high grey level emphasis", "3KUM", \.longRunHighGreyLevelEmphasis),
        .init("Grey level non-uniformity", "R5YN", \.greyLevelNonUniformity),
        .init("Normalised grey level non-uniformity", "OVBL", \.normalisedGreyLevelNonUniformity),
        .init("Run length non-uniformity", "W92Y", \.runLengthNonUniformity),
        .init("Normalised run length non-uniformity", "IC23", \.normalisedRunLengthNonUniformity),
        .init("Run percentage", "9ZK5", \.runPercentage),
        .init("Grey level variance", "8CE5", \.greyLevelVariance),
        .init("Run length variance", "SXLW", \.runLengthVariance),
        .init("Run entropy", "HJ9O", \.runEntropy),
    ]

    func summary() -> Marginals? { isEmpty ? nil : Marginals(self) }
}

extension GreyLevelRunLengthMatrix {
    /// The run counts `r_ij` of a matrix with runs, reduced once to what the features need: the marginal sums
    /// `r_i.` (over run lengths) and `r_.j` (over grey levels), and the sums that need the joint counts.
    struct Marginals {
        /// `N_s`, the number of runs.
        let runCount: Double
        /// `N_v`, the number of voxels.
        let voxelCount: Double
        /// `r_i.` indexed by grey level `i` (index 0 unused, 0).
        let perGreyLevel: [Double]
        /// `r_.j` indexed by run length `j` (index 0 unused, 0).
        let perRunLength: [Double]

        /// Short run low grey level emphasis (HTZT): `Σ_i Σ_j r_ij / (i² j²) / N_s`.
        let shortRunLowGreyLevelEmphasis: Double
        /// Short run high grey level emphasis (GD3A): `Σ_i Σ_j i² r_ij / j² / N_s`.
        let shortRunHighGreyLevelEmphasis: Double
        /// Long run low grey level emphasis (IVPO): `Σ_i Σ_j j² r_ij / i² / N_s`.
        let longRunLowGreyLevelEmphasis: Double
        /// Long run high grey level emphasis (3KUM): `Σ_i Σ_j i² j² r_ij / N_s`.
        let longRunHighGreyLevelEmphasis: Double
        /// Run entropy (HJ9O): `−Σ_i Σ_j p_ij log₂ p_ij` with `p_ij = r_ij / N_s`.
        let runEntropy: Double

        init(_ matrix: GreyLevelRunLengthMatrix) {
            let runCount = Double(matrix.runCount)
            var perGreyLevel = [Double](repeating: 0, count: matrix.levelCount + 1)
            var perRunLength = [Double](repeating: 0, count: matrix.maximalRunLength + 1)
            var shortLow = 0.0, shortHigh = 0.0, longLow = 0.0, longHigh = 0.0, entropy = 0.0
            for i in 1...matrix.levelCount {
                let i2 = Double(i * i)
                for j in 1...matrix.maximalRunLength {
                    let count = matrix.counts[(i - 1) * matrix.maximalRunLength + (j - 1)]
                    guard count > 0 else { continue }
                    let r = Double(count), j2 = Double(j * j)
                    perGreyLevel[i] += r
                    perRunLength[j] += r
                    shortLow += r / (i2 * j2)
                    shortHigh += i2 * r / j2
                    longLow += j2 * r / i2
                    longHigh += i2 * j2 * r
                    let p = r / runCount
                    entropy -= p * log2(p)
                }
            }
            self.runCount = runCount
            voxelCount = Double(matrix.voxelCount)
            self.perGreyLevel = perGreyLevel
            self.perRunLength = perRunLength
            shortRunLowGreyLevelEmphasis = shortLow / runCount
            shortRunHighGreyLevelEmphasis = shortHigh / runCount
            longRunLowGreyLevelEmphasis = longLow / runCount
            longRunHighGreyLevelEmphasis = longHigh / runCount
            runEntropy = entropy
        }

        /// Short runs emphasis (22OV): `Σ_j r_.j / j² / N_s`.
        var shortRunsEmphasis: Double { weightedSum(perRunLength) { 1 / ($0 * $0) } / runCount }

        /// Long runs emphasis (W4KF): `Σ_j j² r_.j / N_s`.
        var longRunsEmphasis: Double { weightedSum(perRunLength) { $0 * $0 } / runCount }

        /// Low grey level run emphasis (V3SW): `Σ_i r_i. / i² / N_s`.
        var lowGreyLevelRunEmphasis: Double { weightedSum(perGreyLevel) { 1 / ($0 * $0) } / runCount }

        /// High grey level run emphasis (G3QZ): `Σ_i i² r_i. / N_s`.
        var highGreyLevelRunEmphasis: Double { weightedSum(perGreyLevel) { $0 * $0 } / runCount }

        /// Grey level non-uniformity (R5YN): `Σ_i r_i.² / N_s`.
        var greyLevelNonUniformity: Double { perGreyLevel.reduce(0) { $0 + $1 * $1 } / runCount }

        /// Normalised grey level non-uniformity (OVBL): `Σ_i r_i.² / N_s²`.
        var normalisedGreyLevelNonUniformity: Double { greyLevelNonUniformity / runCount }

        /// Run length non-uniformity (W92Y): `Σ_j r_.j² / N_s`.
        var runLengthNonUniformity: Double { perRunLength.reduce(0) { $0 + $1 * $1 } / runCount }

        /// Normalised run length non-uniformity (IC23): `Σ_j r_.j² / N_s²`.
        var normalisedRunLengthNonUniformity: Double { runLengthNonUniformity / runCount }

        /// Run percentage (9ZK5): `N_s / N_v`.
        var runPercentage: Double { runCount / voxelCount }

        /// Grey level variance (8CE5): `Σ_i Σ_j (i − μ)² p_ij = Σ_i (i − μ)² r_i. / N_s` with
        /// `μ = Σ_i i r_i. / N_s`.
        var greyLevelVariance: Double { variance(perGreyLevel) }

        /// Run length variance (SXLW): `Σ_i Σ_j (j − μ)² p_ij = Σ_j (j − μ)² r_.j / N_s` with
        /// `μ = Σ_j j r_.j / N_s`.
        var runLengthVariance: Double { variance(perRunLength) }

        /// The variance of the value `k` under the counts `n_k` (which sum to `N_s`).
        private func variance(_ counts: [Double]) -> Double {
            let mean = weightedSum(counts) { $0 } / runCount
            return weightedSum(counts) { ($0 - mean) * ($0 - mean) } / runCount
        }
    }
}

/// `Σ_k w(k) n_k` over the entries `n_k > 0` of counts indexed by their value `k`.
private func weightedSum(_ counts: [Double], _ weight: (Double) -> Double) -> Double {
    var total = 0.0
    for (value, n) in counts.enumerated() where n > 0 { total += weight(Double(value)) * n }
    return total
}
