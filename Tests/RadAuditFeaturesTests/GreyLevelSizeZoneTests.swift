import Foundation
import RadAuditTestSupport
import Testing
import RadAuditImageIO
import RadAuditPreprocessing
@testable import RadAuditFeatures

@Test func sizeZoneFeaturesMatchTheDigitalPhantomReference() throws {
    let features = GreyLevelSizeZoneFeatures.compute(DigitalPhantom.discretised,
                                        dimensions: Set(TextureDimension.allCases))
    let references = try ReferenceValue.load(familyPrefix: "Grey level size zone based features")
    #expect(references.count == 48)
    let mismatches = ReferenceValue.mismatches(features, against: references)
    #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
}

@Test func sizeZoneFeaturesComeInManualOrderPerDimension() {
    let features = GreyLevelSizeZoneFeatures.compute(DigitalPhantom.discretised,
                                        dimensions: Set(TextureDimension.allCases))
    #expect(features.count == 48)
    #expect(features.allSatisfy { $0.family == .glszm })
    let aggregations: [Aggregation] = [.slice2D, .volume25D, .volume3D]
    #expect(features.map(\.aggregation) == aggregations.flatMap { Array(repeating: $0, count: 16) })
    #expect(features.prefix(16).map(\.code) == GreyLevelSizeZoneFeatures.features.map(\.code))
    #expect(features.prefix(16).map(\.name) == GreyLevelSizeZoneFeatures.features.map(\.name))
    let threeD = GreyLevelSizeZoneFeatures.compute(DigitalPhantom.discretised, dimensions: [.threeD])
    #expect(threeD == Array(features.suffix(16)))
}

/// One 3×3 slice: zones (grey level, size) = (1, 3), (2, 4) and (3, 2); the 2-zone is linked diagonally.
@Test func sizeZoneMatrixOfAHandCountedSlice() throws {
    let region = TestRegions.slice([[1, 1, 2],
                                    [1, 2, 2],
                                    [3, 3, 2]], levelCount: 3)
    let features = GreyLevelSizeZoneFeatures.compute(region, dimensions: Set(TextureDimension.allCases))
    for aggregation in [Aggregation.slice2D, .volume25D, .volume3D] {
        let value = { (code: String) in features.first { $0.code == code && $0.aggregation == aggregation }!.value }
        #expect(abs(value("5QRC") - (1.0 / 9 + 1.0 / 16 + 1.0 / 4) / 3) < 1e-12)
        #expect(abs(value("48P8") - (9.0 + 16 + 4) / 3) < 1e-12)
        #expect(abs(value("XMSY") - (1 + 1.0 / 4 + 1.0 / 9) / 3) < 1e-12)
        #expect(abs(value("HW1V") - (1.0 / 9 + 4.0 / 16 + 9.0 / 4) / 3) < 1e-12)
        #expect(abs(value("JNSA") - 1) < 1e-12)
        #expect(abs(value("P30P") - 1.0 / 3) < 1e-12)
        #expect(abs(value("BYLV") - 2.0 / 3) < 1e-12)
        #expect(abs(value("GU8N") - log2(3)) < 1e-12)
    }
}

@Test func zonesLinkAcrossSlicesOnlyIn3D() {
    // Two voxels of grey level 1 touching at a corner across two slices.
    var levels = [Int32](repeating: 0, count: 8)
    levels[0] = 1
    levels[7] = 1
    let region = DiscretisedRegion(size: GridSize(x: 2, y: 2, z: 2), spacing: SIMD3(1, 1, 1), levels: levels,
                                   levelCount: 1, morphologicalMask: levels.map { $0 > 0 })
    #expect(GreyLevelZones(region, planar: true).sizes == [1, 1])
    #expect(GreyLevelZones(region, planar: false).sizes == [2])
}

@Test func sliceAverageSkipsSlicesWithoutRoiVoxels() {
    let slice: [[Int32]] = [[1, 2, 2], [1, 1, 3]]
    let single = TestRegions.slice(slice, levelCount: 3)
    let padded = TestRegions.stack([slice, [[0, 0, 0], [0, 0, 0]]], levelCount: 3)
    let expected = GreyLevelSizeZoneFeatures.compute(single, dimensions: [.twoD, .twoPointFiveD])
    let got = GreyLevelSizeZoneFeatures.compute(padded, dimensions: [.twoD, .twoPointFiveD])
    #expect(got.map(\.value) == expected.map(\.value))
}

@Test func sizeZoneFeaturesOfAnEmptyRoiAreNaN() {
    for region in [TestRegions.slice([[0, 0], [0, 0]], levelCount: 4), TestRegions.stack([], levelCount: 4)] {
        let features = GreyLevelSizeZoneFeatures.compute(region, dimensions: Set(TextureDimension.allCases))
        #expect(features.count == 48)
        #expect(features.allSatisfy { $0.value.isNaN })
    }
}

