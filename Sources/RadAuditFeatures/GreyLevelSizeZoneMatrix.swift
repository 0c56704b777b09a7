#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import RadAuditImageIO
import RadAuditPreprocessing

/// Grey level size zone based features (IBSI 9SAK).
///
/// A zone is a group of connected voxels of the intensity mask that share one grey level: 8-connected
/// within a slice (2D, 2.5D) and 26-connected in the volume (3D). The matrix counts zones `s_ij` by grey
/// level `i` and size `j` (voxels); `N_s` is the number of zones and `N_v` the number of voxels.
public enum GreyLevelSizeZoneFeatures {
    /// Names and IBSI codes of the 16 features, in the order of the manual.
    static let definitions: [(name: String, code: String)] = [
        ("Small zone emphasis", "5QRC"),
        ("Large zone emphasis", "48P8"),
        ("Low grey level zone emphasis", "XMSY"),
        ("High grey level zone emphasis", "5GN9"),
        ("Small zone low grey level emphasis", "5RAI"),
        ("Small zone high grey level emphasis", "HW1V"),
        ("Large zone low grey level emphasis", "YH51"),
        ("Large zone high grey level emphasis", "J17V"),
        ("Grey level non-uniformity", "JNSA"),
        ("Normalised grey level non-uniformity", "Y1RO"),
        ("Zone size non-uniformity", "4JP3"),
        ("Normalised zone size non-uniformity", "VB3A"),
        ("Zone percentage", "P30P"),
        ("Grey level variance", "BYLV"),
        ("Zone size variance", "3NSA"),
        ("Zone size entropy", "GU8N"),
    ]

    /// The 16 GLSZM features for each requested dimension: 2D (`.slice2D`, features averaged over the slices
    /// that contain ROI voxels), 2.5D (`.volume25D`, slice matrices merged) and 3D (`.volume3D`).
    /// Values are NaN when the ROI holds no voxel.
    public static func compute(_ region: DiscretisedRegion, dimensions: Set<TextureDimension>) -> [Feature] {
        SliceVolumeAggregation.features(
            family: .glszm, definitions: definitions, dimensions: dimensions,
            sliceMatrices: { sliceMatrices(of: GreyLevelZones(region, planar: true)) },
            volumeMatrix: { volumeMatrix(of: GreyLevelZones(region, planar: false)) },
            values: values)
    }

    /// One size zone matrix per slice, from zones labelled in-plane.
    static func sliceMatrices(of zones: GreyLevelZones) -> [GroupCountMatrix] {
        (0..<zones.sliceCount).map { slice in
            GroupCountMatrix(
                voxelCount: zones.voxelCounts[slice],
                groups: zones.zones(inSlice: slice).map {
                    GroupCountMatrix.Element(level: Int(zones.levels[$0]), attribute: Int(zones.sizes[$0]))
                })
        }
    }

    /// The size zone matrix of the volume, from zones labelled in 3D.
    static func volumeMatrix(of zones: GreyLevelZones) -> GroupCountMatrix {
        GroupCountMatrix(
            voxelCount: zones.voxelCounts.reduce(0, +),
            groups: zip(zones.levels, zones.sizes).map { GroupCountMatrix.Element(level: Int($0), attribute: Int($1)) })
    }

    /// Feature values in the order of `definitions`.
    static func values(_ m: GroupCountMatrix) -> [Double] {
        [m.smallAttributeEmphasis, m.largeAttributeEmphasis, m.lowGreyLevelEmphasis, m.highGreyLevelEmphasis,
         m.smallAttributeLowGreyLevelEmphasis, m.smallAttributeHighGreyLevelEmphasis,
         m.largeAttributeLowGreyLevelEmphasis, m.largeAttributeHighGreyLevelEmphasis,
         m.greyLevelNonUniformity, m.normalisedGreyLevelNonUniformity,
         m.attributeNonUniformity, m.normalisedAttributeNonUniformity,
         m.groupPercentage, m.greyLevelVariance, m.attributeVariance, m.attributeEntropy]
    }
}

// MARK: - Zones

