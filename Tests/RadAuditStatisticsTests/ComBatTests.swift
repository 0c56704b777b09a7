import Foundation
import RadAuditTestSupport
import Testing
@testable import RadAuditStatistics

struct ComBatTests {
    static func input(_ vector: ReferenceVector) -> (data: [[Double]], batches: [String], covariates: ComBat.Covariates) {
        let covariates = ["input", "covariates"]
        let sites = ReferenceJSON.value(vector.root, covariates + ["site"]) as! [String]
        let sex = ReferenceJSON.value(vector.root, covariates + ["sex"]) as! [String]
        let age = (ReferenceJSON.value(vector.root, covariates + ["age"]) as! [Any]).map(ReferenceJSON.number)
        return (vector.matrix("input", "dat"), sites,
                ComBat.Covariates(categorical: [("sex", sex)], continuous: [("age", age)]))
    }

    static let variants: [(String, ComBat.Method)] = [
        ("parametric", .parametric), ("nonparametric", .nonparametric), ("mean_only", .meanOnly), ("no_eb", .noEB),
    ]

    static func matches(_ actual: [[Double]], _ expected: [[Double]], _ tolerance: Double) -> Bool {
        actual.count == expected.count && zip(actual, expected).allSatisfy { a, e in
            a.count == e.count && zip(a, e).allSatisfy { close($0, $1, relative: tolerance) }
        }
    }

    @Test(arguments: variants)
    func reproducesNeuroCombat(key: String, method: ComBat.Method) throws {
        let vector = try ReferenceVector("combat_3sites_age_sex")
        let (data, batches, covariates) = Self.input(vector)
        let names = data.indices.map { "f\($0 + 1)" }
        let result = try ComBat.fit(data: data, featureNames: names, batches: batches, covariates: covariates, method: method)
        #expect(result.notes.isEmpty)
        #expect(Self.matches(result.data, vector.matrix("expected", key, "data"), 1e-9), "\(key)")
        let estimates = ["expected", key, "estimates"]
        func matrix(_ name: String) -> [[Double]] {
            (ReferenceJSON.value(vector.root, estimates + [name]) as? [[Any]] ?? []).map { $0.map(ReferenceJSON.number) }
        }
        func vectorValues(_ name: String) -> [Double] {
            (ReferenceJSON.value(vector.root, estimates + [name]) as? [Any] ?? []).map(ReferenceJSON.number)
        }
        #expect(Self.matches(result.estimates.gammaHat, matrix("gamma_hat"), 1e-10))
        #expect(Self.matches(result.estimates.deltaHat, matrix("delta_hat"), 1e-10))
        #expect(Self.matches([result.estimates.gammaBar, result.estimates.tauSquared], [vectorValues("gamma_bar"), vectorValues("t2")], 1e-10))
        if method == .parametric || method == .nonparametric {
            #expect(Self.matches([result.estimates.aPrior, result.estimates.bPrior], [vectorValues("a_prior"), vectorValues("b_prior")], 1e-10))
        }
        let gammaStar = (0..<3).map { b in result.model.features.map { $0.gammaStar[b] } }
        let deltaStar = (0..<3).map { b in result.model.features.map { $0.deltaStar[b] } }
        #expect(Self.matches(gammaStar, matrix("gamma_star"), 1e-9))
        #expect(Self.matches(deltaStar, matrix("delta_star"), 1e-9))
        #expect(Self.matches([result.model.features.map(\.pooledVariance)], [vectorValues("var_pooled")], 1e-10))
        #expect(Self.matches([result.model.features.map(\.standardizedMean)], [vectorValues("stand_mean")], 1e-10))
    }

    /// sva's `ref.batch = "A"` result (neuroCombat 0.2.12 crashes on that path).
    @Test func referenceBatchReproducesSva() throws {
        let vector = try ReferenceVector("combat_3sites_age_sex")
        let (data, batches, covariates) = Self.input(vector)
        let result = try ComBat.fit(data: data, featureNames: data.indices.map { "f\($0)" }, batches: batches,
                                    covariates: covariates, method: .parametric, referenceBatch: "A")
        #expect(Self.matches(result.data, vector.matrix("cross_checks", "R_sva_ComBat", "ref_batch_parametric"), 1e-8))
        for (row, original) in zip(result.data, data) {
            #expect(zip(batches, zip(row, original)).allSatisfy { $0.0 != "A" || $0.1.0 == $0.1.1 })
        }
    }

