import RadAuditImageIO
import RadAuditPreprocessing

/// Neighbourhood grey tone difference based features (IBSI IPET).
///
/// The neighbourhood of a voxel holds the intensity-mask voxels within Chebyshev distance `δ` of it, itself
/// excluded: in its slice (2D, 2.5D) or in the volume (3D). A voxel has a valid neighbourhood when that set
/// is not empty (`W_k > 0`); only such voxels are counted (IBSI's deviation from Amadasun and King, who
/// required complete neighbourhoods).
public enum NeighbourhoodGreyToneDifferenceFeatures {
    /// The 5 features in manual order, each bound to the matrix quantity it reads.
    static let features: [FeatureDefinition<NeighbourhoodGreyToneDifferenceMatrix>] = [
        .init("Coarseness", "QCDE", \.coarseness),
        .init("Contrast", "65HE", \.contrast),
        .init("Busyness", "NQ30", \.busyness),
        .init("Complexity", "HDEZ", \.complexity),
        .init("Strength", "1X9X", \.strength),
    ]

    /// The 5 NGTDM features for each requested dimension: 2D (`.slice2D`, features averaged over the slices
    /// with at least one valid neighbourhood), 2.5D (`.volume25D`, slice matrices merged) and 3D
    /// (`.volume3D`), with neighbourhoods of Chebyshev radius `distance` (none if `distance < 1`).
    /// Values are NaN when no voxel has a valid neighbourhood.
    public static func compute(_ region: DiscretisedRegion, dimensions: Set<TextureDimension>,
                               distance: Int = 1) -> [Feature] {
        SliceVolumeAggregation.features(
            family: .ngtdm, definitions: features, dimensions: dimensions,
            sliceMatrices: {
                (0..<region.size.z).map { NeighbourhoodGreyToneDifferenceMatrix(region, distance: distance, slice: $0) }
            },
            volumeMatrix: { NeighbourhoodGreyToneDifferenceMatrix(region, distance: distance, slice: nil) })
    }
}

/// The neighbourhood grey tone difference matrix: for each grey level `i`, the number `n_i` of voxels with a
/// valid neighbourhood and the sum `s_i = Σ_k |i − X̄_k|` of their differences to the mean grey level `X̄_k`
/// of their neighbourhood.
///
/// With `N_v,c = Σ n_i`, `p_i = n_i / N_v,c` and `N_g,p` the number of grey levels with `p_i > 0`, the
/// double sums of the features run over the grey levels present (`p_i1 > 0` and `p_i2 > 0`).
struct NeighbourhoodGreyToneDifferenceMatrix: SliceMergeableTextureMatrix {
    /// `n_i`, indexed by grey level (index 0 is unused).
    private(set) var voxelCounts: [Double]
    /// `s_i`, indexed by grey level (index 0 is unused).
    private(set) var differenceSums: [Double]

    /// The matrix of one axial `slice` with in-plane neighbourhoods, or of the volume (`slice == nil`).
    init(_ region: DiscretisedRegion, distance: Int, slice: Int?) {
        let size = region.size
        let window = ChebyshevWindow(size: size, radius: distance, planar: slice != nil)
        let levelBound = region.levelCount + 1
        var voxelCounts = [Double](repeating: 0, count: levelBound)
        var differenceSums = [Double](repeating: 0, count: levelBound)
        let slices = slice.map { $0..<$0 + 1 } ?? 0..<size.z
        region.levels.withUnsafeBufferPointer { level in
            voxelCounts.withUnsafeMutableBufferPointer { voxelCounts in
                differenceSums.withUnsafeMutableBufferPointer { differenceSums in
                    for z in slices {
                        for y in 0..<size.y {
                            var p = size.index(0, y, z)
                            for x in 0..<size.x {
                                defer { p &+= 1 }
                                let centre = level[p]
                                guard centre > 0 else { continue }
                                let (xs, ys, zs) = window.offsets(x, y, z)
                                var sum = 0
                                var count = 0
                                for dz in zs {
                                    for dy in ys {
                                        let row = p &+ dz &* window.sliceArea &+ dy &* size.x
                                        for dx in xs {
                                            let neighbour = level[row &+ dx]
                                            if neighbour > 0 {
                                                sum &+= Int(neighbour)
                                                count &+= 1
                                            }
                                        }
                                    }
                                }
                                // The window includes the centre voxel, which is not part of its neighbourhood.
                                sum &-= Int(centre)
                                count &-= 1
                                guard count > 0 else { continue }
                                voxelCounts[Int(centre)] += 1
                                differenceSums[Int(centre)] += abs(Double(centre) - Double(sum) / Double(count))
                            }
                        }
                    }
                }
            }
        }
        self.voxelCounts = voxelCounts
        self.differenceSums = differenceSums
    }

