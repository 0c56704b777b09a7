import RealModule

/// Snedecor's F distribution with `d1` numerator and `d2` denominator degrees of freedom (real, > 0).
///
/// `cdf(x) = I_{d1x/(d1x+d2)}(d1/2, d2/2)`; quantiles by Newton iteration on `log x`. Accurate to ~1e-13.
public struct FDistribution: Sendable {
    public let d1: Double
    public let d2: Double

    public init(d1: Double, d2: Double) {
        self.d1 = d1
        self.d2 = d2
    }

    /// `(x, 1 − x)` of the beta variable `d1 e^u / (d1 e^u + d2)` for `u = log F`, both to full precision.
    private func betaArguments(logF u: Double) -> (x: Double, y: Double) {
        let t = u + .log(d1 / d2)
        return (1 / (1 + .exp(-t)), 1 / (1 + .exp(t)))
    }

    private func tails(logF u: Double) -> (lower: Double, upper: Double) {
        let (x, y) = betaArguments(logF: u)
        return SpecialFunctions.incompleteBeta(a: d1 / 2, b: d2 / 2, x: x, y: y)
    }

    /// `P(F ≤ x)`.
    public func cdf(_ x: Double) -> Double {
        guard valid, !x.isNaN else { return .nan }
        if x <= 0 { return 0 }
        if x.isInfinite { return 1 }
        return tails(logF: .log(x)).lower
    }

    /// `P(F > x)` (the p-value of an observed F), with full relative precision in the upper tail.
    public func sf(_ x: Double) -> Double {
        guard valid, !x.isNaN else { return .nan }
        if x <= 0 { return 1 }
        if x.isInfinite { return 0 }
        return tails(logF: .log(x)).upper
    }

    /// The `p`-quantile: `x` with `P(F ≤ x) = p`.
    public func quantile(_ p: Double) -> Double { invert(lowerTail: p, upperTail: 1 - p) }

    /// The upper `q`-quantile: `x` with `P(F > x) = q` (e.g. `q = α/2` for a two-sided CI).
    public func inverseSurvival(_ q: Double) -> Double { invert(lowerTail: 1 - q, upperTail: q) }

    private var valid: Bool { d1 > 0 && d2 > 0 }

    private func invert(lowerTail p: Double, upperTail q: Double) -> Double {
        guard valid, (0...1).contains(p), (0...1).contains(q) else { return .nan }
        if p == 0 { return 0 }
        if q == 0 { return .infinity }
        let a = d1 / 2, b = d2 / 2
        let u = RootFinding.solveIncreasing(start: 0) { u in
            let (x, y) = betaArguments(logF: u)
            let slope = SpecialFunctions.betaKernel(a: a, b: b, x: x, y: y)
            let (lower, upper) = SpecialFunctions.incompleteBeta(a: a, b: b, x: x, y: y)
            return (p <= q ? lower - p : q - upper, slope)
        }
        return .exp(u)
    }
}

/// Student's t distribution with `degreesOfFreedom` (real, > 0), via `t² ~ F(1, ν)`.
public struct StudentTDistribution: Sendable {
    public let degreesOfFreedom: Double

    public init(degreesOfFreedom: Double) {
        self.degreesOfFreedom = degreesOfFreedom
    }

    /// `P(T ≤ t)`.
    public func cdf(_ t: Double) -> Double {
        let tail = FDistribution(d1: 1, d2: degreesOfFreedom).sf(t * t) / 2
        return t < 0 ? tail : 1 - tail
    }

    /// `P(T > t)`.
    public func sf(_ t: Double) -> Double { cdf(-t) }

    /// The `p`-quantile.
    public func quantile(_ p: Double) -> Double {
        guard (0...1).contains(p) else { return .nan }
        if p == 0.5 { return 0 }
        let tail = min(p, 1 - p)
        let magnitude = FDistribution(d1: 1, d2: degreesOfFreedom).inverseSurvival(2 * tail).squareRoot()
        return p < 0.5 ? -magnitude : magnitude
    }
}

