#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import RadAuditImageIO
import RadAuditPreprocessing

/// A texture matrix built per slice (2D) or in the volume (3D) whose slice matrices can be merged into one
/// 2.5D matrix: the zone, distance zone, grey tone difference and dependence matrices.
protocol SliceMergeableTextureMatrix {
    /// Whether the matrix counts nothing (a slice without ROI voxels, or without valid neighbourhoods).
    var isEmpty: Bool { get }

    /// The 2.5D matrix of a stack of slice matrices (IBSI 62GR: counts summed over the slices).
    init(merging slices: [Self])
}

/// The three IBSI aggregation methods of the GLSZM, GLDZM, NGTDM and NGLDM.
enum SliceVolumeAggregation {
    /// Features for each requested dimension, dimensions in the order 2D, 2.5D, 3D and features in the order
    /// of `definitions`:
    /// - 2D (8QNN): features of each non-empty slice matrix, averaged over those slices;
    /// - 2.5D (62GR): features of the merged slice matrices;
    /// - 3D (KOBO): features of the volume matrix.
    ///
    /// A dimension whose matrices are all empty gives NaN for every feature.
    static func features<Matrix: SliceMergeableTextureMatrix>(
        family: FeatureFamily, definitions: [FeatureDefinition<Matrix>], dimensions: Set<TextureDimension>,
        sliceMatrices: () -> [Matrix], volumeMatrix: () -> Matrix
    ) -> [Feature] {
        func values(_ matrix: Matrix) -> [Double] { definitions.values(of: matrix) }
        let needsSlices = dimensions.contains(.twoD) || dimensions.contains(.twoPointFiveD)
        let slices = needsSlices ? sliceMatrices().filter { !$0.isEmpty } : []
        let undefined = [Double](repeating: .nan, count: definitions.count)

        func valuesIfDefined(_ matrix: Matrix) -> [Double] { matrix.isEmpty ? undefined : values(matrix) }

        var features: [Feature] = []
        for dimension in TextureDimension.allCases where dimensions.contains(dimension) {
            let aggregation: Aggregation
            let featureValues: [Double]
            switch dimension {
            case .twoD:
                aggregation = .slice2D
                featureValues = slices.isEmpty ? undefined : slices.map(values).reduce(
                    into: [Double](repeating: 0, count: definitions.count)
                ) { sum, sliceValues in
                    for k in sum.indices { sum[k] += sliceValues[k] }
                }.map { $0 / Double(slices.count) }
            case .twoPointFiveD:
                aggregation = .volume25D
                featureValues = valuesIfDefined(Matrix(merging: slices))
            case .threeD:
                aggregation = .volume3D
                featureValues = valuesIfDefined(volumeMatrix())
            }
            for (definition, value) in zip(definitions, featureValues) {
                features.append(Feature(family: family, name: definition.name, code: definition.code,
                                        aggregation: aggregation, value: value))
            }
        }
        return features
    }
}
