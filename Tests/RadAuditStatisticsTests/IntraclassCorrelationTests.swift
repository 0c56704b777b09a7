import RadAuditTestSupport
import Testing
@testable import RadAuditStatistics

struct IntraclassCorrelationTests {
    static let vectors = [
        "icc_shrout_fleiss_1979", "icc_pingouin_wine_8x4", "icc_test_retest_n15_k2",
        "icc_rater_bias_n20_k3", "icc_perturbation_n30_k6",
    ]

    /// Estimate, F, df, p (1e-9) and CI (1e-9) of all six forms against pingouin 0.7.0.
    @Test(arguments: vectors)
    func reproducesPingouin(name: String) throws {
        let vector = try ReferenceVector(name)
        let analysis = AgreementAnalysis(ratings: vector.matrix("input", "ratings"))
        for icc in analysis.intraclassCorrelations {
            let form = icc.form.rawValue
            #expect(close(icc.estimate, vector.number("expected", form, "ICC"), relative: 1e-9), "\(name) \(form)")
            #expect(close(icc.fStatistic, vector.number("expected", form, "F"), relative: 1e-9), "\(name) \(form) F")
            #expect(icc.df1 == vector.number("expected", form, "df1"))
            #expect(icc.df2 == vector.number("expected", form, "df2"))
            #expect(close(icc.pValue, vector.number("expected", form, "pval"), relative: 1e-9), "\(name) \(form) p")
            let ci = vector.numbers("expected", form, "ci95")
            #expect(close(icc.lower, ci[0], relative: 1e-9), "\(name) \(form) lower")
            #expect(close(icc.upper, ci[1], relative: 1e-9), "\(name) \(form) upper")
        }
    }

    @Test func meanSquares() throws {
        let vector = try ReferenceVector("icc_shrout_fleiss_1979")
        let anova = TwoWayANOVA(vector.matrix("input", "ratings"))
        let expected = "mean_squares_after_listwise_deletion"
        #expect(close(anova.msSubjects, vector.number(expected, "MSR"), relative: 1e-13))
        #expect(close(anova.msWithin, vector.number(expected, "MSW"), relative: 1e-13))
        #expect(close(anova.msRaters, vector.number(expected, "MSC"), relative: 1e-13))
        #expect(close(anova.msError, vector.number(expected, "MSE"), relative: 1e-13))
        #expect(close(anova.grandMean, vector.number(expected, "grand_mean"), relative: 1e-14))
    }

    /// Shrout & Fleiss' published two-decimal values.
    @Test func publishedShroutFleissValues() throws {
        let vector = try ReferenceVector("icc_shrout_fleiss_1979")
        let analysis = AgreementAnalysis(ratings: vector.matrix("input", "ratings"))
        for icc in analysis.intraclassCorrelations {
            let published = vector.number("published_values_2dp", icc.form.rawValue)
            #expect(abs(icc.estimate - published) <= 0.005)
        }
    }

    @Test func kooLiClassesOfRobustnessFeatures() throws {
        let vector = try ReferenceVector("robustness_filter_5features_n30_k6")
        for feature in ["F1_very_robust", "F2_robust", "F3_moderate", "F4_poor", "F5_unusable"] {
            let analysis = AgreementAnalysis(ratings: vector.matrix("expected", feature, "ratings"))
            let icc = analysis.intraclassCorrelations[0]
            #expect(close(icc.estimate, vector.number("expected", feature, "icc_1_1", "ICC"), relative: 1e-9))
            let ci = vector.numbers("expected", feature, "icc_1_1", "ci95")
            #expect(close(icc.lower, ci[0], relative: 1e-9) && close(icc.upper, ci[1], relative: 1e-9))
            let rating = ReliabilityRating(icc)
            let decisions = ["expected", feature, "decisions"]
            #expect(rating.estimate?.rawValue == ReferenceJSON.value(vector.root, decisions + ["koo_li_point"]) as? String)
            #expect(rating.lower?.rawValue == ReferenceJSON.value(vector.root, decisions + ["koo_li_lower"]) as? String)
            #expect(rating.upper?.rawValue == ReferenceJSON.value(vector.root, decisions + ["koo_li_upper"]) as? String)
        }
    }

    @Test func kooLiCutPointsAreLeftClosed() {
        #expect(ReliabilityClass(icc: 0.9) == .excellent)
        #expect(ReliabilityClass(icc: 0.75) == .good)
        #expect(ReliabilityClass(icc: 0.5) == .moderate)
        #expect(ReliabilityClass(icc: 0.4999) == .poor)
        #expect(ReliabilityClass(icc: -1) == .poor)
        #expect(ReliabilityClass(icc: .nan) == nil)
    }

    // MARK: Edge cases described in statistics.md §1.3 (held-out vectors icc_edge_*, icc_minimal_*, …)

    @Test func constantFeatureIsNaN() {
        let analysis = AgreementAnalysis(ratings: Array(repeating: [3.7, 3.7, 3.7], count: 6))
        for icc in analysis.intraclassCorrelations {
            #expect(icc.estimate.isNaN && icc.lower.isNaN && icc.upper.isNaN && icc.fStatistic.isNaN && icc.pValue.isNaN)
        }
        #expect(analysis.notes == ["zero variance"])
    }