/// The zones of a discretised region: maximal groups of connected intensity-mask voxels with one grey level
/// (IBSI linkage at Chebyshev distance 1). Labelled by flood fill in one pass over the grid, numbered in the
/// order of their first voxel.
///
/// The fill runs on a copy of the grey levels with a border of one empty voxel on every side, so that every
/// neighbour of a voxel is at a fixed linear offset and needs no bounds check; a labelled voxel's grey level
/// is cleared in the copy, so that one comparison tells whether a neighbour joins the zone.
struct GreyLevelZones {
    /// Zone number of every grid voxel; `-1` outside the intensity mask.
    let zoneOfVoxel: [Int32]
    /// Grey level of each zone.
    let levels: [Int32]
    /// Number of voxels of each zone.
    let sizes: [Int32]
    /// Zones of slice `z` are `sliceStarts[z]..<sliceStarts[z + 1]` (one "slice" for volume zones).
    let sliceStarts: [Int]
    /// Intensity-mask voxels per slice (one entry, the total, for volume zones).
    let voxelCounts: [Int]

    /// Labels zones 8-connected in each axial slice (`planar`) or 26-connected in the volume.
    init(_ region: DiscretisedRegion, planar: Bool) {
        let size = region.size
        let (nx, ny, nz) = (size.x, size.y, size.z)
        let bordered = GridSize(x: nx + 2, y: ny + 2, z: nz + 2)
        var unlabelled = [Int32](repeating: 0, count: bordered.count)
        var zoneOnBorderedGrid = [Int32](repeating: -1, count: bordered.count)
        var levels: [Int32] = []
        var sizes: [Int32] = []
        var sliceStarts = [0]
        var voxelCounts: [Int] = []
        let neighbourOffsets = (planar ? Neighbourhood.neighbours2D : Neighbourhood.neighbours3D)
            .map { $0.x + bordered.x * ($0.y + bordered.y * $0.z) }
        // Every voxel is pushed at most once, so a grid-sized stack never overflows. Entries are indices
        // into the bordered grid.
        var stack = [Int](repeating: 0, count: size.count)
        region.levels.withUnsafeBufferPointer { level in
            unlabelled.withUnsafeMutableBufferPointer { unlabelled in
                for z in 0..<nz {
                    for y in 0..<ny {
                        (unlabelled.baseAddress! + bordered.index(1, y + 1, z + 1))
                            .update(from: level.baseAddress! + size.index(0, y, z), count: nx)
                    }
                }
            }
        }
        unlabelled.withUnsafeMutableBufferPointer { unlabelled in
            zoneOnBorderedGrid.withUnsafeMutableBufferPointer { zone in
                stack.withUnsafeMutableBufferPointer { stack in
                    neighbourOffsets.withUnsafeBufferPointer { neighbourOffsets in
                        var voxelsInSlice = 0
                        for z in 0..<nz {
                            for y in 0..<ny {
                                for x in 0..<nx {
                                    let seed = bordered.index(x + 1, y + 1, z + 1)
                                    let grey = unlabelled[seed]
                                    guard grey > 0 else { continue }
                                    let id = Int32(levels.count)
                                    unlabelled[seed] = 0
                                    stack[0] = seed
                                    var top = 1
                                    var count: Int32 = 0
                                    while top > 0 {
                                        top &-= 1
                                        let voxel = stack[top]
                                        count &+= 1
                                        zone[voxel] = id
                                        for offset in neighbourOffsets {
                                            let q = voxel &+ offset
                                            if unlabelled[q] == grey {
                                                unlabelled[q] = 0
                                                stack[top] = q
                                                top &+= 1
                                            }
                                        }
                                    }
                                    levels.append(grey)
                                    sizes.append(count)
                                    voxelsInSlice &+= Int(count)
                                }
                            }
                            if planar {
                                sliceStarts.append(levels.count)
                                voxelCounts.append(voxelsInSlice)
                                voxelsInSlice = 0
                            }
                        }
                        if !planar {
                            sliceStarts.append(levels.count)
                            voxelCounts.append(voxelsInSlice)
                        }
                    }
                }
            }
        }
        var zoneOfVoxel = [Int32](repeating: -1, count: size.count)
        zoneOfVoxel.withUnsafeMutableBufferPointer { zoneOfVoxel in
            zoneOnBorderedGrid.withUnsafeBufferPointer { zone in
                for z in 0..<nz {
                    for y in 0..<ny {
                        (zoneOfVoxel.baseAddress! + size.index(0, y, z))
                            .update(from: zone.baseAddress! + bordered.index(1, y + 1, z + 1), count: nx)
                    }
                }
            }
        }
        self.zoneOfVoxel = zoneOfVoxel
        self.levels = levels
        self.sizes = sizes
        self.sliceStarts = sliceStarts
        self.voxelCounts = voxelCounts
    }

    /// Number of zones.
    var count: Int { levels.count }

    /// Number of slices (1 for volume zones).
    var sliceCount: Int { voxelCounts.count }

