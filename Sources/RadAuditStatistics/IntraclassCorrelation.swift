/// One intraclass correlation coefficient with its F test and F-based confidence interval.
///
/// The six forms of Shrout & Fleiss (1979) / McGraw & Wong (1996), from the mean squares of ``TwoWayANOVA``:
/// ```
/// ICC(1,1) = (MSR − MSW) / (MSR + (k−1) MSW)                 ICC(1,k) = (MSR − MSW) / MSR
/// ICC(A,1) = (MSR − MSE) / (MSR + (k−1) MSE + k(MSC − MSE)/n)  ICC(A,k) = (MSR − MSE) / (MSR + (MSC − MSE)/n)
/// ICC(C,1) = (MSR − MSE) / (MSR + (k−1) MSE)                 ICC(C,k) = (MSR − MSE) / MSR
/// ```
/// F tests of ρ = 0: `MSR/MSW` on `(n−1, n(k−1))` for the one-way forms, `MSR/MSE` on `(n−1, (n−1)(k−1))`
/// for the A and C forms (the psych/pingouin convention; irr tests the A forms on Satterthwaite df instead).
///
/// Confidence intervals (level `1 − α`):
/// * one-way and consistency: `FL = F₀/F_{1−α/2}(d1, d2)`, `FU = F₀·F_{1−α/2}(d2, d1)`;
///   single `[(FL−1)/(FL+k−1), (FU−1)/(FU+k−1)]`, average `[1 − 1/FL, 1 − 1/FU]`.
/// * ICC(A,1): McGraw & Wong's interval with Satterthwaite df
///   `v = (k−1)(n−1)(kρ·MSC + c·MSE)² / ((n−1)k²ρ²·MSC² + c²·MSE²)`, `c = n(1+(k−1)ρ) − kρ`, ρ = ICC(A,1).
/// * ICC(A,k): the Spearman–Brown transform `kL/(1+(k−1)L)` of the ICC(A,1) bounds — psych and pingouin's
///   convention. irr 0.84.1 recomputes `v` from ICC(A,k) instead and gives a different (wider) interval.
///
/// Degenerate data follow the IEEE arithmetic of the formulas, as pingouin does, with one documented limit:
/// * constant feature (all mean squares 0): estimate, F, p and bounds NaN;
/// * perfect agreement (MSE = 0 and MSC = 0, or MSW = 0 for the one-way forms): estimate 1, F = +∞, p = 0 and
///   the interval `[1, 1]` (the limit as F → ∞; pingouin reports NaN there);
/// * no between-subject variance: negative estimates (−1/(k−1), or −∞ for the average forms) are kept, never
///   clipped; with MSC = 0 as well the Satterthwaite df take their limit `(k−1)(n−1)` (irr reports NaN).
public struct IntraclassCorrelation: Sendable, Equatable {
    /// The six forms, named as pingouin labels them (Shrout–Fleiss ICC(2,·) = ICC(A,·), ICC(3,·) = ICC(C,·)).
    public enum Form: String, CaseIterable, Sendable {
        case oneWaySingle = "ICC(1,1)"
        case agreementSingle = "ICC(A,1)"
        case consistencySingle = "ICC(C,1)"
        case oneWayAverage = "ICC(1,k)"
        case agreementAverage = "ICC(A,k)"
        case consistencyAverage = "ICC(C,k)"

        var isAverage: Bool { [.oneWayAverage, .agreementAverage, .consistencyAverage].contains(self) }
    }

    public let form: Form
    public let estimate: Double
    public let lower: Double
    public let upper: Double
    /// F statistic of the test of ρ = 0, with its degrees of freedom and upper-tail p-value.
    public let fStatistic: Double
    public let df1: Double
    public let df2: Double
    public let pValue: Double

    /// All six forms, in the order of ``Form/allCases``.
    public static func all(_ anova: TwoWayANOVA, confidenceLevel: Double = 0.95) -> [IntraclassCorrelation] {
        Form.allCases.map { IntraclassCorrelation($0, anova: anova, confidenceLevel: confidenceLevel) }
    }

    public init(_ form: Form, anova: TwoWayANOVA, confidenceLevel: Double = 0.95) {
        let n = Double(anova.subjectCount), k = Double(anova.raterCount)
        let msr = anova.msSubjects, msw = anova.msWithin, msc = anova.msRaters, mse = anova.msError
        let alpha = 1 - confidenceLevel
        self.form = form
        df1 = n - 1
        switch form {
        case .oneWaySingle, .oneWayAverage:
            df2 = n * (k - 1)
            fStatistic = msr / msw
        case .agreementSingle, .agreementAverage, .consistencySingle, .consistencyAverage:
            df2 = (n - 1) * (k - 1)
            fStatistic = msr / mse
        }
        pValue = FDistribution(d1: df1, d2: df2).sf(fStatistic)

        switch form {
        case .oneWaySingle: estimate = (msr - msw) / (msr + (k - 1) * msw)
        case .oneWayAverage: estimate = (msr - msw) / msr
        case .consistencySingle: estimate = (msr - mse) / (msr + (k - 1) * mse)
        case .consistencyAverage: estimate = (msr - mse) / msr
        case .agreementSingle: estimate = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
        case .agreementAverage: estimate = (msr - mse) / (msr + (msc - mse) / n)
        }

        switch form {
        case .oneWaySingle, .oneWayAverage, .consistencySingle, .consistencyAverage:
            let lowerF = fStatistic / FDistribution(d1: df1, d2: df2).inverseSurvival(alpha / 2)
            let upperF = fStatistic * FDistribution(d1: df2, d2: df1).inverseSurvival(alpha / 2)
            let bound: (Double) -> Double = form.isAverage
                ? { f in f == .infinity ? 1 : 1 - 1 / f }
                : { f in f == .infinity ? 1 : (f - 1) / (f + k - 1) }
            lower = bound(lowerF)
            upper = bound(upperF)
        case .agreementSingle, .agreementAverage:
            let (single0, single1) = Self.agreementInterval(n: n, k: k, msr: msr, msc: msc, mse: mse, alpha: alpha)
            let spearmanBrown: (Double) -> Double = { k * $0 / (1 + (k - 1) * $0) }
            lower = form.isAverage ? spearmanBrown(single0) : single0
            upper = form.isAverage ? spearmanBrown(single1) : single1
        }
    }

    /// McGraw & Wong's interval for ICC(A,1) with Satterthwaite degrees of freedom.
    private static func agreementInterval(
        n: Double, k: Double, msr: Double, msc: Double, mse: Double, alpha: Double
    ) -> (Double, Double) {
        if mse == 0 && msc == 0 && msr > 0 { return (1, 1) }
        let rho = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
        let c = n * (1 + (k - 1) * rho) - k * rho
        let numerator = k * rho * msc + c * mse
        // With MSC = 0 the c² cancels: v = (k−1)(n−1) also where c = 0 (no between-subject variance).
        let v = msc == 0 ? (k - 1) * (n - 1) : (k - 1) * (n - 1) * numerator * numerator
            / ((n - 1) * k * k * rho * rho * msc * msc + c * c * mse * mse)
        let lowerF = FDistribution(d1: n - 1, d2: v).inverseSurvival(alpha / 2)
        let upperF = FDistribution(d1: v, d2: n - 1).inverseSurvival(alpha / 2)
        let spread = k * msc + (k * n - k - n) * mse
        let lower = n * (msr - lowerF * mse) / (lowerF * spread + n * msr)
        let upper = n * (upperF * msr - mse) / (spread + n * upperF * msr)
        return (lower, upper)
    }
}
