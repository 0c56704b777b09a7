import RadAuditTestSupport
import Testing
import RadAuditImageIO
import RadAuditPreprocessing
@testable import RadAuditFeatures

@Test func toneDifferenceFeaturesMatchTheDigitalPhantomReference() throws {
    let features = NeighbourhoodGreyToneDifferenceFeatures.compute(DigitalPhantom.discretised,
                                        dimensions: Set(TextureDimension.allCases))
    let references = try ReferenceValue.load(familyPrefix: "Neighbourhood grey tone difference based features")
    #expect(references.count == 15)
    let mismatches = ReferenceValue.mismatches(features, against: references)
    #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
}

@Test func toneDifferenceFeaturesComeInManualOrderPerDimension() {
    let features = NeighbourhoodGreyToneDifferenceFeatures.compute(DigitalPhantom.discretised,
                                                                   dimensions: Set(TextureDimension.allCases))
    #expect(features.map(\.code) == Array(repeating: ["QCDE", "65HE", "NQ30", "HDEZ", "1X9X"], count: 3).flatMap { $0 })
    let aggregations: [Aggregation] = [.slice2D, .volume25D, .volume3D]
    #expect(features.map(\.aggregation) == aggregations.flatMap { Array(repeating: $0, count: 5) })
    #expect(features.allSatisfy { $0.family == .ngtdm })
}

/// A row of grey levels 1, 2, 3: n = (1, 1, 1), s = (1, 0, 1) with δ = 1.
@Test func toneDifferenceMatrixOfAHandCountedRow() {
    let region = TestRegions.slice([[1, 2, 3]], levelCount: 3)
    let matrix = NeighbourhoodGreyToneDifferenceMatrix(region, distance: 1, slice: 0)
    #expect(matrix.voxelCounts == [0, 1, 1, 1])
    #expect(matrix.differenceSums == [0, 1, 0, 1])
    #expect(abs(matrix.coarseness - 1.5) < 1e-12)
    #expect(abs(matrix.contrast - 4.0 / 27) < 1e-12)
    #expect(abs(matrix.busyness - 0.25) < 1e-12)
    #expect(abs(matrix.complexity - 2) < 1e-12)
    #expect(abs(matrix.strength - 4) < 1e-12)
    // δ = 2: the end voxels see both others (mean 2.5 and 1.5).
    #expect(NeighbourhoodGreyToneDifferenceMatrix(region, distance: 2, slice: 0).differenceSums == [0, 1.5, 0, 1.5])
}

@Test func toneDifferenceFeaturesOfAUniformRoiTakeTheirLimits() {
    let region = TestRegions.stack([[[2, 2], [2, 2]], [[2, 2], [2, 0]]], levelCount: 2)
    for feature in NeighbourhoodGreyToneDifferenceFeatures.compute(region, dimensions: Set(TextureDimension.allCases)) {
        #expect(feature.value == (feature.code == "QCDE" ? 1e6 : 0), "\(feature.name) \(feature.aggregation)")
    }
}

@Test func toneDifferenceFeaturesWithoutValidNeighbourhoodsAreNaN() {
    // Two voxels that neighbour each other only across slices: no 2D neighbourhood, one 3D pair.
    let region = TestRegions.stack([[[1, 0], [0, 0]], [[0, 0], [0, 3]]], levelCount: 3)
    let features = NeighbourhoodGreyToneDifferenceFeatures.compute(region, dimensions: Set(TextureDimension.allCases))
    #expect(features.filter { $0.aggregation != .volume3D }.allSatisfy { $0.value.isNaN })
    #expect(features.filter { $0.aggregation == .volume3D }.allSatisfy { $0.value.isFinite })
    #expect(NeighbourhoodGreyToneDifferenceFeatures.compute(region, dimensions: [.threeD], distance: 0)
        .allSatisfy { $0.value.isNaN })
}

@Test func toneDifferenceFeaturesOfACTSizedRoi() {
    let features = NeighbourhoodGreyToneDifferenceFeatures.compute(TestRegions.ctSized,
                                                                   dimensions: Set(TextureDimension.allCases))
    #expect(features.count == 15)
    #expect(features.allSatisfy { $0.value.isFinite })
}
