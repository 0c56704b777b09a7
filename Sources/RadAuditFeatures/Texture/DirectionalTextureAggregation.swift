/// A texture matrix counted along one direction vector, whose features IBSI aggregates over slices and
/// directions in six ways: the grey level co-occurrence matrix and the grey level run length matrix.
protocol DirectionalTextureMatrix {
    /// The feature family computed from the matrix.
    static var family: FeatureFamily { get }
    /// What the features of a matrix with counts read, computed once per matrix.
    associatedtype Summary
    /// Every feature in manual order, each bound to the quantity of `Summary` it reads.
    static var features: [FeatureDefinition<Summary>] { get }
    /// Whether the matrix holds no counts, e.g. a slice without any voxel pair or run along the direction.
    var isEmpty: Bool { get }
    /// Adds the counts of `other`, a matrix of the same region and grey levels, to this matrix.
    mutating func merge(_ other: Self)
    /// The summary of a matrix with counts; nil when it holds none (all its features are then undefined).
    func summary() -> Summary?
}

/// The IBSI aggregation of directional texture matrices (manual, "Aggregating features" of the GLCM and
/// GLRLM families).
///
/// Per requested dimension, two aggregations:
/// - 2D: features of every slice × in-plane direction matrix, averaged (BTW3); features of the per-slice
///   merge of the four direction matrices, averaged over slices (SUJT).
/// - 2.5D: per in-plane direction, the matrices merged over slices, features averaged over the four directions
///   (JJUI); one matrix merged over slices and directions (ZW7Z).
/// - 3D: features of the 13 volume direction matrices, averaged (ITBB); one matrix merged over them (IAZD).
///
/// The manual does not define how a matrix without counts enters an average (a slice with a single voxel has
/// no co-occurring pair): such matrices are left out of averages, as their features are undefined. Likewise
/// a feature that is NaN for one matrix is left out of that feature's average. An average over no matrix,
/// or a merged matrix without counts, gives NaN.
enum DirectionalTextureAggregation {
    /// Features of both aggregations of each requested dimension, in the order 2D, 2.5D, 3D, each
    /// aggregation listing the features in manual order.
    ///
    /// - Parameters:
    ///   - sliceCount: number of slices (grid `z` extent).
    ///   - matrixAlong: builds the matrix along a direction of `Neighbourhood.directions3D`, from the voxels
    ///     of the given slices only. In-plane directions never leave a slice, so the volume matrix of an
    ///     in-plane direction is the merge of its slice matrices.
    static func features<Matrix: DirectionalTextureMatrix>(
        sliceCount: Int,
        dimensions: Set<TextureDimension>,
        matrixAlong: (_ direction: SIMD3<Int>, _ slices: Range<Int>) -> Matrix
    ) -> [Feature] {
        let featureCount = Matrix.features.count
        var aggregated: [(Aggregation, [Double])] = []

        if dimensions.contains(.twoD) {
            var overSlicesAndDirections = FeatureMean(featureCount: featureCount)
            var overSlices = FeatureMean(featureCount: featureCount)
            for slice in 0..<sliceCount {
                let matrices = Neighbourhood.directions2D.map { matrixAlong($0, slice..<slice + 1) }
                for matrix in matrices { overSlicesAndDirections.add(matrix) }
                overSlices.add(merging(matrices))
            }
            aggregated.append((.averaged2D, overSlicesAndDirections.values))
            aggregated.append((.sliceMerged2D, overSlices.values))
        }

        let volumeDirections = dimensions.contains(.threeD) ? Neighbourhood.directions3D
            : dimensions.contains(.twoPointFiveD) ? Neighbourhood.directions2D : []
        let volumeMatrices = volumeDirections.map { matrixAlong($0, 0..<sliceCount) }

        if dimensions.contains(.twoPointFiveD) {
            let inPlane = Array(volumeMatrices.prefix(Neighbourhood.directions2D.count))
            aggregated.append((.directionMerged25D, FeatureMean(featureCount: featureCount, of: inPlane).values))
            aggregated.append((.merged25D, values(of: merging(inPlane))))
        }
        if dimensions.contains(.threeD) {
            aggregated.append((.averaged3D, FeatureMean(featureCount: featureCount, of: volumeMatrices).values))
            aggregated.append((.merged3D, values(of: merging(volumeMatrices))))
        }

        return aggregated.flatMap { aggregation, values in
            zip(Matrix.features, values).map { definition, value in
                Feature(family: Matrix.family, name: definition.name, code: definition.code,
                        aggregation: aggregation, value: value)
            }
        }
    }

    /// Every feature of `matrix` in manual order; NaN for all when it holds no counts.
    fileprivate static func values<Matrix: DirectionalTextureMatrix>(of matrix: Matrix) -> [Double] {
        guard let summary = matrix.summary() else { return Array(repeating: .nan, count: Matrix.features.count) }
        return Matrix.features.values(of: summary)
    }

    /// The element-wise sum of `matrices` (at least one).
    private static func merging<Matrix: DirectionalTextureMatrix>(_ matrices: [Matrix]) -> Matrix {
        matrices.dropFirst().reduce(into: matrices[0]) { $0.merge($1) }
    }
}

/// The per-feature mean over matrices with counts, leaving out NaN values.
private struct FeatureMean {
    private var sums: [Double]
    private var counts: [Int]

    init(featureCount: Int) {
        sums = Array(repeating: 0, count: featureCount)
        counts = Array(repeating: 0, count: featureCount)
    }

    init<Matrix: DirectionalTextureMatrix>(featureCount: Int, of matrices: [Matrix]) {
        self.init(featureCount: featureCount)
        for matrix in matrices { add(matrix) }
    }

    /// Adds the features of `matrix` unless it holds no counts.
    mutating func add<Matrix: DirectionalTextureMatrix>(_ matrix: Matrix) {
        guard let summary = matrix.summary() else { return }
        for (index, value) in Matrix.features.values(of: summary).enumerated() where !value.isNaN {
            sums[index] += value
            counts[index] += 1
        }
    }

    /// The mean of each feature; NaN where no matrix gave a value.
    var values: [Double] {
        zip(sums, counts).map { sum, count in count > 0 ? sum / Double(count) : .nan }
    }
}
