import RealModule

/// Regularized incomplete beta and gamma functions, the building blocks of the F, t and χ² distributions.
///
/// Both are evaluated by their classical series / continued fractions (DLMF 8.11, 8.9, 8.17.22) on top of
/// `logGamma` from swift-numerics, with modified Lentz evaluation of the continued fractions. Each function
/// returns the lower *and* upper tail so that small tail probabilities keep full relative precision.
enum SpecialFunctions {
    /// Relative tolerance of the series and continued fractions.
    static let tolerance = 1e-16
    static let maximumIterations = 100_000
    private static let tiny = 1e-300

    /// `log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b)`.
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        Double.logGamma(a) + Double.logGamma(b) - Double.logGamma(a + b)
    }

    /// The regularized incomplete beta function `I_x(a, b)` and its complement `1 − I_x(a, b) = I_y(b, a)`,
    /// for `x ∈ [0, 1]` given together with `y = 1 − x` (pass both when `y` is known more accurately than
    /// `1 − x`). NaN for `a ≤ 0`, `b ≤ 0` or a NaN argument.
    static func incompleteBeta(a: Double, b: Double, x: Double, y: Double) -> (lower: Double, upper: Double) {
        guard a > 0, b > 0, !x.isNaN, !y.isNaN else { return (.nan, .nan) }
        if x <= 0 { return (0, 1) }
        if y <= 0 { return (1, 0) }
        if x * (a + b + 2) < a + 1 {
            let lower = betaContinuedFraction(a: a, b: b, x: x, y: y)
            return (lower, 1 - lower)
        }
        let upper = betaContinuedFraction(a: b, b: a, x: y, y: x)
        return (1 - upper, upper)
    }

    /// `x^a y^b / B(a, b)`: the density of `log(x/y)` for the beta variable, used by the quantile solvers.
    static func betaKernel(a: Double, b: Double, x: Double, y: Double) -> Double {
        .exp(a * .log(x) + b * .log(y) - logBeta(a, b))
    }

    /// `I_x(a, b)` by its continued fraction; converges quickly for `x < (a + 1)/(a + b + 2)`.
    private static func betaContinuedFraction(a: Double, b: Double, x: Double, y: Double) -> Double {
        let prefactor = betaKernel(a: a, b: b, x: x, y: y) / a
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var fraction = d
        for m in 1...maximumIterations {
            let m = Double(m)
            let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + even * d
            if abs(d) < tiny { d = tiny }
            c = 1 + even / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            fraction *= d * c
            let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + odd * d
            if abs(d) < tiny { d = tiny }
            c = 1 + odd / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            fraction *= step
            if abs(step - 1) < tolerance { break }
        }
        return prefactor * fraction
    }

    /// The regularized incomplete gamma functions `P(a, x)` and `Q(a, x) = 1 − P(a, x)` for `a > 0`, `x ≥ 0`.
    static func incompleteGamma(a: Double, x: Double) -> (lower: Double, upper: Double) {
        guard a > 0, x >= 0 else { return (.nan, .nan) }
        if x == 0 { return (0, 1) }
        if x.isInfinite { return (1, 0) }
        if x < a + 1 {
            let lower = gammaSeries(a: a, x: x)
            return (lower, 1 - lower)
        }
        let upper = gammaContinuedFraction(a: a, x: x)
        return (1 - upper, upper)
    }

    /// `x^a e^{−x} / Γ(a)`.
    static func gammaKernel(a: Double, x: Double) -> Double {
        .exp(a * .log(x) - x - Double.logGamma(a))
    }

    /// `P(a, x) = x^a e^{−x}/Γ(a + 1) · Σ_n x^n / ((a + 1)…(a + n))`.
    private static func gammaSeries(a: Double, x: Double) -> Double {
        var term = 1.0 / a
        var sum = term
        var denominator = a
        for _ in 0..<maximumIterations {
            denominator += 1
            term *= x / denominator
            sum += term
            if abs(term) < abs(sum) * tolerance { break }
        }
        return sum * gammaKernel(a: a, x: x)
    }

    /// `Q(a, x)` by the Legendre continued fraction `e^{−x} x^a / Γ(a) · 1/(x + 1 − a − 1·(1 − a)/(x + 3 − a − …))`.
    private static func gammaContinuedFraction(a: Double, x: Double) -> Double {
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var fraction = d
        for i in 1...maximumIterations {
            let i = Double(i)
            let an = -i * (i - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            fraction *= step
            if abs(step - 1) < tolerance { break }
        }
        return fraction * gammaKernel(a: a, x: x)
    }
}
