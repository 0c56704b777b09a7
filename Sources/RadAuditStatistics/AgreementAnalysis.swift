/// Every agreement statistic of one feature measured on `n` subjects by `k` raters (or perturbations,
/// scanners, repeats): the six ICCs, Lin's CCC and Bland–Altman (exactly two raters), the overall CCC and
/// the repeatability summary.
///
/// Missing values (NaN) are handled by **listwise deletion**: a subject with any missing rating is dropped
/// from every statistic (pingouin `nan_policy="omit"`, irr `na.omit`). With two raters this is the same as
/// the complete pairs used for the CCC.
public struct AgreementAnalysis: Sendable {
    public let subjectCount: Int
    public let raterCount: Int
    /// Subjects left after listwise deletion.
    public let completeSubjectCount: Int
    public let anova: TwoWayANOVA
    public let intraclassCorrelations: [IntraclassCorrelation]
    /// Lin's CCC; nil unless there are exactly two raters.
    public let concordance: ConcordanceCorrelation?
    public let overallConcordance: Double
    public let repeatability: Repeatability
    /// Bland–Altman of rater 2 − rater 1; nil unless there are exactly two raters.
    public let blandAltman: BlandAltman?

    /// - Parameter ratings: one row per subject, one column per rater; NaN marks a missing rating.
    public init(ratings: [[Double]], confidenceLevel: Double = 0.95) {
        let k = ratings.first?.count ?? 0
        precondition(ratings.allSatisfy { $0.count == k }, "ratings must be rectangular")
        let complete = ratings.filter { row in row.allSatisfy { !$0.isNaN } }
        subjectCount = ratings.count
        raterCount = k
        completeSubjectCount = complete.count
        anova = TwoWayANOVA(complete)
        intraclassCorrelations = IntraclassCorrelation.all(anova, confidenceLevel: confidenceLevel)
        overallConcordance = OverallConcordance.estimate(complete)
        repeatability = Repeatability(complete)
        if k == 2 {
            let first = complete.map { $0[0] }, second = complete.map { $0[1] }
            concordance = ConcordanceCorrelation(first, second, confidenceLevel: confidenceLevel)
            blandAltman = BlandAltman(first: first, second: second, confidenceLevel: confidenceLevel)
        } else {
            concordance = nil
            blandAltman = nil
        }
    }

    /// Human-readable remarks on degenerate data (empty when the data are regular).
    public var notes: [String] {
        var notes: [String] = []
        if completeSubjectCount < subjectCount {
            notes.append("listwise deletion removed \(subjectCount - completeSubjectCount) of \(subjectCount) subjects")
        }
        if completeSubjectCount < 2 {
            notes.append("fewer than 2 complete subjects")
        } else if anova.ssSubjects == 0 && anova.ssWithin == 0 {
            notes.append("zero variance")
        } else if anova.ssError == 0 && anova.ssRaters == 0 {
            notes.append("perfect agreement")
        } else if anova.ssSubjects == 0 {
            notes.append("zero between-subject variance")
        }
        return notes
    }
}