    /// The saved model reapplied to the training samples gives the training output; it survives JSON.
    @Test func modelRoundTrip() throws {
        let vector = try ReferenceVector("combat_3sites_age_sex")
        let (data, batches, covariates) = Self.input(vector)
        let result = try ComBat.fit(data: data, featureNames: data.indices.map { "f\($0)" }, batches: batches,
                                    covariates: covariates, method: .parametric)
        let decoded = try JSONDecoder().decode(ComBatModel.self, from: JSONEncoder().encode(result.model))
        #expect(decoded == result.model)
        let subset = Array(5..<20)
        let applied = try decoded.apply(
            data: data.map { row in subset.map { row[$0] } }, batches: subset.map { batches[$0] },
            covariates: ComBat.Covariates(categorical: [("sex", subset.map { covariates.categorical[0].values[$0] })],
                                          continuous: [("age", subset.map { covariates.continuous[0].values[$0] })]))
        #expect(Self.matches(applied, result.data.map { row in subset.map { row[$0] } }, 1e-12))
        #expect(throws: ComBatError.self) {
            try decoded.apply(data: data.map { [$0[0]] }, batches: ["Z"], covariates: covariates)
        }
    }

    @Test func confoundedCovariateIsNamed() throws {
        let batches = ["A", "A", "A", "B", "B", "B"]
        let data: [[Double]] = [[1, 2, 3, 4, 5, 7]]
        let covariates = ComBat.Covariates(categorical: [("scanner", ["x", "x", "x", "y", "y", "y"])])
        do {
            _ = try ComBat.fit(data: data, featureNames: ["f"], batches: batches, covariates: covariates, method: .parametric)
            Issue.record("expected a singular-design error")
        } catch let error as ComBatError {
            #expect(error.description.contains("scanner=y"))
        }
    }

    /// A feature constant within one batch is left unchanged (as sva) and the others are still harmonised;
    /// missing values stay missing; a single-sample batch falls back to mean-only.
    @Test func degenerateFeatures() throws {
        let vector = try ReferenceVector("combat_3sites_age_sex")
        var (data, batches, covariates) = Self.input(vector)
        let constant: [Double] = batches.indices.map { j in batches[j] == "B" ? 4 : Double(j) / 3 }
        var withMissing = data[1]
        withMissing[3] = .nan
        data += [constant, withMissing]
        let names = data.indices.map { "f\($0)" }
        let result = try ComBat.fit(data: data, featureNames: names, batches: batches, covariates: covariates, method: .parametric)
        #expect(result.data[6] == constant)
        #expect(result.notes.contains { $0.contains("f6") && $0.contains("constant within batch 'B'") })
        #expect(result.data[7][3].isNaN && result.data[7][4].isFinite)
        #expect(!result.model.features[6].adjusted)

        batches[0] = "D"
        let single = try ComBat.fit(data: Array(data[0..<6]), featureNames: Array(names[0..<6]), batches: batches,
                                    covariates: covariates, method: .parametric)
        #expect(single.model.method == .meanOnly)
        #expect(single.data.allSatisfy { (row: [Double]) in row.allSatisfy { $0.isFinite } })
    }

    /// Log-sum-exp keeps the non-parametric weights finite for a large batch where exp() underflows.
    @Test func nonparametricLargeBatchDoesNotUnderflow() {
        let samples: [[Double]] = (0..<4).map { (g: Int) -> [Double] in
            (0..<2000).map { (j: Int) -> Double in Double((j * 7 + g * 3) % 11) / 5 - 1 }
        }
        let (gamma, delta) = EmpiricalBayes.nonparametric(samples, gammaHat: [0.1, -0.2, 0.05, 0.0], deltaHat: [1, 1.2, 0.8, 1.1])
        #expect(gamma.allSatisfy { $0.isFinite } && delta.allSatisfy { $0.isFinite })
    }
}
