import Foundation
import RadAuditTestSupport
import Testing
import RadAuditImageIO
import RadAuditPreprocessing
@testable import RadAuditFeatures

/// Helpers shared by the GLCM and GLRLM tests.
enum DirectionalTextureFixture {
    /// A region on a `size` grid whose levels are given in grid order (`0` = outside the intensity mask).
    static func region(_ size: GridSize, levels: [Int32], levelCount: Int) -> DiscretisedRegion {
        DiscretisedRegion(size: size, spacing: SIMD3(1, 1, 1), levels: levels, levelCount: levelCount,
                          morphologicalMask: levels.map { $0 > 0 })
    }

    /// The value of one feature in a feature list.
    static func value(of code: String, _ aggregation: Aggregation, in features: [Feature]) -> Double? {
        features.first { $0.code == code && $0.aggregation == aggregation }?.value
    }

    /// Expects `computed` to equal the hand-computed `expected` up to rounding.
    static func expectClose(_ computed: Double, _ expected: Double,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(abs(computed - expected) < 1e-12, "\(computed) ≠ \(expected)", sourceLocation: sourceLocation)
    }
}

private typealias Fixture = DirectionalTextureFixture

@Suite struct GreyLevelCooccurrenceTests {
    @Test func digitalPhantomMatchesEveryReferenceValue() throws {
        let references = try ReferenceValue.load(familyPrefix: "Grey level co-occurrence")
        #expect(references.count == 150)
        let features = GreyLevelCooccurrenceFeatures.compute(DigitalPhantom.discretised,
                                                             dimensions: Set(TextureDimension.allCases))
        let mismatches = ReferenceValue.mismatches(features, against: references)
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    }

