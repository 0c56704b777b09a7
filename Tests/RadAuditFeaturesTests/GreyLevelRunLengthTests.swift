import Foundation
import RadAuditTestSupport
import Testing
import RadAuditImageIO
import RadAuditPreprocessing
@testable import RadAuditFeatures

private typealias Fixture = DirectionalTextureFixture

@Suite struct GreyLevelRunLengthTests {
    @Test func digitalPhantomMatchesEveryReferenceValue() throws {
        let references = try ReferenceValue.load(familyPrefix: "Grey level run length")
        #expect(references.count == 96)
        let features = GreyLevelRunLengthFeatures.compute(DigitalPhantom.discretised,
                                                          dimensions: Set(TextureDimension.allCases))
        let mismatches = ReferenceValue.mismatches(features, against: references)
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    }

    @Test func listsSixteenFeaturesPerAggregationInManualOrder() {
        let features = GreyLevelRunLengthFeatures.compute(DigitalPhantom.discretised,
                                                          dimensions: Set(TextureDimension.allCases))
        let aggregations: [Aggregation] = [.averaged2D, .sliceMerged2D, .directionMerged25D, .merged25D,
                                           .averaged3D, .merged3D]
        #expect(features.count == 96)
        #expect(features.map(\.aggregation) == aggregations.flatMap { Array(repeating: $0, count: 16) })
        #expect(features.prefix(16).map(\.code) == GreyLevelRunLengthMatrix.features.map(\.code))
        #expect(features.allSatisfy { $0.family == .glrlm })
        let twoPointFiveDOnly = GreyLevelRunLengthFeatures.compute(DigitalPhantom.discretised,
                                                                   dimensions: [.twoPointFiveD])
        #expect(twoPointFiveDOnly == Array(features[32..<64]))
    }

    @Test func runsStopAtGreyLevelChangesAndTheMask() {
        // One row 1 1 2 2 2 0 2: runs (1, 2), (2, 3) and (2, 1).
        let region = Fixture.region(GridSize(x: 7, y: 1, z: 1), levels: [1, 1, 2, 2, 2, 0, 2], levelCount: 2)
        let alongRow = GreyLevelRunLengthMatrix(region, direction: SIMD3(1, 0, 0), slices: 0..<1)
        #expect(alongRow.maximalRunLength == 7)
        #expect(alongRow.counts == [0, 1, 0, 0, 0, 0, 0,
                                    1, 0, 1, 0, 0, 0, 0])
        #expect(alongRow.runCount == 3 && alongRow.voxelCount == 6)
        let across = GreyLevelRunLengthMatrix(region, direction: SIMD3(-1, 1, 0), slices: 0..<1)
        #expect(across.runCount == 6 && across.counts[0] == 2 && across.counts[7] == 4)
    }

    @Test func diagonalRunsCrossSlicesOnlyIn3D() {
        // 2×2×2 cube of level 1: along (1, 1, 1) one run of 2 and six runs of 1.
        let region = Fixture.region(GridSize(x: 2, y: 2, z: 2), levels: Array(repeating: 1, count: 8),
                                       levelCount: 1)
        let diagonal = GreyLevelRunLengthMatrix(region, direction: SIMD3(1, 1, 1), slices: 0..<2)
        #expect(diagonal.counts == [6, 1])
        let inPlane = GreyLevelRunLengthMatrix(region, direction: SIMD3(1, -1, 1), slices: 1..<2)
        #expect(inPlane.counts == [4, 0] && inPlane.voxelCount == 4)
    }

    @Test func inPlaneVolumeMatricesAreMergedSliceMatrices() {
        let region = DigitalPhantom.discretised
        for direction in Neighbourhood.directions2D {
            let volume = GreyLevelRunLengthMatrix(region, direction: direction, slices: 0..<4)
            var merged = GreyLevelRunLengthMatrix(region, direction: direction, slices: 0..<1)
            for slice in 1..<4 {
                merged.merge(GreyLevelRunLengthMatrix(region, direction: direction, slices: slice..<slice + 1))
            }
            #expect(merged.counts == volume.counts)
            #expect(merged.runCount == volume.runCount && merged.voxelCount == 74)
        }
    }

    @Test func featuresOfAHandComputedMatrix() {
        // Runs (1, 2), (2, 3), (2, 1) over N_v = 6 voxels.
        let region = Fixture.region(GridSize(x: 7, y: 1, z: 1), levels: [1, 1, 2, 2, 2, 0, 2], levelCount: 2)
        let r = GreyLevelRunLengthMatrix.Marginals(
            GreyLevelRunLengthMatrix(region, direction: SIMD3(1, 0, 0), slices: 0..<1))
        Fixture.expectClose(r.shortRunsEmphasis, (1.0 / 4 + 1.0 / 9 + 1) / 3)
        Fixture.expectClose(r.longRunsEmphasis, (4.0 + 9 + 1) / 3)
        Fixture.expectClose(r.lowGreyLevelRunEmphasis, (1 + 2.0 / 4) / 3)
        Fixture.expectClose(r.highGreyLevelRunEmphasis, (1 + 2.0 * 4) / 3)
        Fixture.expectClose(r.shortRunLowGreyLevelEmphasis, (1.0 / 4 + 1.0 / 36 + 1.0 / 4) / 3)
        Fixture.expectClose(r.shortRunHighGreyLevelEmphasis, (1.0 / 4 + 4.0 / 9 + 4) / 3)
        Fixture.expectClose(r.longRunLowGreyLevelEmphasis, (4 + 9.0 / 4 + 1.0 / 4) / 3)
        Fixture.expectClose(r.longRunHighGreyLevelEmphasis, (4.0 + 36 + 4) / 3)
        Fixture.expectClose(r.greyLevelNonUniformity, 5.0 / 3)
        Fixture.expectClose(r.normalisedGreyLevelNonUniformity, 5.0 / 9)
        Fixture.expectClose(r.runLengthNonUniformity, 1)
        Fixture.expectClose(r.normalisedRunLengthNonUniformity, 1.0 / 3)
        Fixture.expectClose(r.runPercentage, 0.5)
        Fixture.expectClose(r.greyLevelVariance, 2.0 / 9)
        Fixture.expectClose(r.runLengthVariance, 2.0 / 3)
        Fixture.expectClose(r.runEntropy, log2(3.0))
    }

    @Test func mergedMatricesSumTheirVoxelCounts() {
        // A line of four voxels: along x one run of 4, along the 12 other 3D directions four runs of 1.
        let line = Fixture.region(GridSize(x: 4, y: 1, z: 1), levels: [1, 1, 1, 1], levelCount: 1)
        let features = GreyLevelRunLengthFeatures.compute(line, dimensions: [.threeD])
        #expect(Fixture.value(of: "9ZK5", .merged3D, in: features) == 49.0 / 52)
        #expect(Fixture.value(of: "9ZK5", .averaged3D, in: features) == (0.25 + 12) / 13)
    }

    @Test func emptyRegionGivesNaN() {
        let outside = Fixture.region(GridSize(x: 2, y: 2, z: 2), levels: Array(repeating: 0, count: 8),
                                        levelCount: 3)
        let features = GreyLevelRunLengthFeatures.compute(outside, dimensions: Set(TextureDimension.allCases))
        #expect(features.count == 96 && features.allSatisfy { $0.value.isNaN })
    }
}

