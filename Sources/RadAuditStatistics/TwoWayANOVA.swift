/// Two-way analysis of variance without replication of an `n × k` table (subjects × raters), the basis of
/// every intraclass correlation (Shrout & Fleiss 1979; McGraw & Wong 1996).
///
/// ```
/// SSR = k Σ_i (x̄_i. − x̄)²    MSR = SSR/(n−1)          between subjects
/// SSC = n Σ_j (x̄_.j − x̄)²    MSC = SSC/(k−1)          between raters
/// SSE = Σ (x_ij − x̄_i. − x̄_.j + x̄)²   MSE = SSE/((n−1)(k−1))   residual
/// SSW = Σ (x_ij − x̄_i.)² = SSC + SSE   MSW = SSW/(n(k−1))     within subjects (one-way)
/// ```
/// All sums run on data shifted by the pivot `x_11` and on explicit deviations (no `Σx² − (Σx)²/N`), so
/// the mean squares keep full relative precision at offsets of 1e8 with a spread of 1e-2.
public struct TwoWayANOVA: Sendable, Equatable {
    /// Number of subjects (rows), `n`.
    public let subjectCount: Int
    /// Number of raters (columns), `k`.
    public let raterCount: Int
    /// Grand mean `x̄`.
    public let grandMean: Double
    public let ssSubjects: Double
    public let ssRaters: Double
    public let ssError: Double
    public let ssWithin: Double

    /// - Parameter table: `n` complete rows of `k` values each (no NaN; see ``RatingMatrix`` for deletion).
    public init(_ table: [[Double]]) {
        let n = table.count, k = table.first?.count ?? 0
        precondition(table.allSatisfy { $0.count == k }, "TwoWayANOVA needs a rectangular table")
        subjectCount = n
        raterCount = k
        guard n > 0, k > 0 else {
            grandMean = .nan
            ssSubjects = .nan; ssRaters = .nan; ssError = .nan; ssWithin = .nan
            return
        }
        let pivot = table[0][0]
        let shifted = table.map { row in row.map { $0 - pivot } }
        let subjectMeans = shifted.map { Summation.mean($0) }
        let raterMeans = (0..<k).map { j in Summation.mean(shifted.lazy.map { $0[j] }) }
        // In a balanced table the mean of the subject means and of the rater means are both the grand mean;
        // using each for its own sum makes identical subjects (or raters) give exactly zero.
        let centerOfSubjects = Summation.mean(subjectMeans)
        let centerOfRaters = Summation.mean(raterMeans)
        ssSubjects = Double(k) * Summation.squaredDeviations(subjectMeans, about: centerOfSubjects)
        ssRaters = Double(n) * Summation.squaredDeviations(raterMeans, about: centerOfRaters)
        var error = 0.0, within = 0.0
        for i in 0..<n {
            for j in 0..<k {
                let deviation = shifted[i][j] - subjectMeans[i]
                let residual = deviation - raterMeans[j] + centerOfRaters
                within += deviation * deviation
                error += residual * residual
            }
        }
        ssError = error
        ssWithin = within
        grandMean = pivot + centerOfRaters
    }

    /// `MSR` (psych: MSB), between-subjects mean square, `SSR/(n−1)`.
    public var msSubjects: Double { ssSubjects / Double(subjectCount - 1) }
    /// `MSC` (psych: MSJ), between-raters mean square, `SSC/(k−1)`.
    public var msRaters: Double { ssRaters / Double(raterCount - 1) }
    /// `MSE`, residual mean square, `SSE/((n−1)(k−1))`.
    public var msError: Double { ssError / Double((subjectCount - 1) * (raterCount - 1)) }
    /// `MSW`, within-subject mean square of the one-way model, `SSW/(n(k−1))`.
    public var msWithin: Double { ssWithin / Double(subjectCount * (raterCount - 1)) }
}
