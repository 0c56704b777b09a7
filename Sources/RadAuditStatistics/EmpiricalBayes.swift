import RealModule

/// The empirical-Bayes shrinkage of ComBat's batch effects, for one batch across features.
enum EmpiricalBayes {
    /// Parametric EB (sva `it.sol`, neuroCombat `it_sol`), stopping at a relative change below `tolerance`.
    static func parametric(
        _ samples: [[Double]], gammaHat: [Double], deltaHat: [Double], gammaBar: Double, tauSquared: Double,
        a: Double, b: Double, tolerance: Double = 1e-4
    ) -> ([Double], [Double]) {
        let counts = samples.map { Double($0.count) }
        var gammaOld = gammaHat, deltaOld = deltaHat
        for _ in 0..<10_000 {
            let gammaNew = gammaHat.indices.map { g in
                (tauSquared * counts[g] * gammaHat[g] + deltaOld[g] * gammaBar) / (tauSquared * counts[g] + deltaOld[g])
            }
            let deltaNew = gammaHat.indices.map { g in
                let sum2 = samples[g].reduce(0) { $0 + ($1 - gammaNew[g]) * ($1 - gammaNew[g]) }
                return (sum2 / 2 + b) / (counts[g] / 2 + a - 1)
            }
            var change = -Double.infinity
            for g in gammaHat.indices {
                change = max(change, abs(gammaNew[g] - gammaOld[g]) / gammaOld[g], abs(deltaNew[g] - deltaOld[g]) / deltaOld[g])
            }
            gammaOld = gammaNew
            deltaOld = deltaNew
            if !(change > tolerance) { break }
        }
        return (gammaOld, deltaOld)
    }

    /// Non-parametric EB (sva `int.eprior`): a likelihood-weighted average over the other features, with the
    /// weights normalised in log space.
    static func nonparametric(_ samples: [[Double]], gammaHat: [Double], deltaHat: [Double]) -> ([Double], [Double]) {
        let featureCount = gammaHat.count
        var gammaStar = gammaHat, deltaStar = deltaHat
        for g in 0..<featureCount {
            let x = samples[g]
            let n = Double(x.count)
            let mean = Summation.mean(x)
            let spread = Summation.squaredDeviations(x, about: mean)
            var logLikelihood = [Double](), others = [Int]()
            for other in 0..<featureCount where other != g {
                let d = deltaHat[other], shift = mean - gammaHat[other]
                let sum2 = spread + n * shift * shift
                let value = -n / 2 * Double.log(2 * .pi * d) - sum2 / (2 * d)
                if value.isNaN { continue }
                logLikelihood.append(value)
                others.append(other)
            }
            guard let largest = logLikelihood.max(), largest.isFinite else {
                gammaStar[g] = .nan
                deltaStar[g] = .nan
                continue
            }
            var weightSum = 0.0, gammaSum = 0.0, deltaSum = 0.0
            for (value, other) in zip(logLikelihood, others) {
                let weight = Double.exp(value - largest)
                weightSum += weight
                gammaSum += weight * gammaHat[other]
                deltaSum += weight * deltaHat[other]
            }
            gammaStar[g] = gammaSum / weightSum
            deltaStar[g] = deltaSum / weightSum
        }
        return (gammaStar, deltaStar)
    }
}