/// Runs by their definition: a run starts at a voxel whose predecessor along the direction is outside the slab
/// or has another level, and extends while the level stays the same.
@Test(arguments: 0..<3)
func runLengthMatrixMatchesRunsWalkedFromTheirStarts(example: Int) {
    let size = [GridSize(x: 9, y: 7, z: 5), GridSize(x: 1, y: 6, z: 4), GridSize(x: 5, y: 4, z: 1)][example]
    var state = UInt64(example) &+ 11
    let levels = (0..<size.count).map { _ -> Int32 in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int32(state >> 62)
    }
    let region = DiscretisedRegion(size: size, spacing: SIMD3(1, 1, 1), levels: levels, levelCount: 3,
                                   morphologicalMask: levels.map { $0 > 0 })
    let directions = Neighbourhood.neighbours3D
    for direction in directions {
        for slices in [0..<size.z, (size.z - 1)..<size.z, 1..<max(size.z - 1, 1)] {
            let inSlab = { (p: SIMD3<Int>) in
                p.x >= 0 && p.y >= 0 && p.x < size.x && p.y < size.y && slices.contains(p.z)
            }
            var expected = [Int](repeating: 0, count: 3 * max(size.x, size.y, size.z))
            var voxels = 0, runs = 0
            for z in slices {
                for y in 0..<size.y {
                    for x in 0..<size.x {
                        let start = SIMD3(x, y, z)
                        let level = levels[size.index(x, y, z)]
                        let before = start &- direction
                        guard level > 0,
                              !inSlab(before) || levels[size.index(before.x, before.y, before.z)] != level else { continue }
                        var length = 1
                        var next = start &+ direction
                        while inSlab(next) && levels[size.index(next.x, next.y, next.z)] == level {
                            length += 1
                            next &+= direction
                        }
                        expected[Int(level - 1) * max(size.x, size.y, size.z) + length - 1] += 1
                        voxels += length
                        runs += 1
                    }
                }
            }
            let matrix = GreyLevelRunLengthMatrix(region, direction: direction, slices: slices)
            #expect(matrix.counts == expected, "direction \(direction), slices \(slices)")
            #expect(matrix.voxelCount == voxels && matrix.runCount == runs)
        }
    }
}
