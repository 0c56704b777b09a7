#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import RadAuditImageIO
import RadAuditPreprocessing

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