    @Test func listsTwentyFiveFeaturesPerAggregationInManualOrder() {
        let features = GreyLevelCooccurrenceFeatures.compute(DigitalPhantom.discretised,
                                                             dimensions: Set(TextureDimension.allCases))
        let aggregations: [Aggregation] = [.averaged2D, .sliceMerged2D, .directionMerged25D, .merged25D,
                                           .averaged3D, .merged3D]
        #expect(features.count == 150)
        #expect(features.map(\.aggregation) == aggregations.flatMap { Array(repeating: $0, count: 25) })
        #expect(features.prefix(25).map(\.code) == GreyLevelCooccurrenceMatrix.features.map(\.code))
        #expect(features.allSatisfy { $0.family == .glcm })

        let threeDOnly = GreyLevelCooccurrenceFeatures.compute(DigitalPhantom.discretised, dimensions: [.threeD])
        #expect(threeDOnly.map(\.aggregation) == Array(repeating: .averaged3D, count: 25)
                + Array(repeating: .merged3D, count: 25))
        #expect(threeDOnly == Array(features.suffix(50)))
    }

    @Test func countsSymmetricPairsInsideTheMask() {
        // One row 1 1 2 0 2: the masked-out voxel breaks the pair (2, 2).
        let region = Fixture.region(GridSize(x: 5, y: 1, z: 1), levels: [1, 1, 2, 0, 2], levelCount: 2)
        let matrix = GreyLevelCooccurrenceMatrix(region, offset: SIMD3(1, 0, 0), slices: 0..<1)
        #expect(matrix.counts == [2, 1,
                                  1, 0])
        #expect(matrix.total == 4)

        let atDistanceTwo = GreyLevelCooccurrenceMatrix(region, offset: SIMD3(2, 0, 0), slices: 0..<1)
        #expect(atDistanceTwo.counts == [0, 1,
                                         1, 2])
        #expect(GreyLevelCooccurrenceMatrix(region, offset: SIMD3(0, 1, 0), slices: 0..<1).isEmpty)
    }

    @Test func diagonalDirectionsStayInsideTheGrid() {
        // 2×2×2 cube, levels 1...8 in grid order; (1, 1, 1) pairs only voxel 0 with voxel 7.
        let region = Fixture.region(GridSize(x: 2, y: 2, z: 2), levels: Array(1...8), levelCount: 8)
        let matrix = GreyLevelCooccurrenceMatrix(region, offset: SIMD3(1, 1, 1), slices: 0..<2)
        #expect(matrix.total == 2)
        #expect(matrix.counts[0 * 8 + 7] == 1 && matrix.counts[7 * 8 + 0] == 1)
        let antiDiagonal = GreyLevelCooccurrenceMatrix(region, offset: SIMD3(-1, 1, 0), slices: 1..<2)
        #expect(antiDiagonal.total == 2)
        #expect(antiDiagonal.counts[5 * 8 + 6] == 1 && antiDiagonal.counts[6 * 8 + 5] == 1)
    }

    @Test func inPlaneVolumeMatricesAreMergedSliceMatrices() {
        let region = DigitalPhantom.discretised
        for direction in Neighbourhood.directions2D {
            let volume = GreyLevelCooccurrenceMatrix(region, offset: direction, slices: 0..<4)
            var merged = GreyLevelCooccurrenceMatrix(region, offset: direction, slices: 0..<1)
            for slice in 1..<4 {
                merged.merge(GreyLevelCooccurrenceMatrix(region, offset: direction, slices: slice..<slice + 1))
            }
            #expect(merged.counts == volume.counts && merged.total == volume.total)
        }
    }

    @Test func featuresOfAHandComputedMatrix() {
        // p = [[2, 1], [1, 0]] / 4: p_1. = 3/4, p_2. = 1/4, p_{i−j} = [1/2, 1/2], p_{i+j} = {2: 1/2, 3: 1/2}.
        let region = Fixture.region(GridSize(x: 3, y: 1, z: 1), levels: [1, 1, 2], levelCount: 2)
        let p = GreyLevelCooccurrenceMatrix.Probabilities(
            GreyLevelCooccurrenceMatrix(region, offset: SIMD3(1, 0, 0), slices: 0..<1))
        let hx = -(0.75 * log2(0.75) + 0.25 * log2(0.25))
        let hxy = 1.5
        Fixture.expectClose(p.jointMaximum, 0.5)
        Fixture.expectClose(p.jointAverage, 1.25)
        Fixture.expectClose(p.jointVariance, 0.1875)
        Fixture.expectClose(p.jointEntropy, hxy)
        Fixture.expectClose(p.differenceAverage, 0.5)
        Fixture.expectClose(p.differenceVariance, 0.25)
        Fixture.expectClose(p.differenceEntropy, 1)
        Fixture.expectClose(p.sumAverage, 2.5)
        Fixture.expectClose(p.sumVariance, 0.25)
        Fixture.expectClose(p.sumEntropy, 1)
        Fixture.expectClose(p.angularSecondMoment, 0.375)
        Fixture.expectClose(p.contrast, 0.5)
        Fixture.expectClose(p.dissimilarity, 0.5)
        Fixture.expectClose(p.inverseDifference, 0.75)
        Fixture.expectClose(p.normalisedInverseDifference, 0.5 + 0.5 / 1.5)
        Fixture.expectClose(p.inverseDifferenceMoment, 0.75)
        Fixture.expectClose(p.normalisedInverseDifferenceMoment, 0.5 + 0.5 / 1.25)
        Fixture.expectClose(p.inverseVariance, 0.5)
        Fixture.expectClose(p.correlation, (1.5 - 1.5625) / 0.1875)
        Fixture.expectClose(p.autocorrelation, 1.5)
        Fixture.expectClose(p.clusterTendency, 0.25)
        Fixture.expectClose(p.clusterShade, 0)
        Fixture.expectClose(p.clusterProminence, 0.0625)
        Fixture.expectClose(p.informationCorrelation1, (hxy - 2 * hx) / hx)
        Fixture.expectClose(p.informationCorrelation2, (1 - exp(-2 * (2 * hx - hxy))).squareRoot())
    }

    @Test func undefinedFeaturesAreNaN() {
        // A single grey level: correlation and information correlation 1 divide by zero.
        let uniform = Fixture.region(GridSize(x: 3, y: 3, z: 1), levels: Array(repeating: 2, count: 9),
                                        levelCount: 4)
        let features = GreyLevelCooccurrenceFeatures.compute(uniform, dimensions: [.twoD])
        #expect(Fixture.value(of: "NI2N", .averaged2D, in: features)!.isNaN)
        #expect(Fixture.value(of: "R8DG", .sliceMerged2D, in: features)!.isNaN)
        #expect(Fixture.value(of: "GYBY", .averaged2D, in: features) == 1)
        #expect(Fixture.value(of: "JN9H", .averaged2D, in: features) == 0)
        #expect(Fixture.value(of: "NDRX", .averaged2D, in: features) == 1)

        // No pair at all: every feature NaN, no crash.
        let single = Fixture.region(GridSize(x: 1, y: 1, z: 1), levels: [1], levelCount: 1)
        let none = GreyLevelCooccurrenceFeatures.compute(single, dimensions: Set(TextureDimension.allCases))
        #expect(none.count == 150 && none.allSatisfy { $0.value.isNaN })
    }

    @Test func slicesWithoutPairsAreLeftOutOfAverages() {
        // Slice 0 holds a 3×3 pattern, slice 1 a single voxel (no in-plane pair).
        let pattern: [Int32] = [1, 2, 1, 2, 3, 2, 1, 2, 2]
        var lonely = [Int32](repeating: 0, count: 9)
        lonely[4] = 3
        let both = Fixture.region(GridSize(x: 3, y: 3, z: 2), levels: pattern + lonely, levelCount: 3)
        let patternOnly = Fixture.region(GridSize(x: 3, y: 3, z: 1), levels: pattern, levelCount: 3)
        let withLonely = GreyLevelCooccurrenceFeatures.compute(both, dimensions: [.twoD, .twoPointFiveD])
        let alone = GreyLevelCooccurrenceFeatures.compute(patternOnly, dimensions: [.twoD, .twoPointFiveD])
        #expect(withLonely == alone)
    }
}