    /// The zone numbers of one slice.
    func zones(inSlice slice: Int) -> Range<Int> { sliceStarts[slice]..<sliceStarts[slice + 1] }
}

// MARK: - Count matrix shared by GLSZM, GLDZM and NGLDM

/// A matrix of counts `s_ij` of voxel groups by grey level `i` and a positive integer group attribute `j`:
/// zone size (GLSZM), zone distance (GLDZM) or dependence count (NGLDM). IBSI defines the same features on
/// all three; they are written here once with `N_s = Σ s_ij` groups, `N_v` voxels, marginals
/// `s_i. = Σ_j s_ij` and `s_.j = Σ_i s_ij`, and `p_ij = s_ij / N_s`.
///
/// Stored sparsely (non-zero elements only), because zone sizes can reach the ROI voxel count.
/// Every feature is NaN for a matrix without groups.
struct GroupCountMatrix: SliceMergeableTextureMatrix {
    /// One group, or `count` groups, with grey level `level` and attribute `attribute`.
    struct Element {
        var level: Int
        var attribute: Int
        var count: Double = 1
    }

    /// Non-zero elements `s_ij`, ordered by attribute, then grey level.
    let elements: [Element]
    /// `s_i.`, indexed by grey level (index 0 is unused).
    let levelMarginal: [Double]
    /// `s_.j` of the attributes present, ascending.
    let attributeMarginal: [(attribute: Int, count: Double)]
    /// `N_s`, the number of groups.
    let groupCount: Double
    /// `N_v`, the number of voxels the groups were taken from.
    let voxelCount: Double

    /// The matrix of `groups` (in any order, repeated pairs allowed) counted from `voxelCount` voxels.
    init(voxelCount: Int, groups: [Element]) {
        self.init(voxelCount: Double(voxelCount), groups: groups)
    }

    private init(voxelCount: Double, groups: [Element]) {
        let sorted = groups.sorted { ($0.attribute, $0.level) < ($1.attribute, $1.level) }
        var elements: [Element] = []
        var attributeMarginal: [(attribute: Int, count: Double)] = []
        var levelMarginal = [Double](repeating: 0, count: groups.reduce(0) { max($0, $1.level) } + 1)
        for group in sorted {
            levelMarginal[group.level] += group.count
            if let last = elements.last, last.level == group.level, last.attribute == group.attribute {
                elements[elements.count - 1].count += group.count
            } else {
                elements.append(group)
            }
            if let last = attributeMarginal.last, last.attribute == group.attribute {
                attributeMarginal[attributeMarginal.count - 1].count += group.count
            } else {
                attributeMarginal.append((group.attribute, group.count))
            }
        }
        self.elements = elements
        self.levelMarginal = levelMarginal
        self.attributeMarginal = attributeMarginal
        self.groupCount = elements.reduce(0) { $0 + $1.count }
        self.voxelCount = voxelCount
    }

    /// The 2.5D matrix: counts and voxel counts of the slice matrices summed.
    init(merging slices: [GroupCountMatrix]) {
        self.init(voxelCount: slices.reduce(0) { $0 + $1.voxelCount }, groups: slices.flatMap(\.elements))
    }

    var isEmpty: Bool { elements.isEmpty }

    /// Small zone (5QRC), small distance (0GBI), low dependence (SODN) emphasis: `(1/N_s) Σ_j s_.j / j²`.
    var smallAttributeEmphasis: Double {
        attributeMarginal.reduce(0) { $0 + $1.count / Self.square($1.attribute) } / groupCount
    }

    /// Large zone (48P8), large distance (MB4I), high dependence (IMOQ) emphasis: `(1/N_s) Σ_j j² s_.j`.
    var largeAttributeEmphasis: Double {
        attributeMarginal.reduce(0) { $0 + Self.square($1.attribute) * $1.count } / groupCount
    }

    /// Low grey level zone (XMSY, S1RA), count (TL9H) emphasis: `(1/N_s) Σ_i s_i. / i²`.
    var lowGreyLevelEmphasis: Double {
        levelMarginal.indices.dropFirst().reduce(0) { $0 + levelMarginal[$1] / Self.square($1) } / groupCount
    }

    /// High grey level zone (5GN9, K26C), count (OAE7) emphasis: `(1/N_s) Σ_i i² s_i.`.
    var highGreyLevelEmphasis: Double {
        levelMarginal.indices.reduce(0) { $0 + Self.square($1) * levelMarginal[$1] } / groupCount
    }

