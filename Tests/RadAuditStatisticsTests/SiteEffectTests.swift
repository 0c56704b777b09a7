import RadAuditTestSupport
import Testing
@testable import RadAuditStatistics

struct SiteEffectTests {
    static let features = [
        "f1_null", "f2_location_shift", "f3_scale_only", "f4_ties_integer", "f5_small_shift", "f6_lognormal_scale",
    ]

    static func effects(_ vector: ReferenceVector, _ feature: String) -> SiteEffects {
        let sites = (ReferenceJSON.value(vector.root, ["input", "features", feature, "site"]) as! [String])
        return SiteEffects(values: vector.numbers("input", "features", feature, "values"), sites: sites)
    }

    @Test(arguments: features)
    func reproducesScipy(feature: String) throws {
        let vector = try ReferenceVector("site_tests_3sites_6features")
        let effects = Self.effects(vector, feature)
        let expected = ["expected", "features", feature]
        func number(_ path: String...) -> Double { ReferenceJSON.number(ReferenceJSON.value(vector.root, expected + path)) }
        #expect(effects.sites == ["siteA", "siteB", "siteC"])
        #expect(close(effects.kruskalWallis.statistic, number("kruskal", "statistic"), relative: 1e-12))
        #expect(close(effects.kruskalWallis.pValue, number("kruskal", "p"), relative: 1e-11))
        #expect(close(effects.andersonDarling.standardized, number("anderson_ksamp", "midrank", "T_AD"), relative: 1e-12))
        #expect(close(effects.andersonDarling.pValue, number("anderson_ksamp", "midrank", "p_capped"), relative: 1e-10))
        let kSamples = ["cross_checks", "R", "features", feature, "ad_ksample", "version2_midrank", "AD"]
        #expect(close(effects.andersonDarling.statistic, ReferenceJSON.number(ReferenceJSON.value(vector.root, kSamples)), relative: 1e-12))
        for pair in effects.pairs {
            let key = "\(pair.first)_vs_\(pair.second)"
            #expect(close(pair.test.statistic, number("ks_pairwise", key, "statistic"), relative: 1e-15))
            #expect(close(pair.test.pValue, number("ks_pairwise", key, "p_exact"), relative: 1e-10), "\(feature) \(key)")
            #expect(pair.test.method == .exact)
        }
    }

    @Test func benjaminiHochbergAcrossFeatures() throws {
        let vector = try ReferenceVector("site_tests_3sites_6features")
        let pValues = Self.features.map { Self.effects(vector, $0).kruskalWallis.pValue }
        let q = MultipleTesting.adjust(pValues)
        for (feature, value) in zip(Self.features, q) {
            #expect(close(value, vector.number("expected", "kruskal_p_BH_across_features", feature), relative: 1e-10))
        }
        let pairs = Self.features.flatMap { Self.effects(vector, $0).pairs.map(\.test.pValue) }
        let expected = (vector["expected", "ks_exact_p_BH_across_all_pairwise"] as! [[String: Any]])
        for (value, row) in zip(MultipleTesting.adjust(pairs), expected) {
            #expect(close(value, ReferenceJSON.number(row["p_BH"]), relative: 1e-10))
        }
    }

    @Test(arguments: MultipleTesting.Method.allCases)
    func adjustedPValues(method: MultipleTesting.Method) throws {
        let vector = try ReferenceVector("multiple_testing_bh_10")
        let adjusted = MultipleTesting.adjust(vector.numbers("input", "p"), method: method)
        for (value, expected) in zip(adjusted, vector.numbers("expected", method.rawValue)) {
            #expect(close(value, expected, relative: 1e-14))
        }
    }

    @Test func missingPValuesStayOutOfTheFamily() {
        let q = MultipleTesting.adjust([0.01, .nan, 0.04])
        #expect(q[1].isNaN)
        #expect(q[0] == 0.02 && q[2] == 0.04)
    }

    /// R's asymptotic `ks.test` p-value for f4 siteA vs siteB (D = 5/12, m = 12, n = 15).
    @Test func kolmogorovAsymptoticMatchesR() throws {
        let vector = try ReferenceVector("site_tests_3sites_6features")
        let d = vector.number("cross_checks", "R", "features", "f4_ties_integer", "ks_pairwise", "siteA_vs_siteB_asymptotic", "statistic")
        let p = vector.number("cross_checks", "R", "features", "f4_ties_integer", "ks_pairwise", "siteA_vs_siteB_asymptotic", "p")
        let size = (12.0 * 15 / 27).squareRoot()
        #expect(close(KolmogorovDistribution.sf(size * d), p, relative: 1e-10))
    }

    @Test func exactKolmogorovSmallCases() {
        // m = n = 2, D = 1: only 2 of the 6 paths separate completely → p = 1/3.
        let test = KolmogorovSmirnov([1, 2], [3, 4])
        #expect(test.statistic == 1)
        #expect(close(test.pValue, 2.0 / 6, relative: 1e-15))
        #expect(KolmogorovSmirnov([1, 2], [1, 2]).pValue == 1)
        #expect(KolmogorovSmirnov([], [1]).statistic.isNaN)
    }

    @Test func degenerateGroups() {
        #expect(KruskalWallis([[1, 2, 3]]).statistic.isNaN)
        #expect(KruskalWallis([[2, 2], [2, 2]]).statistic.isNaN)
        #expect(AndersonDarling([[2, 2], [2, 2]]).standardized.isNaN)
        #expect(AndersonDarling([[1], [2]]).standardized.isNaN)
        let effects = SiteEffects(values: [1, 2, .nan, 4], sites: ["a", "a", "b", "a"])
        #expect(effects.sites == ["a"])
        #expect(effects.kruskalWallis.pValue.isNaN && effects.pairs.isEmpty)
    }

    @Test func leastSquaresDetectsDependentColumn() {
        let design: [[Double]] = [[1, 0, 2], [1, 1, 2], [1, 0, 2], [1, 1, 2]]
        #expect(LinearAlgebra.QR(design).firstDependentColumn == 2)
        let solution = LinearAlgebra.leastSquares([[1, 0], [1, 1], [1, 2]], [1, 3, 5])!
        #expect(close(solution[0], 1, relative: 1e-14) && close(solution[1], 2, relative: 1e-14))
    }
}
