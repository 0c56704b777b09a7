import Foundation
import RadAuditTestSupport
import Testing
import RadAuditImageIO
import RadAuditPreprocessing
@testable import RadAuditFeatures

@Test func dependenceFeaturesMatchTheDigitalPhantomReference() throws {
    let features = NeighbouringGreyLevelDependenceFeatures.compute(DigitalPhantom.discretised,
                                        dimensions: Set(TextureDimension.allCases))
    let references = try ReferenceValue.load(familyPrefix: "Neighbouring grey level dependence based features")
    #expect(references.count == 51)
    let mismatches = ReferenceValue.mismatches(features, against: references)
    #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
}

@Test func dependenceFeaturesComeInManualOrderPerDimension() {
    let features = NeighbouringGreyLevelDependenceFeatures.compute(DigitalPhantom.discretised,
                                                                   dimensions: Set(TextureDimension.allCases))
    #expect(features.count == 51)
    #expect(features.allSatisfy { $0.family == .ngldm })
    let aggregations: [Aggregation] = [.slice2D, .volume25D, .volume3D]
    #expect(features.map(\.aggregation) == aggregations.flatMap { Array(repeating: $0, count: 17) })
    #expect(features.suffix(17).map(\.code) == NeighbouringGreyLevelDependenceFeatures.features.map(\.code))
}

/// A row of grey levels 1, 2, 3: with α = 0 no neighbour is dependent (j = 1 for all voxels); with α = 1 every
/// neighbour is (j = 2, 3, 2).
@Test func dependenceMatrixOfAHandCountedRow() {
    let region = TestRegions.slice([[1, 2, 3]], levelCount: 3)
    func value(_ code: String, coarseness: Int, distance: Int = 1) -> Double {
        NeighbouringGreyLevelDependenceFeatures
            .compute(region, dimensions: [.twoD], distance: distance, coarseness: coarseness)
            .first { $0.code == code }?.value ?? .nan
    }
    #expect(value("SODN", coarseness: 0) == 1)
    #expect(abs(value("IMOQ", coarseness: 1) - 17.0 / 3) < 1e-12)
    #expect(abs(value("FCBV", coarseness: 1) - log2(3)) < 1e-12)
    #expect(abs(value("CAS9", coarseness: 1) - 1.0 / 3) < 1e-12)
    #expect(value("IMOQ", coarseness: 1, distance: 0) == 1)
    #expect(value("IMOQ", coarseness: -1) == 1)
}

/// In 3D the normalised grey level non-uniformity equals the intensity histogram uniformity `Σ p_i²`, and the
/// dependence count percentage is 1.
@Test func dependenceMatrixCountsEveryVoxelOnce() {
    let region = DigitalPhantom.discretised
    let voxelLevels = region.levels.filter { $0 > 0 }
    let uniformity = (1...region.levelCount).reduce(0.0) { sum, level in
        let p = Double(voxelLevels.filter { $0 == level }.count) / Double(voxelLevels.count)
        return sum + p * p
    }
    let features = NeighbouringGreyLevelDependenceFeatures.compute(region, dimensions: [.threeD])
    #expect(abs(features.first { $0.code == "5SPA" }!.value - uniformity) < 1e-12)
    #expect(features.first { $0.code == "6XV8" }!.value == 1)
}

@Test func dependenceFeaturesOfAnEmptyRoiAreNaN() {
    let features = NeighbouringGreyLevelDependenceFeatures.compute(TestRegions.slice([[0, 0, 0]], levelCount: 2),
                                                                   dimensions: Set(TextureDimension.allCases))
    #expect(features.count == 51)
    #expect(features.allSatisfy { $0.value.isNaN })
}

@Test func dependenceFeaturesOfACTSizedRoi() {
    let features = NeighbouringGreyLevelDependenceFeatures.compute(TestRegions.ctSized,
                                                                   dimensions: Set(TextureDimension.allCases))
    #expect(features.count == 51)
    #expect(features.allSatisfy { $0.value.isFinite })
}