    /// Small zone (5RAI), small distance (RUVG), low dependence (EQ3F) low grey level emphasis:
    /// `(1/N_s) Σ_ij s_ij / (i² j²)`.
    var smallAttributeLowGreyLevelEmphasis: Double {
        elements.reduce(0) { $0 + $1.count / (Self.square($1.level) * Self.square($1.attribute)) } / groupCount
    }

    /// Small zone (HW1V), small distance (DKNJ), low dependence (JA6D) high grey level emphasis:
    /// `(1/N_s) Σ_ij i² s_ij / j²`.
    var smallAttributeHighGreyLevelEmphasis: Double {
        elements.reduce(0) { $0 + Self.square($1.level) * $1.count / Self.square($1.attribute) } / groupCount
    }

    /// Large zone (YH51), large distance (A7WM), high dependence (NBZI) low grey level emphasis:
    /// `(1/N_s) Σ_ij j² s_ij / i²`.
    var largeAttributeLowGreyLevelEmphasis: Double {
        elements.reduce(0) { $0 + Self.square($1.attribute) * $1.count / Self.square($1.level) } / groupCount
    }

    /// Large zone (J17V), large distance (KLTH), high dependence (9QMG) high grey level emphasis:
    /// `(1/N_s) Σ_ij i² j² s_ij`.
    var largeAttributeHighGreyLevelEmphasis: Double {
        elements.reduce(0) { $0 + Self.square($1.level) * Self.square($1.attribute) * $1.count } / groupCount
    }

    /// Grey level non-uniformity (JNSA, VFT7, FP8K): `(1/N_s) Σ_i s_i.²`.
    var greyLevelNonUniformity: Double {
        levelMarginal.reduce(0) { $0 + $1 * $1 } / groupCount
    }

    /// Normalised grey level non-uniformity (Y1RO, 7HP3, 5SPA): `(1/N_s²) Σ_i s_i.²`.
    var normalisedGreyLevelNonUniformity: Double { greyLevelNonUniformity / groupCount }

    /// Zone size (4JP3), zone distance (V294), dependence count (Z87G) non-uniformity: `(1/N_s) Σ_j s_.j²`.
    var attributeNonUniformity: Double {
        attributeMarginal.reduce(0) { $0 + $1.count * $1.count } / groupCount
    }

    /// Normalised zone size (VB3A), zone distance (IATH), dependence count (OKJI) non-uniformity:
    /// `(1/N_s²) Σ_j s_.j²`.
    var normalisedAttributeNonUniformity: Double { attributeNonUniformity / groupCount }

    /// Zone percentage (P30P, VIWW), dependence count percentage (6XV8): `N_s / N_v`.
    var groupPercentage: Double { isEmpty ? .nan : groupCount / voxelCount }

    /// Grey level variance (BYLV, QK93, 1PFV): `Σ_ij (i − μ)² p_ij` with `μ = Σ_ij i p_ij`.
    var greyLevelVariance: Double {
        let mean = levelMarginal.indices.reduce(0) { $0 + Double($1) * levelMarginal[$1] } / groupCount
        return levelMarginal.indices.reduce(0) { $0 + (Double($1) - mean) * (Double($1) - mean) * levelMarginal[$1] }
            / groupCount
    }

    /// Zone size (3NSA), zone distance (7WT1), dependence count (DNX2) variance: `Σ_ij (j − μ)² p_ij` with
    /// `μ = Σ_ij j p_ij`.
    var attributeVariance: Double {
        let mean = attributeMarginal.reduce(0) { $0 + Double($1.attribute) * $1.count } / groupCount
        return attributeMarginal.reduce(0) {
            $0 + (Double($1.attribute) - mean) * (Double($1.attribute) - mean) * $1.count
        } / groupCount
    }

    /// Zone size (GU8N), zone distance (GBDU), dependence count (FCBV) entropy: `−Σ_ij p_ij log₂ p_ij`.
    var attributeEntropy: Double {
        isEmpty ? .nan : -elements.reduce(0) {
            let p = $1.count / groupCount
            return $0 + p * log2(p)
        }
    }

    /// Dependence count energy (CAS9): `Σ_ij p_ij²`.
    var energy: Double {
        isEmpty ? .nan : elements.reduce(0) {
            let p = $1.count / groupCount
            return $0 + p * p
        }
    }

    private static func square(_ k: Int) -> Double { Double(k) * Double(k) }
}

// MARK: - 2D, 2.5D and 3D aggregation

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
        family: FeatureFamily, definitions: [(name: String, code: String)], dimensions: Set<TextureDimension>,
        sliceMatrices: () -> [Matrix], volumeMatrix: () -> Matrix, values: (Matrix) -> [Double]
    ) -> [Feature] {
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
