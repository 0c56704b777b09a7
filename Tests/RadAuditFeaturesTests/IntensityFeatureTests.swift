import RadAuditTestSupport
import Testing
import RadAuditPreprocessing
@testable import RadAuditFeatures

@Test func digitalPhantomMatchesItsDescription() throws {
    let values = DigitalPhantom.region.maskedIntensities
    #expect(values.count == 74)
    #expect(try ReferenceValue.load(familyPrefix: "").count == 482)
}

@Test func intensityStatisticsMatchIBSI() throws {
    let features = IntensityStatisticsFeatures.compute(DigitalPhantom.region.maskedIntensities)
    let references = try ReferenceValue.load(familyPrefix: "Intensity-based statistical")
    #expect(references.count == 18)
    let misses = ReferenceValue.mismatches(features, against: references)
    #expect(misses.isEmpty, "\(misses.joined(separator: "\n"))")
}

@Test func intensityHistogramMatchesIBSI() throws {
    let region = DigitalPhantom.discretised
    let features = IntensityHistogramFeatures.compute(levels: region.levels, levelCount: region.levelCount)
    let references = try ReferenceValue.load(familyPrefix: "Intensity histogram")
    #expect(references.count == 23)
    let misses = ReferenceValue.mismatches(features, against: references)
    #expect(misses.isEmpty, "\(misses.joined(separator: "\n"))")
}

@Test func intensityVolumeHistogramMatchesIBSI() throws {
    let values = DigitalPhantom.region.maskedIntensities
    let features = IntensityVolumeHistogramFeatures.compute(values, lowest: 1, highest: 6, step: 1)
    let references = try ReferenceValue.load(familyPrefix: "Intensity-volume histogram")
    #expect(references.count == 6)
    let misses = ReferenceValue.mismatches(features, against: references)
    #expect(misses.isEmpty, "\(misses.joined(separator: "\n"))")
}

@Test func constantIntensitiesGiveDocumentedValues() {
    let features = IntensityStatisticsFeatures.compute([5, 5, 5])
    let byCode = Dictionary(uniqueKeysWithValues: features.map { ($0.code, $0.value) })
    #expect(byCode["ECT3"] == 0)
    #expect(byCode["KE2A"] == 0)
    #expect(byCode["7TET"] == 0)
    let zeros = IntensityStatisticsFeatures.compute([0, 0])
    #expect(zeros.first { $0.code == "7TET" }!.value.isNaN)
}
