import RadAuditTestSupport
import Testing
import RadAuditImageIO
import RadAuditPreprocessing
@testable import RadAuditFeatures

@Test func distanceZoneFeaturesMatchTheDigitalPhantomReference() throws {
    let features = GreyLevelDistanceZoneFeatures.compute(DigitalPhantom.discretised,
                                        dimensions: Set(TextureDimension.allCases))
    let references = try ReferenceValue.load(familyPrefix: "Grey level distance zone based features")
    #expect(references.count == 48)
    let mismatches = ReferenceValue.mismatches(features, against: references)
    #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
}

@Test func distanceZoneFeaturesComeInManualOrderPerDimension() {
    let features = GreyLevelDistanceZoneFeatures.compute(DigitalPhantom.discretised, dimensions: [.twoD, .threeD])
    #expect(features.count == 32)
    #expect(features.allSatisfy { $0.family == .gldzm })
    let aggregations: [Aggregation] = [.slice2D, .volume3D]
    #expect(features.map(\.aggregation) == aggregations.flatMap { Array(repeating: $0, count: 16) })
    #expect(features.prefix(16).map(\.code) == GreyLevelDistanceZoneFeatures.features.map(\.code))
}

/// A 5×5 slice of grey level 1 around a single voxel of grey level 2: zones (1, distance 1) and (2, distance 3).
@Test func distanceZoneMatrixOfAHandCountedSlice() {
    var rows = [[Int32]](repeating: [1, 1, 1, 1, 1], count: 5)
    rows[2][2] = 2
    let features = GreyLevelDistanceZoneFeatures.compute(TestRegions.slice(rows, levelCount: 2), dimensions: [.twoD])
    let value = { (code: String) in features.first { $0.code == code }?.value ?? .nan }
    #expect(abs(value("0GBI") - (1 + 1.0 / 9) / 2) < 1e-12)
    #expect(abs(value("MB4I") - (1 + 9.0) / 2) < 1e-12)
    #expect(abs(value("KLTH") - (1 + 4 * 9.0) / 2) < 1e-12)
    #expect(abs(value("V294") - 1) < 1e-12)
    #expect(abs(value("VIWW") - 2.0 / 25) < 1e-12)
    #expect(abs(value("7WT1") - 1) < 1e-12)
}

/// The two-pass transform equals the brute-force city-block distance to the nearest voxel outside the ROI.
@Test(arguments: [false, true])
func borderDistancesEqualBruteForce(planar: Bool) {
    let size = GridSize(x: 9, y: 7, z: 6)
    var state: UInt64 = 99
    let mask = (0..<size.count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 60 != 0
    }
    let region = DiscretisedRegion(size: size, spacing: SIMD3(1, 1, 1), levels: mask.map { $0 ? 1 : 0 },
                                   levelCount: 1, morphologicalMask: mask)
    let distances = GreyLevelDistanceZoneFeatures.borderDistances(region, planar: planar)
    for z in 0..<size.z {
        for y in 0..<size.y {
            for x in 0..<size.x where mask[size.index(x, y, z)] {
                // Steps to leave the grid count as steps to an outside voxel.
                var nearest = min(x + 1, size.x - x, y + 1, size.y - y)
                if !planar { nearest = min(nearest, z + 1, size.z - z) }
                for k in planar ? z...z : 0...(size.z - 1) {
                    for j in 0..<size.y {
                        for i in 0..<size.x where !mask[size.index(i, j, k)] {
                            nearest = min(nearest, abs(i - x) + abs(j - y) + abs(k - z))
                        }
                    }
                }
                #expect(Int(distances[size.index(x, y, z)]) == nearest, "voxel (\(x), \(y), \(z))")
            }
        }
    }
}

/// The distance map follows the morphological mask: a voxel removed from the intensity mask only (as by
/// re-segmentation) does not bring the ROI edge closer.
@Test func borderDistancesFollowTheMorphologicalMask() {
    var levels = [Int32](repeating: 1, count: 25)
    levels[12] = 0
    let region = DiscretisedRegion(size: GridSize(x: 5, y: 5, z: 1), spacing: SIMD3(1, 1, 1), levels: levels,
                                   levelCount: 1, morphologicalMask: [Bool](repeating: true, count: 25))
    let distances = GreyLevelDistanceZoneFeatures.borderDistances(region, planar: true)
    #expect(distances == [1, 1, 1, 1, 1,
                          1, 2, 2, 2, 1,
                          1, 2, 3, 2, 1,
                          1, 2, 2, 2, 1,
                          1, 1, 1, 1, 1])
}

@Test func distanceZoneFeaturesOfAnEmptyRoiAreNaN() {
    let features = GreyLevelDistanceZoneFeatures.compute(TestRegions.stack([], levelCount: 4),
                                                         dimensions: Set(TextureDimension.allCases))
    #expect(features.count == 48)
    #expect(features.allSatisfy { $0.value.isNaN })
}

@Test func distanceZoneFeaturesOfACTSizedRoi() {
    let features = GreyLevelDistanceZoneFeatures.compute(TestRegions.ctSized,
                                                         dimensions: Set(TextureDimension.allCases))
    #expect(features.count == 48)
    #expect(features.allSatisfy { $0.value.isFinite })
}
