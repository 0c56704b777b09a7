import RadAuditExtraction
import RadAuditPreprocessing
import Testing
@testable import RadAuditAudit

private let chained = ProtocolPerturbations(
    noise: .init(repetitions: 2, sigma: 10), rotationsDegrees: [-10, 10], translationFractions: [0.25, 0.5],
    volumeFractions: [-0.1, 0.1], contourRepetitions: 1,
    chains: [.init(name: "NTVC", steps: [.noise, .translation, .volumeAdaptation, .contourRandomisation], repetitions: 8)])

@Test func variantsFollowTheProtocolOrder() {
    let variants = VariantPlan.variants(for: chained, seed: 1)
    #expect(variants.map(\.id).prefix(8) == ["original", "noise-1", "noise-2", "rotation--10", "rotation-10",
                                              "translation-0.25", "translation-0.5", "volume_adaptation--0.1"])
    #expect(variants.filter { $0.perturbation == "NTVC" }.count == 8)
    #expect(Set(variants.map(\.id)).count == variants.count)
    #expect(variants[1].parameters == "noise(sigma=10)")
}

@Test func chainDrawsDependOnlyOnTheSeed() {
    let a = VariantPlan.variants(for: chained, seed: 7), b = VariantPlan.variants(for: chained, seed: 7)
    let c = VariantPlan.variants(for: chained, seed: 8)
    #expect(a == b)
    let chainsA = a.filter { $0.perturbation == "NTVC" }.map(\.parameters)
    #expect(chainsA != c.filter { $0.perturbation == "NTVC" }.map(\.parameters))
    // Over 8 repetitions both translation settings are drawn.
    #expect(chainsA.contains { $0.contains("translation(fraction=0.25)") } && chainsA.contains { $0.contains("translation(fraction=0.5)") })
}

@Test func stabilityMatchesShroutAndFleiss() {
    // Shrout & Fleiss (1979) Table 2: 6 targets × 4 judges; ICC(1,1) = .17, ICC(A,1) = .29, ICC(C,1) = .71.
    let ratings: [[Double]] = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    let judges = ["original", "j2", "j3", "j4"]
    var records: [FeatureValue] = []
    for (i, row) in ratings.enumerated() {
        for (j, value) in row.enumerated() {
            records.append(FeatureValue(caseID: "t\(i)", variantID: judges[j], perturbation: j == 0 ? "none" : "judge",
                                         family: "f", feature: "x", ibsiCode: "X", aggregation: "none", value: value))
        }
    }
    for (form, expected) in [("ICC(1,1)", 0.17), ("ICC(A,1)", 0.29), ("ICC(C,1)", 0.71)] {
        let result = StabilityAnalysis.analyse(records, settings: StabilitySettings(statistic: form, metric: .estimate, threshold: 0.5))
        #expect(result.count == 1)
        #expect(abs(result[0].estimate - expected) < 0.005, "\(form): \(result[0].estimate)")
        #expect(result[0].robust == (result[0].estimate >= 0.5))
        #expect(result[0].cases == 6 && result[0].raters == 4)
    }
}

@Test func normalisationIsAPerturbationAxis() throws {
    let p = try AuditProtocol.parse("""
        perturbations:
          normalisation:
            methods: [none, {over: image}, {over: roi, scale: 100, outlier_limit: 3}]
          chains:
            - {name: N, steps: [normalisation], repetitions: 2}
        """, path: "p.yaml")
    let variants = VariantPlan.variants(for: p.perturbations, seed: 1)
    #expect(variants.map(\.id).prefix(4) == ["original", "normalisation-none", "normalisation-image", "normalisation-roi_s100_o3"])
    #expect(variants[3].parameters == "normalisation(over=roi,scale=100,outlier_limit=3)")
    let base = ExtractionSettings(normalisation: IntensityNormalisation(scope: .image))
    #expect(variants[1].settings(from: base).normalisation == nil)
    #expect(variants[3].settings(from: base).normalisation == IntensityNormalisation(scope: .roi, scale: 100, outlierLimit: 3))
    #expect(variants.filter { $0.perturbation == "N" }.count == 2)
    #expect(throws: ProtocolError.self) {
        try AuditProtocol.parse("perturbations:\n  normalisation: {methods: [none, none]}\n", path: "p.yaml")
    }
    #expect(throws: ProtocolError.self) {
        try AuditProtocol.parse("perturbations:\n  normalisation: {methods: [zscore]}\n", path: "p.yaml")
    }
}