    /// The 2.5D matrix: `n_i` and `s_i` summed over the slices.
    init(merging slices: [NeighbourhoodGreyToneDifferenceMatrix]) {
        let levelBound = slices.reduce(0) { max($0, $1.voxelCounts.count) }
        voxelCounts = [Double](repeating: 0, count: levelBound)
        differenceSums = [Double](repeating: 0, count: levelBound)
        for slice in slices {
            for i in slice.voxelCounts.indices {
                voxelCounts[i] += slice.voxelCounts[i]
                differenceSums[i] += slice.differenceSums[i]
            }
        }
    }

    /// `N_v,c`, the number of voxels with a valid neighbourhood.
    var validVoxelCount: Double { voxelCounts.reduce(0, +) }

    var isEmpty: Bool { validVoxelCount == 0 }

    /// The grey levels present with their probability `p_i` and difference sum `s_i`.
    private var presentLevels: [(level: Double, probability: Double, differenceSum: Double)] {
        let total = validVoxelCount
        return voxelCounts.indices.filter { voxelCounts[$0] > 0 }.map {
            (Double($0), voxelCounts[$0] / total, differenceSums[$0])
        }
    }

    /// `Σ_i p_i s_i`.
    private var weightedDifferenceSum: Double {
        presentLevels.reduce(0) { $0 + $1.probability * $1.differenceSum }
    }

    /// Coarseness (QCDE): `1 / Σ_i p_i s_i`, set to 10⁶ when the sum is 0.
    var coarseness: Double {
        let sum = weightedDifferenceSum
        return sum == 0 ? 1e6 : 1 / sum
    }

    /// Contrast (65HE): `[1/(N_g,p (N_g,p − 1)) Σ_i1 Σ_i2 p_i1 p_i2 (i1 − i2)²] · [(1/N_v,c) Σ_i s_i]`;
    /// 0 when a single grey level is present.
    var contrast: Double {
        let levels = presentLevels
        guard levels.count > 1 else { return 0 }
        var dynamicRange = 0.0
        for a in levels {
            for b in levels {
                dynamicRange += a.probability * b.probability * (a.level - b.level) * (a.level - b.level)
            }
        }
        let n = Double(levels.count)
        return dynamicRange / (n * (n - 1)) * differenceSums.reduce(0, +) / validVoxelCount
    }

    /// Busyness (NQ30): `Σ_i p_i s_i / Σ_i1 Σ_i2 |i1 p_i1 − i2 p_i2|`; 0 when a single grey level is present,
    /// NaN when the denominator vanishes otherwise.
    var busyness: Double {
        let levels = presentLevels
        guard levels.count > 1 else { return 0 }
        var denominator = 0.0
        for a in levels {
            for b in levels { denominator += abs(a.level * a.probability - b.level * b.probability) }
        }
        return denominator == 0 ? .nan : weightedDifferenceSum / denominator
    }

    /// Complexity (HDEZ): `(1/N_v,c) Σ_i1 Σ_i2 |i1 − i2| (p_i1 s_i1 + p_i2 s_i2) / (p_i1 + p_i2)`.
    var complexity: Double {
        let levels = presentLevels
        var sum = 0.0
        for a in levels {
            for b in levels {
                sum += abs(a.level - b.level) * (a.probability * a.differenceSum + b.probability * b.differenceSum)
                    / (a.probability + b.probability)
            }
        }
        return sum / validVoxelCount
    }

    /// Strength (1X9X): `Σ_i1 Σ_i2 (p_i1 + p_i2)(i1 − i2)² / Σ_i s_i`; 0 when `Σ_i s_i = 0`.
    var strength: Double {
        let total = differenceSums.reduce(0, +)
        guard total > 0 else { return 0 }
        let levels = presentLevels
        var sum = 0.0
        for a in levels {
            for b in levels { sum += (a.probability + b.probability) * (a.level - b.level) * (a.level - b.level) }
        }
        return sum / total
    }
}

/// The voxel offsets within Chebyshev distance `radius` of a centre voxel that stay on the grid, centre
/// included: in-plane for `planar`, else in 3D. Lets neighbourhood loops run without per-voxel bounds checks.
struct ChebyshevWindow {
    let radius: Int
    let planar: Bool
    let size: GridSize

    /// Voxels per slice, the linear step of `dz = 1`.
    var sliceArea: Int { size.x * size.y }

    /// A window on `size`; a `radius` below 1 holds only the centre voxel.
    init(size: GridSize, radius: Int, planar: Bool) {
        self.size = size
        self.radius = max(0, radius)
        self.planar = planar
    }

    /// The offset ranges along x, y and z around voxel `(x, y, z)`, clipped to the grid.
    @inline(__always)
    func offsets(_ x: Int, _ y: Int, _ z: Int) -> (ClosedRange<Int>, ClosedRange<Int>, ClosedRange<Int>) {
        let zRadius = planar ? 0 : radius
        return (max(-radius, -x)...min(radius, size.x - 1 - x),
                max(-radius, -y)...min(radius, size.y - 1 - y),
                max(-zRadius, -z)...min(zRadius, size.z - 1 - z))
    }
}