/// The standard normal distribution.
public enum NormalDistribution {
    /// `Φ(z)`.
    public static func cdf(_ z: Double) -> Double { Double.erfc(-z / 2.0.squareRoot()) / 2 }

    /// `1 − Φ(z)`.
    public static func sf(_ z: Double) -> Double { Double.erfc(z / 2.0.squareRoot()) / 2 }

    /// `φ(z)`.
    public static func pdf(_ z: Double) -> Double { .exp(-z * z / 2) / (2 * Double.pi).squareRoot() }

    /// `Φ⁻¹(p)`, e.g. `quantile(0.975) = 1.959963984540054`.
    public static func quantile(_ p: Double) -> Double {
        guard (0...1).contains(p) else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        let q = 1 - p
        return RootFinding.solveIncreasing(start: 0) { z in
            (p <= q ? cdf(z) - p : q - sf(z), pdf(z))
        }
    }
}

/// The χ² distribution with `degreesOfFreedom` (real, > 0): `cdf(x) = P(k/2, x/2)`.
public struct ChiSquaredDistribution: Sendable {
    public let degreesOfFreedom: Double

    public init(degreesOfFreedom: Double) {
        self.degreesOfFreedom = degreesOfFreedom
    }

    /// `P(X ≤ x)`.
    public func cdf(_ x: Double) -> Double {
        guard degreesOfFreedom > 0, !x.isNaN else { return .nan }
        if x <= 0 { return 0 }
        return SpecialFunctions.incompleteGamma(a: degreesOfFreedom / 2, x: x / 2).lower
    }

    /// `P(X > x)` with full relative precision in the upper tail.
    public func sf(_ x: Double) -> Double {
        guard degreesOfFreedom > 0, !x.isNaN else { return .nan }
        if x <= 0 { return 1 }
        return SpecialFunctions.incompleteGamma(a: degreesOfFreedom / 2, x: x / 2).upper
    }

    /// The `p`-quantile.
    public func quantile(_ p: Double) -> Double {
        guard degreesOfFreedom > 0, (0...1).contains(p) else { return .nan }
        if p == 0 { return 0 }
        if p == 1 { return .infinity }
        let a = degreesOfFreedom / 2, q = 1 - p
        let u = RootFinding.solveIncreasing(start: .log(degreesOfFreedom)) { u in
            let half = Double.exp(u) / 2
            let (lower, upper) = SpecialFunctions.incompleteGamma(a: a, x: half)
            return (p <= q ? lower - p : q - upper, SpecialFunctions.gammaKernel(a: a, x: half))
        }
        return .exp(u)
    }
}

/// The limiting distribution of `√(mn/(m+n))·D` for the two-sample Kolmogorov–Smirnov statistic
/// (Kolmogorov 1933; R `ks.test`'s asymptotic p-value).
public enum KolmogorovDistribution {
    /// `P(K > λ)`.
    public static func sf(_ lambda: Double) -> Double {
        guard !lambda.isNaN else { return .nan }
        if lambda <= 0 { return 1 }
        if lambda < 1.18 {
            // P(K ≤ λ) = √(2π)/λ Σ_{k≥1} exp(−(2k−1)² π² / (8λ²)).
            var sum = 0.0
            for k in 1...20 {
                let odd = Double(2 * k - 1)
                sum += .exp(-odd * odd * .pi * .pi / (8 * lambda * lambda))
            }
            return 1 - (2 * Double.pi).squareRoot() / lambda * sum
        }
        // P(K > λ) = 2 Σ_{k≥1} (−1)^{k−1} exp(−2k²λ²).
        var sum = 0.0
        for k in 1...100 {
            let term = Double.exp(-2 * Double(k * k) * lambda * lambda)
            sum += k % 2 == 1 ? term : -term
            if term < 1e-17 { break }
        }
        return min(1, max(0, 2 * sum))
    }
}
