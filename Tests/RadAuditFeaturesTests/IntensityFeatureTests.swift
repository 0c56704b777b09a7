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

@Test(arguments: [0, 1, 2, 7, 1000, 20000])
func radixSortAgreesWithSorted(count: Int) {
    var state = UInt64(count) &+ 5
    let values = (0..<count).map { index -> Double in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        let random = Double(state >> 11) / Double(1 << 53)
        switch index % 6 {
        case 0: return (random - 0.5) * 4000                         // CT-like, both signs
        case 1: return (random * 200).rounded() - 100                // integers with ties
        case 2: return (random - 0.5) * 1e-300                       // tiny, with subnormal-range gaps
        case 3: return random < 0.5 ? 0 : -0.0
        case 4: return (random - 0.5) * 1e300
        default: return random < 0.1 ? -.infinity : random > 0.9 ? .infinity : random
        }
    }
    let radix = values.radixSorted()
    #expect(radix == values.sorted())
    // The IEEE 754 total order: −0 before +0.
    #expect(!zip(radix, radix.dropFirst()).contains { $0 == 0 && $1 == 0 && $0.sign == .plus && $1.sign == .minus })
}

@Test func histogramStatisticsOfCountedLevelsMatchSortedValues() {
    let levels: [Int32] = [3, 0, 1, 3, 2, 2, 0, 5, 3, 1]
    let fromCounts = IntensityHistogramFeatures.compute(levels: levels, levelCount: 5)
    let statistics = FirstOrderStatistics(levels.filter { $0 > 0 }.map(Double.init))
    let byCode = Dictionary(uniqueKeysWithValues: fromCounts.map { ($0.code, $0.value) })
    #expect(byCode["X6K6"] == statistics.mean)
    #expect(byCode["WIFQ"] == statistics.median)
}