    @Test func perfectAgreementIsOneWithUnitInterval() {
        let subjects = [1.1, 2.3, 0.7, 5.9, 4.4, 3.3]
        let analysis = AgreementAnalysis(ratings: subjects.map { [$0, $0, $0, $0] })
        for icc in analysis.intraclassCorrelations {
            #expect(icc.estimate == 1, "\(icc.form)")
            #expect(icc.fStatistic == .infinity)
            #expect(icc.pValue == 0)
            #expect(icc.lower == 1 && icc.upper == 1, "\(icc.form) [\(icc.lower), \(icc.upper)]")
        }
        #expect(analysis.notes == ["perfect agreement"])
    }

    /// Latin square (n = 6, k = 3): MSR = MSC = 0 → ICC(1,1) = ICC(C,1) = −1/(k−1) = −0.5,
    /// ICC(A,1) = −1/(k−1−k/n) = −2/3, F = 0, p = 1; negative values are kept.
    @Test func zeroBetweenSubjectVarianceKeepsNegativeValues() {
        let square: [[Double]] = [[1, 2, 3], [2, 3, 1], [3, 1, 2]]
        let analysis = AgreementAnalysis(ratings: square + square)
        let icc = Dictionary(uniqueKeysWithValues: analysis.intraclassCorrelations.map { ($0.form, $0) })
        #expect(icc[.oneWaySingle]!.estimate == -0.5)
        #expect(icc[.consistencySingle]!.estimate == -0.5)
        #expect(close(icc[.agreementSingle]!.estimate, -2.0 / 3, relative: 1e-15))
        #expect(icc[.oneWayAverage]!.estimate == -.infinity)
        #expect(icc[.oneWaySingle]!.fStatistic == 0 && icc[.oneWaySingle]!.pValue == 1)
        #expect(icc[.oneWaySingle]!.lower == -0.5 && icc[.oneWaySingle]!.upper == -0.5)
        #expect(close(icc[.agreementSingle]!.lower, -2.0 / 3, relative: 1e-12))
        #expect(close(icc[.agreementSingle]!.upper, -2.0 / 3, relative: 1e-12))
        #expect(analysis.notes == ["zero between-subject variance"])
    }

    /// Listwise deletion: a subject with a missing rating is dropped from every form.
    @Test func missingValuesUseListwiseDeletion() throws {
        let vector = try ReferenceVector("icc_shrout_fleiss_1979")
        var ratings = vector.matrix("input", "ratings")
        let complete = AgreementAnalysis(ratings: Array(ratings[1...]))
        ratings[0][2] = .nan
        let withMissing = AgreementAnalysis(ratings: ratings)
        #expect(withMissing.completeSubjectCount == 5)
        #expect(withMissing.intraclassCorrelations == complete.intraclassCorrelations)
        #expect(withMissing.notes == ["listwise deletion removed 1 of 6 subjects"])
    }

    /// n = 2, k = 2 (pingouin refuses): F on (1, 2) and (1, 1) df, finite CIs.
    @Test func minimalDesign() {
        let analysis = AgreementAnalysis(ratings: [[1, 2], [4, 4.5]])
        let anova = analysis.anova
        #expect(anova.msSubjects == 2 * (1.5 - 2.875) * (1.5 - 2.875) + 2 * (4.25 - 2.875) * (4.25 - 2.875))
        for icc in analysis.intraclassCorrelations {
            #expect(icc.estimate.isFinite && icc.lower.isFinite && icc.upper.isFinite, "\(icc.form)")
            #expect(icc.lower <= icc.estimate && icc.estimate <= icc.upper, "\(icc.form)")
        }
        let one = analysis.intraclassCorrelations[0]
        let msr = anova.msSubjects, msw = anova.msWithin
        #expect(close(one.estimate, (msr - msw) / (msr + msw), relative: 1e-15))
        #expect(one.df1 == 1 && one.df2 == 2)
    }

    /// A single subject: every statistic NaN, no crash.
    @Test func tooFewSubjects() {
        let analysis = AgreementAnalysis(ratings: [[1, 2, 3]])
        #expect(analysis.intraclassCorrelations.allSatisfy { $0.estimate.isNaN && $0.lower.isNaN })
        #expect(analysis.notes == ["fewer than 2 complete subjects"])
        #expect(AgreementAnalysis(ratings: []).intraclassCorrelations.allSatisfy { $0.estimate.isNaN })
    }

    /// Offsets of 1e6 and 1e8 with a tiny spread give the same mean squares as the unshifted data
    /// (statistics.md: a pivot-shifted two-pass algorithm reaches 1e-12 at offset 1e8).
    @Test(arguments: [1e6, 1e8])
    func largeOffsetKeepsPrecision(offset: Double) throws {
        let vector = try ReferenceVector("icc_rater_bias_n20_k3")
        // Integers times 2⁻²⁶ (the ulp of 1e8), so that `offset + m·2⁻²⁶` is exact and the unshifted data are
        // the reference: a spread of 2e-3 on top of 1e8.
        let scale = 0x1p-26
        let base = vector.matrix("input", "ratings").map { $0.map { ($0 * 1000).rounded() } }
        let reference = AgreementAnalysis(ratings: base.map { $0.map { $0 * scale } })
        let shifted = AgreementAnalysis(ratings: base.map { $0.map { offset + $0 * scale } })
        for (a, b) in zip(shifted.intraclassCorrelations, reference.intraclassCorrelations) {
            #expect(close(a.estimate, b.estimate, relative: 1e-12), "\(a.form) \(a.estimate) vs \(b.estimate)")
            #expect(close(a.lower, b.lower, relative: 1e-11) && close(a.upper, b.upper, relative: 1e-11))
        }
        #expect(close(shifted.overallConcordance, reference.overallConcordance, relative: 1e-12))
    }
}