@Test func sizeZoneFeaturesOfACTSizedRoi() {
    let features = GreyLevelSizeZoneFeatures.compute(TestRegions.ctSized, dimensions: Set(TextureDimension.allCases))
    #expect(features.count == 48)
    #expect(features.allSatisfy { $0.value.isFinite })
}

/// Small regions for texture tests. Level 0 marks voxels outside the ROI; both masks are the ROI.
enum TestRegions {
    /// One axial slice given as rows (`y`) of grey levels (`x`).
    static func slice(_ rows: [[Int32]], levelCount: Int) -> DiscretisedRegion {
        stack([rows], levelCount: levelCount)
    }

    /// Axial slices (`z`), each as rows (`y`) of grey levels (`x`).
    static func stack(_ slices: [[[Int32]]], levelCount: Int) -> DiscretisedRegion {
        let size = GridSize(x: slices.first?.first?.count ?? 0, y: slices.first?.count ?? 0, z: slices.count)
        let levels = slices.flatMap { $0.flatMap { $0 } }
        return DiscretisedRegion(size: size, spacing: SIMD3(1, 1, 1), levels: levels, levelCount: levelCount,
                                 morphologicalMask: levels.map { $0 > 0 })
    }

    /// An ellipsoid of about 10⁵ voxels in a 70 × 70 × 40 grid with 32 grey levels from a smooth pattern plus
    /// pseudo-random noise, the size of the IBSI CT phantom ROI.
    static let ctSized: DiscretisedRegion = {
        let size = GridSize(x: 70, y: 70, z: 40)
        var state: UInt64 = 12345
        var levels = [Int32](repeating: 0, count: size.count)
        for z in 0..<size.z {
            for y in 0..<size.y {
                for x in 0..<size.x {
                    let (u, v, w) = ((Double(x) - 34.5) / 35, (Double(y) - 34.5) / 35, (Double(z) - 19.5) / 20)
                    guard u * u + v * v + w * w <= 1 else { continue }
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    let noise = Double(state >> 11) / Double(1 << 53) - 0.5
                    let pattern: Double = 0.3 * sin(Double(x) / 5) * cos(Double(y) / 7) + 0.15 * sin(Double(z) / 3)
                    let value = 0.5 + pattern + 0.1 * noise
                    levels[size.index(x, y, z)] = Int32(max(1, min(32, Int(value * 32) + 1)))
                }
            }
        }
        return DiscretisedRegion(size: size, spacing: SIMD3(1, 1, 1), levels: levels, levelCount: 32,
                                 morphologicalMask: levels.map { $0 > 0 })
    }()
}

/// Zones by their definition: voxels are joined, pair by pair, when they are neighbours (Chebyshev distance 1,
/// in-plane for `planar`) with the same grey level; zones are numbered in the order of their first voxel.
@Test(arguments: [false, true])
func zonesMatchPairwiseLinking(planar: Bool) {
    let size = GridSize(x: 11, y: 8, z: 7)
    var state: UInt64 = 7
    let levels = (0..<size.count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int32(state >> 62)
    }
    let region = DiscretisedRegion(size: size, spacing: SIMD3(1, 1, 1), levels: levels, levelCount: 3,
                                   morphologicalMask: levels.map { $0 > 0 })
    var parent = Array(0..<size.count)
    func root(_ p: Int) -> Int { parent[p] == p ? p : root(parent[p]) }
    for z in 0..<size.z {
        for y in 0..<size.y {
            for x in 0..<size.x where levels[size.index(x, y, z)] > 0 {
                for k in max(z - 1, 0)...min(z + 1, size.z - 1) where !planar || k == z {
                    for j in max(y - 1, 0)...min(y + 1, size.y - 1) {
                        for i in max(x - 1, 0)...min(x + 1, size.x - 1)
                        where levels[size.index(i, j, k)] == levels[size.index(x, y, z)] {
                            let (a, b) = (root(size.index(x, y, z)), root(size.index(i, j, k)))
                            parent[max(a, b)] = min(a, b)
                        }
                    }
                }
            }
        }
    }
    var numberOfRoot: [Int: Int32] = [:]
    var expectedZones = [Int32](repeating: -1, count: size.count)
    var expectedSizes: [Int32] = []
    for p in 0..<size.count where levels[p] > 0 {
        let zone = numberOfRoot[root(p)] ?? Int32(numberOfRoot.count)
        if zone == expectedSizes.count { expectedSizes.append(0) }
        numberOfRoot[root(p)] = zone
        expectedZones[p] = zone
        expectedSizes[Int(zone)] += 1
    }
    let zones = GreyLevelZones(region, planar: planar)
    #expect(zones.zoneOfVoxel == expectedZones)
    #expect(zones.sizes == expectedSizes)
    #expect(zones.levels.indices.allSatisfy { zones.levels[$0] == levels[expectedZones.firstIndex(of: Int32($0))!] })
    #expect(zones.voxelCounts.reduce(0, +) == levels.filter { $0 > 0 }.count)
    #expect(zones.sliceCount == (planar ? size.z : 1))
}
