import Testing
@testable import RadAuditStatistics

/// Cohen's κ and the main-effects ANOVA against statsmodels 0.15.0 (`statsmodels.stats.inter_rater.cohens_kappa`,
/// `anova_lm(ols(...), typ=2)`), computed once with the tables below.
@Suite struct ObservedStatisticsTests {
    /// κ, its Fleiss–Cohen–Everitt standard error and the 95 % Wald interval.
    @Test(arguments: [
        ([20, 5, 10, 15], 0.3999999999999999, 0.12699606293110033, 0.151092290476661, 0.6489077095233389),
        ([8, 175, 3, 22], -0.01921488740846779, 0.01726947057524662, -0.05306242776802539, 0.014632652951089804),
        ([45, 15, 25, 15], 0.13043478260869554, 0.0986615376234396, -0.06293827779258965, 0.3238078430099807),
    ])
    func kappaMatchesStatsmodels(_ table: [Int], kappa: Double, se: Double, low: Double, high: Double) {
        let k = CohenKappa(bothPositive: table[0], firstOnly: table[1], secondOnly: table[2], bothNegative: table[3])
        #expect(abs(k.estimate - kappa) < 1e-14)
        #expect(abs(k.standardError - se) < 1e-14)
        #expect(abs(k.interval.lower - low) < 1e-13 && abs(k.interval.upper - high) < 1e-13)
    }

    /// Every item in one category on both sides: chance agreement is certain and κ undefined.
    @Test func kappaIsUndefinedWithoutVariation() {
        let k = CohenKappa(bothPositive: 0, firstOnly: 0, secondOnly: 0, bothNegative: 12)
        #expect(k.estimate.isNaN && k.interval.lower.isNaN)
    }

    static let response = [10.1, 9.8, 10.3, 15.2, 14.9, 15.4, 10.0, 15.1, 9.9, 15.3, 10.2, 14.8]
    static let kernel = ["s", "s", "s", "h", "h", "h", "s", "h", "s", "h", "s", "h"]
    static let kvp = ["100", "120", "140", "100", "120", "140", "100", "120", "140", "100", "120", "140"]

    /// Type II sums of squares, F and p of `y ~ C(kernel) + C(kvp)`, and the one-way `y ~ C(kvp)`.
    @Test func mainEffectsMatchStatsmodels() throws {
        let both = try MainEffectsANOVA(response: Self.response, factors: [("kernel", Self.kernel), ("kvp", Self.kvp)])
        #expect(both.terms.map(\.name) == ["kernel", "kvp"])
        #expect(abs(both.terms[0].sumOfSquares - 77.013333333333) < 1e-9)
        #expect(abs(both.terms[0].fStatistic - 1553.210084) < 1e-5)
        #expect(abs(both.terms[0].pValue - 1.889143e-10) < 1e-15)
        #expect(abs(both.terms[1].sumOfSquares - 0.046667) < 1e-6 && abs(both.terms[1].pValue - 0.6408867) < 1e-7)
        #expect(abs(both.residualSumOfSquares - 0.396667) < 1e-6 && both.residualDegreesOfFreedom == 8)
        let total = both.totalSumOfSquares
        #expect(abs(both.terms[0].share - 77.013333333333 / total) < 1e-12)
        let oneWay = try MainEffectsANOVA(response: Self.response, factors: [("kvp", Self.kvp)])
        #expect(abs(oneWay.terms[0].fStatistic - 0.002713) < 1e-6 && abs(oneWay.terms[0].pValue - 0.997292) < 1e-6)
        #expect(abs(oneWay.residualSumOfSquares - 77.41) < 1e-9)
    }

    /// A factor that copies another cannot be separated from it.
    @Test func confoundedFactorsAreNamed() {
        #expect(throws: MainEffectsANOVA.Problem.confounded(factor: "model")) {
            try MainEffectsANOVA(response: Self.response, factors: [("kernel", Self.kernel), ("model", Self.kernel.map { $0 + "x" })])
        }
    }
}
