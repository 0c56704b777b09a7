import Testing
@testable import RadAuditStatistics

/// Reference values from scipy 1.17.1 (`scipy.stats.f/t/chi2/norm/kstwobign`).
struct DistributionTests {
    @Test(arguments: [
        (0.975, 5.0, 18.0, 3.381967805875243),
        (0.975, 18.0, 5.0, 6.361883204654352),
        (0.975, 29.0, 4.785143862212761, 6.587775848549432),
        (0.025, 3.5, 7.25, 0.0901543273225315),
        (0.5, 1.0, 1.0, 1.0),
        (1e-10, 10.0, 20.0, 0.0043966388652072145),
    ])
    func fQuantile(p: Double, d1: Double, d2: Double, expected: Double) {
        let f = FDistribution(d1: d1, d2: d2)
        #expect(close(f.quantile(p), expected, relative: 1e-12))
        #expect(close(f.inverseSurvival(1 - p), expected, relative: 1e-10))
        #expect(close(f.cdf(expected), p, relative: 1e-12))
    }

    @Test func fUpperTailKeepsRelativePrecision() {
        let p = FDistribution(d1: 29, d2: 150).sf(3581.2046857025603)
        #expect(abs(p / 2.5337088805642615e-198 - 1) < 1e-10)
        #expect(close(FDistribution(d1: 5, d2: 18).sf(1.7946784922394683), 0.16476880834463953, relative: 1e-13))
        let x = FDistribution(d1: 2, d2: 3).inverseSurvival(1e-6)
        #expect(abs(FDistribution(d1: 2, d2: 3).sf(x) / 1e-6 - 1) < 1e-12)
    }

    @Test func degenerateArguments() {
        let f = FDistribution(d1: 3, d2: 4)
        #expect(f.sf(.infinity) == 0)
        #expect(f.sf(0) == 1)
        #expect(f.sf(.nan).isNaN)
        #expect(f.inverseSurvival(0) == .infinity)
        #expect(FDistribution(d1: .nan, d2: 4).quantile(0.5).isNaN)
        #expect(FDistribution(d1: 0, d2: 4).sf(1).isNaN)
    }

    @Test func studentT() {
        #expect(close(StudentTDistribution(degreesOfFreedom: 14).quantile(0.975), 2.144786687917804, relative: 1e-13))
        #expect(close(StudentTDistribution(degreesOfFreedom: 1).quantile(0.975), 12.706204736174694, relative: 1e-12))
        #expect(close(StudentTDistribution(degreesOfFreedom: 14).quantile(0.025), -2.144786687917804, relative: 1e-13))
        #expect(close(StudentTDistribution(degreesOfFreedom: 3.5).cdf(-2.5), 0.03784732190474501, relative: 1e-13))
    }

    @Test func chiSquared() {
        #expect(close(ChiSquaredDistribution(degreesOfFreedom: 2).sf(8.087905010004919), 0.017528055593409354, relative: 1e-13))
        #expect(close(ChiSquaredDistribution(degreesOfFreedom: 3).quantile(0.95), 7.814727903251179, relative: 1e-13))
        #expect(abs(ChiSquaredDistribution(degreesOfFreedom: 2).sf(150) / 2.678636961808087e-33 - 1) < 1e-12)
        #expect(close(ChiSquaredDistribution(degreesOfFreedom: 7.5).cdf(0.3), 4.358208301286878e-05, relative: 1e-13))
    }

    @Test func normal() {
        #expect(NormalDistribution.quantile(0.975) == 1.959963984540054)
        #expect(close(NormalDistribution.quantile(1e-12), -7.034483825301131, relative: 1e-13))
        #expect(close(NormalDistribution.cdf(-3), 0.0013498980316300933, relative: 1e-14))
    }

    @Test func kolmogorov() {
        #expect(close(KolmogorovDistribution.sf(0.5), 0.9639452436648751, relative: 1e-13))
        #expect(close(KolmogorovDistribution.sf(1.0), 0.26999967167735456, relative: 1e-13))
        #expect(close(KolmogorovDistribution.sf(2.0), 0.0006709252557796953, relative: 1e-13))
    }
}
