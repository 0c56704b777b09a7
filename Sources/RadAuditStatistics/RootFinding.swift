/// Safeguarded Newton iteration for inverting monotone distribution functions.
enum RootFinding {
    /// Solves `f(u) = 0` for an increasing `f` on the whole real line. `evaluate` returns `f(u)` and `f′(u)`.
    ///
    /// A bracket is grown from `start` by doubling steps; inside it Newton steps are taken and replaced by
    /// bisection whenever they leave the bracket. Stops when the step is below `1e-15·max(1, |u|)`.
    static func solveIncreasing(start: Double, _ evaluate: (Double) -> (value: Double, slope: Double)) -> Double {
        var u = start
        var (value, slope) = evaluate(u)
        if value == 0 { return u }
        if value.isNaN { return .nan }
        var lower = -Double.infinity, upper = Double.infinity
        var step = 1.0
        // Grow the bracket.
        var probe = u
        for _ in 0..<1100 {
            let probeValue = evaluate(probe).value
            if probeValue.isNaN { return .nan }
            if probeValue < 0 {
                lower = probe
                if upper.isFinite { break }
                probe += step
            } else {
                upper = probe
                if lower.isFinite { break }
                probe -= step
            }
            step *= 2
        }
        guard lower.isFinite, upper.isFinite else { return value < 0 ? .infinity : -.infinity }
        if !(lower...upper).contains(u) { u = (lower + upper) / 2; (value, slope) = evaluate(u) }
        for _ in 0..<400 {
            if value == 0 { return u }
            if value < 0 { lower = u } else { upper = u }
            var next = u - value / slope
            if !(next > lower && next < upper) || !next.isFinite { next = lower + (upper - lower) / 2 }
            let change = abs(next - u)
            u = next
            (value, slope) = evaluate(u)
            if change <= 1e-15 * max(1, abs(u)) || upper - lower <= 2 * (upper.ulp + lower.ulp) { break }
        }
        return u
    }
}
