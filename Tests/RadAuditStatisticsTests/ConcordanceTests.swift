import RadAuditTestSupport
import Testing
@testable import RadAuditStatistics

struct ConcordanceTests {
    @Test(arguments: ["ccc_pair_n20_location_scale_shift", "ccc_pair_n10_negative"])
    func reproducesLin(name: String) throws {
        let vector = try ReferenceVector(name)
        let ccc = ConcordanceCorrelation(vector.numbers("input", "x"), vector.numbers("input", "y"))
        func expected(_ key: String) -> Double { vector.number("expected", key) }
        #expect(ccc.count == Int(expected("n")))
        #expect(close(ccc.estimate, expected("ccc"), relative: 1e-12))
        #expect(close(ccc.pearson, expected("pearson_r"), relative: 1e-12))
        #expect(close(ccc.biasCorrection, expected("bias_correction_Cb"), relative: 1e-12))
        #expect(close(ccc.scaleShift, expected("scale_shift_v"), relative: 1e-12))
        #expect(close(ccc.locationShift, expected("location_shift_u"), relative: 1e-12))
        #expect(close(ccc.variance, expected("var_ccc"), relative: 1e-12))
        #expect(close(ccc.zVariance, expected("var_z"), relative: 1e-12))
        let fisher = vector.numbers("expected", "ci95_fisher_z")
        #expect(close(ccc.lower, fisher[0], relative: 1e-12) && close(ccc.upper, fisher[1], relative: 1e-12))
        let asymptotic = vector.numbers("expected", "ci95_asymptotic")
        #expect(close(ccc.asymptoticLower, asymptotic[0], relative: 1e-12))
        #expect(close(ccc.asymptoticUpper, asymptotic[1], relative: 1e-12))
        // Bland–Altman with the vector's x − y sign is ours with the raters swapped.
        let blandAltman = BlandAltman(first: vector.numbers("input", "y"), second: vector.numbers("input", "x"))
        #expect(close(blandAltman.bias, vector.number("expected", "bland_altman_x_minus_y", "mean_diff"), relative: 1e-12))
        let limits = vector.numbers("expected", "bland_altman_x_minus_y", "loa_1_96")
        #expect(close(blandAltman.lowerLimit, limits[0], relative: 1e-12))
        #expect(close(blandAltman.upperLimit, limits[1], relative: 1e-12))
    }

    @Test func perfectAgreement() {
        let x = [1.5, 2.25, 3.0, 7.5, 4.0, 5.5, 6.25, 8.0]
        let ccc = ConcordanceCorrelation(x, x)
        #expect(ccc.estimate == 1 && ccc.pearson == 1)
        #expect(ccc.lower.isNaN && ccc.upper.isNaN)
        #expect(ccc.asymptoticLower == 1 && ccc.asymptoticUpper == 1)
    }

    @Test func constantRaterGivesZero() {
        let x = [1.5, 2.25, 3.0, 7.5, 4.0, 5.5, 6.25, 8.0]
        let ccc = ConcordanceCorrelation(x, Array(repeating: 0.1, count: 8))
        #expect(ccc.estimate == 0)
        #expect(ccc.pearson.isNaN && ccc.lower.isNaN && ccc.upper.isNaN)
    }

    @Test func missingValuesUseCompletePairs() throws {
        let vector = try ReferenceVector("ccc_pair_n10_negative")
        var x = vector.numbers("input", "x"), y = vector.numbers("input", "y")
        let reference = ConcordanceCorrelation(Array(x[2...]), Array(y[2...]))
        x[0] = .nan
        y[1] = .nan
        let ccc = ConcordanceCorrelation(x, y)
        #expect(ccc == reference)
        #expect(ccc.count == 8)
    }

    /// n = 3: 1/(n−2) = 1; n = 1: NaN.
    @Test func smallSamples() {
        let ccc = ConcordanceCorrelation([1, 2, 4], [1.5, 2, 3.5])
        #expect(ccc.estimate.isFinite && ccc.lower.isFinite && ccc.upper.isFinite)
        #expect(ConcordanceCorrelation([1], [2]).estimate.isNaN)
        #expect(ConcordanceCorrelation([], []).estimate.isNaN)
    }

