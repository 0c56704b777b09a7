import RadAuditPreprocessing

/// Neighbouring grey level dependence based features (IBSI REK0).
///
/// Every intensity-mask voxel `k` is the centre of a neighbourhood: the voxels within Chebyshev distance `δ`
/// (in its slice for 2D and 2.5D, in the volume for 3D). Its dependence `j_k` is 1 plus the number of
/// neighbours inside the intensity mask whose grey level differs from its own by at most the coarseness
/// `α`. The matrix counts neighbourhoods `s_ij` by centre grey level `i` and dependence `j`; since every
/// voxel is a centre, `N_s = N_v`.
public enum NeighbouringGreyLevelDependenceFeatures {
    /// The 17 features in manual order, each bound to the group count matrix quantity it reads.
    static let features: [FeatureDefinition<GroupCountMatrix>] = [
        .init("Low dependence emphasis", "SODN", \.smallAttributeEmphasis),
        .init("High dependence emphasis", "IMOQ", \.largeAttributeEmphasis),
        .init("Low grey level count emphasis", "TL9H", \.lowGreyLevelEmphasis),
        .init("High grey level count emphasis", "OAE7", \.highGreyLevelEmphasis),
        .init("Low dependence low grey level emphasis", "EQ3F", \.smallAttributeLowGreyLevelEmphasis),
        .init("Low dependence high grey level emphasis", "JA6D", \.smallAttributeHighGreyLevelEmphasis),
        .init("High dependence low grey level emphasis", "NBZI", \.largeAttributeLowGreyLevelEmphasis),
        .init("High dependence high grey level emphasis", "9QMG", \.largeAttributeHighGreyLevelEmphasis),
        .init("Grey level non-uniformity", "FP8K", \.greyLevelNonUniformity),
        .init("Normalised grey level non-uniformity", "5SPA", \.normalisedGreyLevelNonUniformity),
        .init("Dependence count non-uniformity", "Z87G", \.attributeNonUniformity),
        .init("Normalised dependence count non-uniformity", "OKJI", \.normalisedAttributeNonUniformity),
        .init("Dependence count percentage", "6XV8", \.groupPercentage),
        .init("Grey level variance", "1PFV", \.greyLevelVariance),
        .init("Dependence count variance", "DNX2", \.attributeVariance),
        .init("Dependence count entropy", "FCBV", \.attributeEntropy),
        .init("Dependence count energy", "CAS9", \.energy),
    ]

    /// The 17 NGLDM features for each requested dimension: 2D (`.slice2D`, features averaged over the slices
    /// that contain ROI voxels), 2.5D (`.volume25D`, slice matrices merged) and 3D (`.volume3D`), with
    /// neighbourhoods of Chebyshev radius `distance` (none if `distance < 1`) and coarseness `α = coarseness`
    /// (IBSI: a non-negative integer; a negative value makes no neighbour dependent).
    /// Values are NaN when the ROI holds no voxel.
    public static func compute(_ region: DiscretisedRegion, dimensions: Set<TextureDimension>,
                               distance: Int = 1, coarseness: Int = 0) -> [Feature] {
        SliceVolumeAggregation.features(
            family: .ngldm, definitions: features, dimensions: dimensions,
            sliceMatrices: {
                (0..<region.size.z).map {
                    dependenceMatrix(region, distance: distance, coarseness: coarseness, slice: $0)
                }
            },
            volumeMatrix: { dependenceMatrix(region, distance: distance, coarseness: coarseness, slice: nil) })
    }

    /// The dependence matrix of one axial `slice` with in-plane neighbourhoods, or of the volume
    /// (`slice == nil`).
    static func dependenceMatrix(_ region: DiscretisedRegion, distance: Int, coarseness: Int,
                                 slice: Int?) -> GroupCountMatrix {
        let size = region.size
        let window = ChebyshevWindow(size: size, radius: distance, planar: slice != nil)
        let levelBound = region.levelCount + 1
        // Dependence runs from 1 to the window size; counts are stored densely, row `j`, column `i`.
        let width = 2 * window.radius + 1
        let dependenceBound = width * width * (slice == nil ? width : 1) + 1
        var counts = [Int](repeating: 0, count: dependenceBound * levelBound)
        // The window contains the centre voxel, which is dependent on itself whenever `α ≥ 0`.
        let centreCorrection = coarseness >= 0 ? 0 : 1
        var voxelCount = 0
        let slices = slice.map { $0..<$0 + 1 } ?? 0..<size.z
        region.levels.withUnsafeBufferPointer { level in
            counts.withUnsafeMutableBufferPointer { counts in
                for z in slices {
                    for y in 0..<size.y {
                        var p = size.index(0, y, z)
                        for x in 0..<size.x {
                            defer { p &+= 1 }
                            let centre = level[p]
                            guard centre > 0 else { continue }
                            let (xs, ys, zs) = window.offsets(x, y, z)
                            var dependence = centreCorrection
                            for dz in zs {
                                for dy in ys {
                                    let row = p &+ dz &* window.sliceArea &+ dy &* size.x
                                    for dx in xs {
                                        let neighbour = level[row &+ dx]
                                        if neighbour > 0 && abs(Int(neighbour) &- Int(centre)) <= coarseness {
                                            dependence &+= 1
                                        }
                                    }
                                }
                            }
                            counts[dependence &* levelBound &+ Int(centre)] &+= 1
                            voxelCount &+= 1
                        }
                    }
                }
            }
        }
        var groups: [GroupCountMatrix.Element] = []
        for dependence in 1..<dependenceBound {
            for level in 1..<levelBound where counts[dependence * levelBound + level] > 0 {
                groups.append(GroupCountMatrix.Element(level: level, attribute: dependence,
                                                       count: Double(counts[dependence * levelBound + level])))
            }
        }
        return GroupCountMatrix(voxelCount: voxelCount, groups: groups)
    }
}
