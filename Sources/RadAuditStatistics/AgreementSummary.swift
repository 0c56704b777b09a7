import RealModule

/// Within-subject variability of repeated measurements (Bland & Altman 1996, 1999; QIBA, Raunig et al. 2015).
///
/// * per-subject `CV_i = SD_i / mean_i` (SD with divisor k − 1); mean CV and RMS CV `√mean(CV_i²)`;
/// * within-subject SD `wSD = √MSW` (one-way ANOVA), `wCV = wSD / x̄`;
/// * repeatability coefficient `RC = 1.96·√2·wSD` (≈ 2.77 wSD; the rounded 2.77 differs by 0.07 %);
/// * log method `wCV_log = √(exp(MSW of ln x) − 1)`, NaN unless every value is positive.
///
/// Not the IBSI per-ROI intensity "coefficient of variation" feature (7TET).
public struct Repeatability: Sendable, Equatable {
    public let perSubjectCV: [Double]
    public let meanCV: Double
    public let rmsCV: Double
    public let withinSubjectSD: Double
    public let withinSubjectCV: Double
    public let repeatabilityCoefficient: Double
    public let logWithinSubjectCV: Double

    /// - Parameter table: complete rows (subjects) of `k ≥ 2` repeated values.
    public init(_ table: [[Double]]) {
        let anova = TwoWayANOVA(table)
        perSubjectCV = table.map { (Summation.variance($0)).squareRoot() / Summation.mean($0) }
        meanCV = Summation.mean(perSubjectCV)
        rmsCV = Summation.mean(perSubjectCV.map { $0 * $0 }).squareRoot()
        withinSubjectSD = anova.msWithin.squareRoot()
        withinSubjectCV = withinSubjectSD / anova.grandMean
        repeatabilityCoefficient = 1.96 * 2.0.squareRoot() * withinSubjectSD
        if !table.isEmpty, table.allSatisfy({ $0.allSatisfy { $0 > 0 } }) {
            let logMSW = TwoWayANOVA(table.map { $0.map { Double.log($0) } }).msWithin
            logWithinSubjectCV = Double.expMinusOne(logMSW).squareRoot()
        } else {
            logWithinSubjectCV = .nan
        }
    }
}

/// Bland–Altman analysis of two raters (Lancet 1986; Stat Methods Med Res 1999).
///
/// Sign convention: `d = second − first` (second rater minus first; epiR uses x − y, the opposite sign).
/// Bias `d̄` with CI `d̄ ± t_{1−α/2, n−1} SD_d/√n`; limits of agreement `d̄ ± 1.96 SD_d` (SD with divisor
/// n − 1), each with the approximate CI `± t_{1−α/2, n−1} √(3 SD_d²/n)`. Pairs with a NaN are dropped.
public struct BlandAltman: Sendable, Equatable {
    public let count: Int
    public let bias: Double
    public let sdDifference: Double
    public let biasInterval: ConfidenceInterval
    public let lowerLimit: Double
    public let upperLimit: Double
    public let lowerLimitInterval: ConfidenceInterval
    public let upperLimitInterval: ConfidenceInterval

    public init(first: [Double], second: [Double], confidenceLevel: Double = 0.95) {
        precondition(first.count == second.count, "Bland–Altman needs paired values")
        let differences = zip(first, second).filter { !$0.0.isNaN && !$0.1.isNaN }.map { $0.1 - $0.0 }
        count = differences.count
        let n = Double(count)
        bias = Summation.mean(differences)
        sdDifference = Summation.variance(differences).squareRoot()
        let t = StudentTDistribution(degreesOfFreedom: n - 1).quantile(1 - (1 - confidenceLevel) / 2)
        let biasHalfWidth = t * sdDifference / n.squareRoot()
        biasInterval = ConfidenceInterval(lower: bias - biasHalfWidth, upper: bias + biasHalfWidth)
        lowerLimit = bias - 1.96 * sdDifference
        upperLimit = bias + 1.96 * sdDifference
        let limitHalfWidth = t * (3 * sdDifference * sdDifference / n).squareRoot()
        lowerLimitInterval = ConfidenceInterval(lower: lowerLimit - limitHalfWidth, upper: lowerLimit + limitHalfWidth)
        upperLimitInterval = ConfidenceInterval(lower: upperLimit - limitHalfWidth, upper: upperLimit + limitHalfWidth)
    }

}