    @Test func largeOffset() {
        let x = [0.25, 1.5, 0.75, 2.0, 1.25, 0.5, 1.75, 1.0], y = [0.5, 1.25, 1.0, 1.75, 1.5, 0.25, 2.0, 0.75]
        let reference = ConcordanceCorrelation(x, y)
        let shifted = ConcordanceCorrelation(x.map { $0 * 0x1p-20 + 1e6 }, y.map { $0 * 0x1p-20 + 1e6 })
        #expect(close(shifted.estimate, reference.estimate, relative: 1e-13))
        #expect(close(shifted.lower, reference.lower, relative: 1e-12))
    }

    @Test func overallConcordance() throws {
        let vector = try ReferenceVector("occc_icc_rater_bias_n20_k3")
        let occc = OverallConcordance.estimate(vector.matrix("input", "ratings"))
        #expect(close(occc, vector.number("expected", "divisor_n", "occc"), relative: 1e-12))
        // With two raters the overall CCC is Lin's CCC.
        let pair = vector.matrix("input", "ratings").map { Array($0[0..<2]) }
        let lin = ConcordanceCorrelation(pair.map { $0[0] }, pair.map { $0[1] }).estimate
        #expect(close(OverallConcordance.estimate(pair), lin, relative: 1e-13))
        #expect(OverallConcordance.estimate([[1, 2]]).isNaN)
    }
}

struct RepeatabilityTests {
    @Test func testRetestSummary() throws {
        let vector = try ReferenceVector("agreement_summary_test_retest_n15_k2")
        let ratings = vector.matrix("input", "ratings")
        let summary = Repeatability(ratings)
        func expected(_ key: String) -> Double { vector.number("expected", key) }
        let cv = vector.numbers("expected", "per_subject_cv")
        #expect(zip(summary.perSubjectCV, cv).allSatisfy { close($0, $1, relative: 1e-12) })
        #expect(close(summary.meanCV, expected("mean_cv"), relative: 1e-12))
        #expect(close(summary.rmsCV, expected("rms_cv"), relative: 1e-12))
        #expect(close(summary.withinSubjectSD, expected("within_subject_sd"), relative: 1e-12))
        #expect(close(summary.withinSubjectCV, expected("within_subject_cv"), relative: 1e-12))
        #expect(close(summary.repeatabilityCoefficient, expected("repeatability_coefficient_1_96_sqrt2"), relative: 1e-12))
        #expect(close(summary.logWithinSubjectCV, expected("log_method_wcv"), relative: 1e-12))

        let blandAltman = BlandAltman(first: ratings.map { $0[0] }, second: ratings.map { $0[1] })
        let path = ["expected", "bland_altman_col2_minus_col1"]
        func ba(_ key: String) -> [Double] {
            (ReferenceJSON.value(vector.root, path + [key]) as? [Any] ?? []).map(ReferenceJSON.number)
        }
        #expect(close(blandAltman.bias, ReferenceJSON.number(ReferenceJSON.value(vector.root, path + ["mean_diff"])), relative: 1e-12))
        #expect(close(blandAltman.sdDifference, ReferenceJSON.number(ReferenceJSON.value(vector.root, path + ["sd_diff"])), relative: 1e-12))
        #expect(close(blandAltman.lowerLimit, ba("loa")[0], relative: 1e-12))
        #expect(close(blandAltman.upperLimit, ba("loa")[1], relative: 1e-12))
        #expect(close(blandAltman.biasInterval.lower, ba("ci95_bias")[0], relative: 1e-12))
        #expect(close(blandAltman.biasInterval.upper, ba("ci95_bias")[1], relative: 1e-12))
        #expect(close(blandAltman.lowerLimitInterval.lower, ba("ci95_lower_loa_approx")[0], relative: 1e-12))
        #expect(close(blandAltman.lowerLimitInterval.upper, ba("ci95_lower_loa_approx")[1], relative: 1e-12))
        #expect(close(blandAltman.upperLimitInterval.lower, ba("ci95_upper_loa_approx")[0], relative: 1e-12))
        #expect(close(blandAltman.upperLimitInterval.upper, ba("ci95_upper_loa_approx")[1], relative: 1e-12))
    }

    @Test func nonPositiveValuesGiveNaNLogCV() {
        let summary = Repeatability([[1, 2], [-1, 3], [2, 2]])
        #expect(summary.logWithinSubjectCV.isNaN)
        #expect(summary.withinSubjectSD.isFinite)
    }
}
