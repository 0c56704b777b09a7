/// A two-sided confidence interval; bounds may be NaN or infinite for degenerate data.
public struct ConfidenceInterval: Sendable, Equatable {
    public let lower: Double
    public let upper: Double

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }
}
