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
    /// The 16 features in manual order, each bound to the group count matrix quantity it reads.
    static let features: [FeatureDefinition<GroupCountMatrix>] = [
        .init("Small zone emphasis", "5QRC", \.smallAttributeEmphasis),
        .init("Large zone emphasis", "48P8", \.largeAttributeEmphasis),
        .init("Low grey level zone emphasis", "XMSY", \.lowGreyLevelEmphasis),
        .init("High grey level zone emphasis", "5GN9", \.highGreyLevelEmphasis),
        .init("Small zone low grey level emphasis", "5RAI", \.smallAttributeLowGreyLevelEmphasis),
        .init("Small zone high grey level emphasis", "HW1V", \.smallAttributeHighGreyLevelEmphasis),
        .init("Large zone low grey level emphasis", "YH51", \.largeAttributeLowGreyLevelEmphasis),
        .init("Large zone high grey level emphasis", "J17V", \.largeAttributeHighGreyLevelEmphasis),
        .init("Grey level non-uniformity", "JNSA", \.greyLevelNonUniformity),
        .init("Normalised grey level non-uniformity", "Y1RO", \.normalisedGreyLevelNonUniformity),
        .init("Zone size non-uniformity", "4JP3", \.attributeNonUniformity),
        .init("Normalised zone size non-uniformity", "VB3A", \.normalisedAttributeNonUniformity),
        .init("Zone percentage", "P30P", \.groupPercentage),
        .init("Grey level variance", "BYLV", \.greyLevelVariance),
        .init("Zone size variance", "3NSA", \.attributeVariance),
        .init("Zone size entropy", "GU8N", \.attributeEntropy),
    ]

    /// The 16 GLSZM features for each requested dimension: 2D (`.slice2D`, features averaged over the slices
    /// that contain ROI voxels), 2.5D (`.volume25D`, slice matrices merged) and 3D (`.volume3D`).
    /// Values are NaN when the ROI holds no voxel. `zones` are the region's zones, shared with GLDZM.
    public static func compute(_ region: DiscretisedRegion, dimensions: Set<TextureDimension>,
                               zones: SharedZones? = nil) -> [Feature] {
        let zones = zones ?? SharedZones(region)
        return SliceVolumeAggregation.features(
            family: .glszm, definitions: features, dimensions: dimensions,
            sliceMatrices: { sliceMatrices(of: zones.zones(planar: true)) },
            volumeMatrix: { volumeMatrix(of: zones.zones(planar: false)) })
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
}

// MARK: - Zones
