import Foundation
import RadAuditImageIO
import RadAuditPreprocessing
import Testing
@testable import RadAuditFeatures

/// A region of one grey level (a flat ROI, e.g. a coarse bin width): every variance and entropy that the IBSI
/// definitions give as exactly 0 is exactly 0, and the features they divide are NaN, in every aggregation — not the
/// 1e-33 residues and 2⁵³ ratios that rounding of the probabilities once gave.
private let flat: DiscretisedRegion = {
    let size = GridSize(x: 7, y: 5, z: 3)  // pair counts that are not powers of two: 1/total is inexact
    return DiscretisedRegion(size: size, spacing: SIMD3(1, 1, 1), levels: [Int32](repeating: 3, count: size.count),
                             levelCount: 5, morphologicalMask: [Bool](repeating: true, count: size.count))
}()

@Test func flatRegionGivesExactGreyLevelCooccurrenceFeatures() {
    let features = GreyLevelCooccurrenceFeatures.compute(flat, dimensions: Set(TextureDimension.allCases))
    let zero = ["UR99", "TU9B", "D3YU", "NTRS", "OEEB", "P6QZ", "DG8W", "7NFM", "AE86", "JN9H", "ACUI", "8S9J", "TF7R"]
    let undefined = ["NI2N", "R8DG"]
    for feature in features where zero.contains(feature.code) {
        #expect(feature.value == 0, "\(feature.name) \(feature.aggregation): \(feature.value)")
    }
    for feature in features where undefined.contains(feature.code) {
        #expect(feature.value.isNaN, "\(feature.name) \(feature.aggregation): \(feature.value)")
    }
}

@Test func flatRegionHasNoGreyLevelVarianceInAnyTextureFamily() {
    let dimensions = Set(TextureDimension.allCases)
    let families: [(String, [Feature])] = [
        ("8CE5", GreyLevelRunLengthFeatures.compute(flat, dimensions: dimensions)),
        ("BYLV", GreyLevelSizeZoneFeatures.compute(flat, dimensions: dimensions)),
        ("QK93", GreyLevelDistanceZoneFeatures.compute(flat, dimensions: dimensions)),
        ("1PFV", NeighbouringGreyLevelDependenceFeatures.compute(flat, dimensions: dimensions)),
    ]
    for (code, features) in families {
        let variances = features.filter { $0.code == code }
        #expect(!variances.isEmpty)
        for feature in variances { #expect(feature.value == 0, "\(feature.name) \(feature.aggregation): \(feature.value)") }
    }
    // NGTDM: no grey-tone differences, so contrast is 0 (IBSI), whatever the aggregation.
    for feature in NeighbourhoodGreyToneDifferenceFeatures.compute(flat, dimensions: dimensions) where feature.code == "65HE" {
        #expect(feature.value == 0, "\(feature.aggregation): \(feature.value)")
    }
}
