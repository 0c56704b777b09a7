import RadAuditPreprocessing

/// Grey level distance zone based features (IBSI VMDZ).
///
/// Zones are those of the GLSZM (connected intensity-mask voxels of one grey level: 8-connected in a slice,
/// 26-connected in the volume). The distance of a zone is the smallest distance of its voxels to the ROI
/// edge, measured on the *morphological* mask in city-block steps (4-connected in a slice, 6-connected in
/// the volume); voxels on the edge have distance 1. The matrix counts zones `d_ij` by grey level `i` and
/// distance `j`; `N_s` is the number of zones and `N_v` the number of intensity-mask voxels.
public enum GreyLevelDistanceZoneFeatures {
    /// The 16 features in manual order, each bound to the group count matrix quantity it reads.
    static let features: [FeatureDefinition<GroupCountMatrix>] = [
        .init("Small distance emphasis", "0GBI", \.smallAttributeEmphasis),
        .init("Large distance emphasis", "MB4I", \.largeAttributeEmphasis),
        .init("Low grey level zone emphasis", "S1RA", \.lowGreyLevelEmphasis),
        .init("High grey level zone emphasis", "K26C", \.highGreyLevelEmphasis),
        .init("Small distance low grey level emphasis", "RUVG", \.smallAttributeLowGreyLevelEmphasis),
        .init("Small distance high grey level emphasis", "DKNJ", \.smallAttributeHighGreyLevelEmphasis),
        .init("Large distance low grey level emphasis", "A7WM", \.largeAttributeLowGreyLevelEmphasis),
        .init("Large distance high grey level emphasis", "KLTH", \.largeAttributeHighGreyLevelEmphasis),
        .init("Grey level non-uniformity", "VFT7", \.greyLevelNonUniformity),
        .init("Normalised grey level non-uniformity", "7HP3", \.normalisedGreyLevelNonUniformity),
        .init("Zone distance non-uniformity", "V294", \.attributeNonUniformity),
        .init("Normalised zone distance non-uniformity", "IATH", \.normalisedAttributeNonUniformity),
        .init("Zone percentage", "VIWW", \.groupPercentage),
        .init("Grey level variance", "QK93", \.greyLevelVariance),
        .init("Zone distance variance", "7WT1", \.attributeVariance),
        .init("Zone distance entropy", "GBDU", \.attributeEntropy),
    ]

    /// The 16 GLDZM features for each requested dimension: 2D (`.slice2D`, features averaged over the slices
    /// that contain ROI voxels), 2.5D (`.volume25D`, slice matrices merged) and 3D (`.volume3D`).
    /// Values are NaN when the ROI holds no voxel. `zones` are the region's zones, shared with GLSZM.
    public static func compute(_ region: DiscretisedRegion, dimensions: Set<TextureDimension>,
                               zones: SharedZones? = nil) -> [Feature] {
        let zones = zones ?? SharedZones(region)
        return SliceVolumeAggregation.features(
            family: .gldzm, definitions: features, dimensions: dimensions,
            sliceMatrices: { sliceMatrices(of: region, zones: zones.zones(planar: true)) },
            volumeMatrix: { volumeMatrix(of: region, zones: zones.zones(planar: false)) })
    }

    /// One distance zone matrix per slice: zones (labelled in-plane) and distances both in-plane.
    static func sliceMatrices(of region: DiscretisedRegion, zones: GreyLevelZones) -> [GroupCountMatrix] {
        let distances = zoneDistances(zones, borderDistances(region, planar: true))
        return (0..<zones.sliceCount).map { slice in
            GroupCountMatrix(
                voxelCount: zones.voxelCounts[slice],
                groups: zones.zones(inSlice: slice).map {
                    GroupCountMatrix.Element(level: Int(zones.levels[$0]), attribute: Int(distances[$0]))
                })
        }
    }

    /// The distance zone matrix of the volume: zones (labelled in 3D) and distances in 3D.
    static func volumeMatrix(of region: DiscretisedRegion, zones: GreyLevelZones) -> GroupCountMatrix {
        let distances = zoneDistances(zones, borderDistances(region, planar: false))
        return GroupCountMatrix(
            voxelCount: zones.voxelCounts.reduce(0, +),
            groups: zip(zones.levels, distances).map { GroupCountMatrix.Element(level: Int($0), attribute: Int($1)) })
    }

    /// The distance of each zone: the minimum of `voxelDistances` over its voxels.
    static func zoneDistances(_ zones: GreyLevelZones, _ voxelDistances: [Int32]) -> [Int32] {
        var distances = [Int32](repeating: .max, count: zones.count)
        zones.zoneOfVoxel.withUnsafeBufferPointer { zoneOfVoxel in
            voxelDistances.withUnsafeBufferPointer { voxelDistance in
                distances.withUnsafeMutableBufferPointer { distance in
                    for p in zoneOfVoxel.indices where zoneOfVoxel[p] >= 0 {
                        let zone = Int(zoneOfVoxel[p])
                        distance[zone] = min(distance[zone], voxelDistance[p])
                    }
                }
            }
        }
        return distances
    }

    /// City-block distance of every ROI voxel to the nearest voxel outside the ROI, with the grid exterior
    /// outside; `0` outside the ROI. The ROI is the morphological mask together with the intensity mask, so
    /// every intensity-mask voxel has a distance of at least 1. With `planar`, distances are measured within
    /// each slice (4-connected); otherwise in 3D (6-connected).
    ///
    /// Equals the IBSI iterated erosion with the cross-shaped structure element, computed exactly by two
    /// raster passes (forward, then backward) of the city-block distance transform.
    static func borderDistances(_ region: DiscretisedRegion, planar: Bool) -> [Int32] {
        let size = region.size
        let (nx, ny, nz) = (size.x, size.y, size.z)
        let sliceArea = nx * ny
        var distances = [Int32](repeating: 0, count: size.count)
        region.levels.withUnsafeBufferPointer { level in
            region.morphologicalMask.withUnsafeBufferPointer { morphological in
                distances.withUnsafeMutableBufferPointer { distance in
                    var p = 0
                    for z in 0..<nz {
                        for y in 0..<ny {
                            for x in 0..<nx {
                                if morphological[p] || level[p] > 0 {
                                    let left = x > 0 ? distance[p &- 1] : 0
                                    let front = y > 0 ? distance[p &- nx] : 0
                                    let below = planar ? Int32.max : (z > 0 ? distance[p &- sliceArea] : 0)
                                    distance[p] = min(left, front, below) &+ 1
                                }
                                p &+= 1
                            }
                        }
                    }
                    for z in (0..<nz).reversed() {
                        for y in (0..<ny).reversed() {
                            for x in (0..<nx).reversed() {
                                p &-= 1
                                guard distance[p] > 1 else { continue }
                                let right = x < nx - 1 ? distance[p &+ 1] : 0
                                let back = y < ny - 1 ? distance[p &+ nx] : 0
                                let above = planar ? Int32.max : (z < nz - 1 ? distance[p &+ sliceArea] : 0)
                                distance[p] = min(distance[p], min(right, back, above) &+ 1)
                            }
                        }
                    }
                }
            }
        }
        return distances
    }
}
