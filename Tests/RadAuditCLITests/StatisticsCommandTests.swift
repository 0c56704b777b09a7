import Foundation
import RadAuditAudit
import RadAuditTestSupport
import Testing
import RadAuditCore

/// Runs the statistics commands on inputs built from the reference vectors
/// (`Tests/RadAuditStatisticsTests/Vectors`, see `/work/shared/docs/statistics.md`) and compares their output.
struct StatisticsCommandTests {
    // MARK: Helpers

    static let vectors = CLI.repository.appendingPathComponent("Tests/RadAuditStatisticsTests/Vectors")

    static func vector(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: vectors.appendingPathComponent("\(name).json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    static func value(_ object: Any?, _ path: String...) -> Any? { ReferenceJSON.value(object, path) }

    static func number(_ value: Any?) -> Double { ReferenceJSON.number(value) }

    static func numbers(_ value: Any?) -> [Double] { ReferenceJSON.numbers(value) }

    static func matrix(_ value: Any?) -> [[Double]] { ReferenceJSON.matrix(value) }

    static func cell(_ value: Double) -> String { value.isNaN ? "" : "\(value)" }

    /// A long table `feature,subject,rater,value` of subjects × raters matrices (NaN → empty cell).
    static func longTable(_ features: [(String, [[Double]])]) -> String {
        var text = "feature,subject,rater,value\n"
        for (name, ratings) in features {
            for (i, row) in ratings.enumerated() {
                for (j, value) in row.enumerated() { text += "\(name),s\(i + 1),r\(j + 1),\(cell(value))\n" }
            }
        }
        return text
    }

    /// Parsed output: header and rows.
    struct Output {
        let header: [String]
        let rows: [[String]]

        init(_ url: URL) throws {
            let records = try CSVTable.records(in: String(contentsOf: url, encoding: .utf8))
            header = records.first?.fields ?? []
            rows = records.dropFirst().map(\.fields)
        }

        func column(_ name: String) -> Int { header.firstIndex(of: name)! }

        /// The rows whose `key` columns equal the given values.
        func rows(where conditions: [String: String]) -> [[String]] {
            rows.filter { row in conditions.allSatisfy { row[column($0.key)] == $0.value } }
        }

        func number(_ row: [String], _ name: String) -> Double {
            switch row[column(name)] {
            case "NaN": return .nan
            case "inf": return .infinity
            case "-inf": return -.infinity
            case let text: return Double(text)!
            }
        }
    }

    static func close(_ actual: Double, _ expected: Double, _ tolerance: Double) -> Bool {
        if expected.isNaN { return actual.isNaN }
        if expected.isInfinite { return actual == expected }
        return abs(actual - expected) <= tolerance * max(1, abs(expected))
    }

    /// Writes `text` to `input.csv` in a fresh directory and returns (directory, input path).
    static func prepare(_ text: String) throws -> (URL, String) {
        let directory = try CLI.temporaryDirectory()
        let input = directory.appendingPathComponent("input.csv")
        try text.write(to: input, atomically: true, encoding: .utf8)
        return (directory, input.path)
    }

    static func runAgreement(_ features: [(String, [[Double]])]) throws -> Output {
        let (directory, input) = try prepare(longTable(features))
        let output = directory.appendingPathComponent("agreement.csv")
        let run = try CLI.run(["agreement", "--input", input, "--subject", "subject", "--rater", "rater",
                               "--value", "value", "--feature", "feature", "--output", output.path])
        #expect(run.status == 0, "\(run.stderr)")
        return try Output(output)
    }

    // MARK: agreement

    static let iccVectors = [
        "icc_shrout_fleiss_1979", "icc_pingouin_wine_8x4", "icc_test_retest_n15_k2",
        "icc_rater_bias_n20_k3", "icc_perturbation_n30_k6",
    ]

    @Test(arguments: iccVectors)
    func agreementReproducesICCVectors(name: String) throws {
        let vector = try Self.vector(name)
        let output = try Self.runAgreement([("f", Self.matrix(Self.value(vector, "input", "ratings")))])
        for form in ["ICC(1,1)", "ICC(A,1)", "ICC(C,1)", "ICC(1,k)", "ICC(A,k)", "ICC(C,k)"] {
            let rows = output.rows(where: ["feature": "f", "statistic": form])
            try #require(rows.count == 1, "\(name) \(form)")
            let expected = Self.value(vector, "expected", form)
            let ci = Self.numbers(Self.value(expected, "ci95"))
            #expect(Self.close(output.number(rows[0], "estimate"), Self.number(Self.value(expected, "ICC")), 1e-9))
            #expect(Self.close(output.number(rows[0], "ci_low"), ci[0], 1e-6), "\(name) \(form)")
            #expect(Self.close(output.number(rows[0], "ci_high"), ci[1], 1e-6), "\(name) \(form)")
            #expect(Self.close(output.number(rows[0], "f_statistic"), Self.number(Self.value(expected, "F")), 1e-9))
            #expect(Self.close(output.number(rows[0], "p_value"), Self.number(Self.value(expected, "pval")), 1e-9))
            #expect(output.number(rows[0], "df2") == Self.number(Self.value(expected, "df2")))
        }
        #expect(output.rows(where: ["statistic": "OCCC"]).count == 1)
    }

    @Test func agreementReproducesRobustnessFeatures() throws {
        let vector = try Self.vector("robustness_filter_5features_n30_k6")
        let names = ["F1_very_robust", "F2_robust", "F3_moderate", "F4_poor", "F5_unusable"]
        let output = try Self.runAgreement(names.map { ($0, Self.matrix(Self.value(vector, "expected", $0, "ratings"))) })
        let forms = ["icc_1_1": "ICC(1,1)", "icc_1_k": "ICC(1,k)", "icc_A_1": "ICC(A,1)", "icc_C_1": "ICC(C,1)"]
        for name in names {
            for (key, form) in forms {
                let row = output.rows(where: ["feature": name, "statistic": form])[0]
                let expected = Self.value(vector, "expected", name, key)
                let ci = Self.numbers(Self.value(expected, "ci95"))
                #expect(Self.close(output.number(row, "estimate"), Self.number(Self.value(expected, "ICC")), 1e-9))
                #expect(Self.close(output.number(row, "ci_low"), ci[0], 1e-6))
                #expect(Self.close(output.number(row, "ci_high"), ci[1], 1e-6))
            }
            let row = output.rows(where: ["feature": name, "statistic": "ICC(1,1)"])[0]
            let decisions = Self.value(vector, "expected", name, "decisions")
            let lower = Self.value(decisions, "koo_li_lower") as! String, upper = Self.value(decisions, "koo_li_upper") as! String
            #expect(row[output.column("koo_li")] == (lower == upper ? lower : "\(lower)-\(upper)"))
        }
    }

    @Test(arguments: ["ccc_pair_n20_location_scale_shift", "ccc_pair_n10_negative"])
    func agreementReproducesCCCVectors(name: String) throws {
        let vector = try Self.vector(name)
        let x = Self.numbers(Self.value(vector, "input", "x")), y = Self.numbers(Self.value(vector, "input", "y"))
        let output = try Self.runAgreement([("f", zip(x, y).map { [$0, $1] })])
        let row = output.rows(where: ["statistic": "CCC"])[0]
        let ci = Self.numbers(Self.value(vector, "expected", "ci95_fisher_z"))
        #expect(Self.close(output.number(row, "estimate"), Self.number(Self.value(vector, "expected", "ccc")), 1e-9))
        #expect(Self.close(output.number(row, "ci_low"), ci[0], 1e-6))
        #expect(Self.close(output.number(row, "ci_high"), ci[1], 1e-6))
        // Bland–Altman is rater 2 − rater 1 = y − x: the vector's x − y with the opposite sign.
        let bias = output.rows(where: ["statistic": "BA bias"])[0]
        let meanDifference = Self.number(Self.value(vector, "expected", "bland_altman_x_minus_y", "mean_diff"))
        #expect(Self.close(output.number(bias, "estimate"), -meanDifference, 1e-9))
    }

    @Test func agreementReproducesOverallCCC() throws {
        let vector = try Self.vector("occc_icc_rater_bias_n20_k3")
        let output = try Self.runAgreement([("f", Self.matrix(Self.value(vector, "input", "ratings")))])
        let row = output.rows(where: ["statistic": "OCCC"])[0]
        #expect(Self.close(output.number(row, "estimate"), Self.number(Self.value(vector, "expected", "divisor_n", "occc")), 1e-9))
        #expect(output.rows(where: ["statistic": "CCC"]).isEmpty)
    }

    @Test func agreementReproducesRepeatabilitySummary() throws {
        let vector = try Self.vector("agreement_summary_test_retest_n15_k2")
        let output = try Self.runAgreement([("f", Self.matrix(Self.value(vector, "input", "ratings")))])
        let expected = Self.value(vector, "expected")
        let pairs = ["wSD": "within_subject_sd", "wCV": "within_subject_cv", "RC": "repeatability_coefficient_1_96_sqrt2",
                     "meanCV": "mean_cv", "rmsCV": "rms_cv", "logwCV": "log_method_wcv"]
        for (statistic, key) in pairs {
            let row = output.rows(where: ["statistic": statistic])[0]
            #expect(Self.close(output.number(row, "estimate"), Self.number(Self.value(expected, key)), 1e-9), "\(statistic)")
        }
        let bland = Self.value(expected, "bland_altman_col2_minus_col1")
        let bias = output.rows(where: ["statistic": "BA bias"])[0]
        #expect(Self.close(output.number(bias, "estimate"), Self.number(Self.value(bland, "mean_diff")), 1e-9))
        let biasCI = Self.numbers(Self.value(bland, "ci95_bias"))
        #expect(Self.close(output.number(bias, "ci_low"), biasCI[0], 1e-9))
        let upper = output.rows(where: ["statistic": "BA LoA upper"])[0]
        #expect(Self.close(output.number(upper, "estimate"), Self.numbers(Self.value(bland, "loa"))[1], 1e-9))
        #expect(Self.close(output.number(upper, "ci_high"), Self.numbers(Self.value(bland, "ci95_upper_loa_approx"))[1], 1e-9))
    }

    /// Edge cases of statistics.md §1.3/§1.6 through the command: constant → NaN, perfect → 1 with [1, 1],
    /// missing cells → listwise deletion, a feature with one rater → NaN rows and a warning, others computed.
    @Test func agreementEdgeCases() throws {
        let shroutFleiss = Self.matrix(Self.value(try Self.vector("icc_shrout_fleiss_1979"), "input", "ratings"))
        var withMissing = shroutFleiss
        withMissing[0][1] = .nan
        let (directory, input) = try Self.prepare(
            Self.longTable([
                ("constant", Array(repeating: [2.5, 2.5, 2.5], count: 5)),
                ("perfect", [[1.1, 1.1], [2.3, 2.3], [0.7, 0.7], [5.9, 5.9]]),
                ("missing", withMissing),
                ("reference", Array(shroutFleiss[1...])),
            ]) + "single,s1,r1,1\nsingle,s2,r1,2\nbad,s1,r1,1\nbad,s1,r2,x\nbad,s2,r1,2\nbad,s2,r2,3\n")
        let path = directory.appendingPathComponent("agreement.csv")
        let run = try CLI.run(["agreement", "--input", input, "--subject", "subject", "--rater", "rater",
                               "--value", "value", "--feature", "feature", "--output", path.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("feature 'single'"))
        #expect(run.stderr.contains("feature 'bad'") && run.stderr.contains("'x' is not a number"))
        let output = try Output(path)
        for row in output.rows(where: ["feature": "constant"]) where row[1].hasPrefix("ICC") {
            #expect(output.number(row, "estimate").isNaN && output.number(row, "ci_low").isNaN)
        }
        for row in output.rows(where: ["feature": "perfect"]) where row[1].hasPrefix("ICC") || row[1] == "CCC" {
            #expect(output.number(row, "estimate") == 1, "\(row)")
        }
        for row in output.rows(where: ["feature": "perfect"]) where row[1].hasPrefix("ICC") {
            #expect(output.number(row, "ci_low") == 1 && output.number(row, "ci_high") == 1)
            #expect(row[output.column("f_statistic")] == "inf")
        }
        let missing = output.rows(where: ["feature": "missing"]), reference = output.rows(where: ["feature": "reference"])
        for (a, b) in zip(missing, reference) where a[1].hasPrefix("ICC") {
            #expect(a[2...4] == b[2...4])
            #expect(a[output.column("n_subjects")] == "5")
        }
        #expect(output.rows(where: ["feature": "single"]).allSatisfy { output.number($0, "estimate").isNaN })
        #expect(output.rows(where: ["feature": "bad"]).allSatisfy { output.number($0, "estimate").isNaN })
    }

    @Test func agreementRejectsMissingColumn() throws {
        let (directory, input) = try Self.prepare("subject,rater,value\ns1,r1,1\n")
        let run = try CLI.run(["agreement", "--input", input, "--subject", "subject", "--rater", "reader",
                               "--value", "value", "--output", directory.appendingPathComponent("o.csv").path])
        #expect(run.status != 0)
        #expect(run.stderr.contains("no column 'reader'"))
    }

    // MARK: sites

    static let siteFeatures = [
        "f1_null", "f2_location_shift", "f3_scale_only", "f4_ties_integer", "f5_small_shift", "f6_lognormal_scale",
    ]

    /// The site vector as a wide table `id,site,f1_null,…` (a text column `scanner` that is not a feature).
    static func siteTable(_ vector: [String: Any]) -> String {
        let sites = value(vector, "input", "features", "f1_null", "site") as! [String]
        let columns = siteFeatures.map { numbers(value(vector, "input", "features", $0, "values")) }
        var text = "id,site,scanner," + siteFeatures.joined(separator: ",") + "\n"
        for (row, site) in sites.enumerated() {
            text += "p\(row),\(site),model-\(row % 2)," + columns.map { cell($0[row]) }.joined(separator: ",") + "\n"
        }
        return text
    }

    @Test func sitesReproducesSiteTestVector() throws {
        let vector = try Self.vector("site_tests_3sites_6features")
        let (directory, input) = try Self.prepare(Self.siteTable(vector))
        let outputDirectory = directory.appendingPathComponent("out")
        let run = try CLI.run(["sites", "--input", input, "--site", "site", "--id", "id", "--output", outputDirectory.path])
        #expect(run.status == 0, "\(run.stderr)")
        let output = try Output(outputDirectory.appendingPathComponent("site_tests.csv"))
        #expect(output.header == ["feature", "test", "groups", "statistic", "p_value", "q_value", "method"])
        #expect(output.rows.count == 6 * 5)
        for feature in Self.siteFeatures {
            let expected = Self.value(vector, "expected", "features", feature)
            let kw = output.rows(where: ["feature": feature, "test": "kruskal-wallis"])[0]
            #expect(kw[output.column("groups")] == "siteA|siteB|siteC")
            #expect(Self.close(output.number(kw, "statistic"), Self.number(Self.value(expected, "kruskal", "statistic")), 1e-8))
            #expect(Self.close(output.number(kw, "p_value"), Self.number(Self.value(expected, "kruskal", "p")), 1e-8))
            let kwQ = Self.number(Self.value(vector, "expected", "kruskal_p_BH_across_features", feature))
            #expect(Self.close(output.number(kw, "q_value"), kwQ, 1e-8))
            let ad = output.rows(where: ["feature": feature, "test": "anderson-darling"])[0]
            let midrank = Self.value(expected, "anderson_ksamp", "midrank")
            #expect(Self.close(output.number(ad, "statistic"), Self.number(Self.value(midrank, "T_AD")), 1e-8))
            #expect(Self.close(output.number(ad, "p_value"), Self.number(Self.value(midrank, "p_capped")), 1e-8))
            for pair in ["siteA|siteB", "siteA|siteC", "siteB|siteC"] {
                let ks = output.rows(where: ["feature": feature, "test": "ks", "groups": pair])[0]
                let key = pair.replacingOccurrences(of: "|", with: "_vs_")
                let reference = Self.value(expected, "ks_pairwise", key)
                #expect(Self.close(output.number(ks, "statistic"), Self.number(Self.value(reference, "statistic")), 1e-8))
                #expect(Self.close(output.number(ks, "p_value"), Self.number(Self.value(reference, "p_exact")), 1e-8))
                #expect(ks[output.column("method")] == "exact-no-ties")
            }
        }
        for entry in Self.value(vector, "expected", "ks_exact_p_BH_across_all_pairwise") as! [[String: Any]] {
            let pair = (entry["pair"] as! String).replacingOccurrences(of: "_vs_", with: "|")
            let ks = output.rows(where: ["feature": entry["feature"] as! String, "test": "ks", "groups": pair])[0]
            #expect(Self.close(output.number(ks, "q_value"), Self.number(entry["p_BH"]), 1e-8))
        }
    }

    /// Bad input: a listed feature with a text cell, a feature measured at one site only → warnings, NaN rows,
    /// the other features still tested; a missing --site column is fatal.
    @Test func sitesReportsBadFeatures() throws {
        var text = "id,site,good,onesite,bad\n"
        for row in 0..<12 {
            let site = ["A", "B", "C"][row % 3]
            text += "s\(row),\(site),\(Double(row) * 1.5 + Double(row % 3)),\(row % 3 == 0 ? "\(row)" : ""),\(row == 4 ? "n/a" : "\(row)")\n"
        }
        let (directory, input) = try Self.prepare(text)
        let out = directory.appendingPathComponent("out")
        let run = try CLI.run(["sites", "--input", input, "--site", "site", "--id", "id",
                               "--features", "good,onesite,bad", "--output", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("feature 'onesite'") && run.stderr.contains("1 site(s)"))
        #expect(run.stderr.contains("feature 'bad'") && run.stderr.contains("'n/a' is not a number"))
        let output = try Output(out.appendingPathComponent("site_tests.csv"))
        #expect(output.rows(where: ["feature": "good", "test": "ks"]).count == 3)
        #expect(output.number(output.rows(where: ["feature": "good", "test": "kruskal-wallis"])[0], "p_value").isFinite)
        #expect(output.rows(where: ["feature": "bad"]).allSatisfy { output.number($0, "statistic").isNaN })
        #expect(output.rows(where: ["feature": "onesite"]).allSatisfy { output.number($0, "statistic").isNaN })

        let missing = try CLI.run(["sites", "--input", input, "--site", "centre", "--output",
                                   directory.appendingPathComponent("fresh").path])
        #expect(missing.status != 0 && missing.stderr.contains("no column 'centre'"))
    }

    // MARK: harmonize

    /// The ComBat vector as a wide table `id,site,sex,age,f1…f6,note` (`note`: a text column left untouched).
    static func combatTable(_ vector: [String: Any]) -> String {
        let data = matrix(value(vector, "input", "dat"))
        let sites = value(vector, "input", "covariates", "site") as! [String]
        let sex = value(vector, "input", "covariates", "sex") as! [String]
        let age = numbers(value(vector, "input", "covariates", "age"))
        var text = "id,site,sex,age," + data.indices.map { "f\($0 + 1)" }.joined(separator: ",") + ",note\n"
        for j in sites.indices {
            text += "p\(j),\(sites[j]),\(sex[j]),\(Int(age[j])),"
            text += data.map { "\($0[j])" }.joined(separator: ",") + ",n\(j % 3)\n"
        }
        return text
    }

    static func harmonized(_ output: Output, features: Int) -> [[Double]] {
        (1...features).map { f in output.rows.map { output.number($0, "f\(f)") } }
    }

    static func matches(_ actual: [[Double]], _ expected: [[Double]], _ tolerance: Double) -> Bool {
        zip(actual, expected).allSatisfy { zip($0, $1).allSatisfy { close($0, $1, tolerance) } }
    }

    @Test(arguments: [("parametric", "parametric"), ("nonparametric", "nonparametric"), ("mean-only", "mean_only"), ("no-eb", "no_eb")])
    func harmonizeReproducesNeuroCombat(method: String, key: String) throws {
        let vector = try Self.vector("combat_3sites_age_sex")
        let (directory, input) = try Self.prepare(Self.combatTable(vector))
        let path = directory.appendingPathComponent("harmonized.csv")
        let run = try CLI.run(["harmonize", "--input", input, "--batch", "site", "--id", "id", "--categorical", "sex",
                               "--continuous", "age", "--method", method, "--output", path.path])
        #expect(run.status == 0, "\(run.stderr)")
        let output = try Output(path)
        let original = try Output(URL(fileURLWithPath: input))
        #expect(output.header == original.header)
        for column in ["id", "site", "sex", "age", "note"] {
            #expect(output.rows.map { $0[output.column(column)] } == original.rows.map { $0[original.column(column)] })
        }
        #expect(Self.matches(Self.harmonized(output, features: 6), Self.matrix(Self.value(vector, "expected", key, "data")), 1e-6))
    }

    @Test func harmonizeReferenceSiteAndModelRoundTrip() throws {
        let vector = try Self.vector("combat_3sites_age_sex")
        let (directory, input) = try Self.prepare(Self.combatTable(vector))
        let path = directory.appendingPathComponent("harmonized.csv"), model = directory.appendingPathComponent("model.json")
        let run = try CLI.run(["harmonize", "--input", input, "--batch", "site", "--id", "id", "--categorical", "sex",
                               "--continuous", "age", "--reference-site", "A", "--method", "parametric",
                               "--output", path.path, "--save-model", model.path])
        #expect(run.status == 0, "\(run.stderr)")
        let fitted = Self.harmonized(try Output(path), features: 6)
        let sva = Self.matrix(Self.value(vector, "cross_checks", "R_sva_ComBat", "ref_batch_parametric"))
        #expect(Self.matches(fitted, sva, 1e-6))

        // New samples: the last 10 rows only, harmonised with the saved model, equal the fitted output.
        let lines = Self.combatTable(vector).split(separator: "\n")
        let (_, newInput) = try Self.prepare(([lines[0]] + lines.suffix(10)).joined(separator: "\n") + "\n")
        let applied = directory.appendingPathComponent("applied.csv")
        let apply = try CLI.run(["harmonize", "--input", newInput, "--batch", "site", "--id", "id",
                                 "--apply-model", model.path, "--output", applied.path])
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(Self.matches(Self.harmonized(try Output(applied), features: 6), fitted.map { Array($0.suffix(10)) }, 1e-9))

        let conflicting = try CLI.run(["harmonize", "--input", newInput, "--batch", "site", "--apply-model", model.path,
                                       "--method", "parametric", "--output", applied.path])
        #expect(conflicting.status != 0)
    }

    /// A covariate confounded with the site is a fatal error naming it; a text feature cell is a warning.
    @Test func harmonizeBadInput() throws {
        var text = "id,site,scanner,f1,f2\n"
        for j in 0..<12 {
            let site = j < 6 ? "A" : "B"
            text += "s\(j),\(site),\(site == "A" ? "x" : "y"),\(Double(j) * 1.25 + (j % 2 == 0 ? 0.5 : 0)),\(j == 3 ? "oops" : "\(j)")\n"
        }
        let (directory, input) = try Self.prepare(text)
        let path = directory.appendingPathComponent("o.csv")
        let confounded = try CLI.run(["harmonize", "--input", input, "--batch", "site", "--id", "id",
                                      "--categorical", "scanner", "--output", path.path])
        #expect(confounded.status != 0)
        #expect(confounded.stderr.contains("scanner=y") && confounded.stderr.contains("confounded"))

        let run = try CLI.run(["harmonize", "--input", input, "--batch", "site", "--id", "id",
                               "--features", "f1,f2", "--method", "no-eb", "--output", path.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("feature 'f2'") && run.stderr.contains("'oops' is not a number"))
        let output = try Output(path)
        #expect(output.rows[3][output.column("f2")] == "oops")
        #expect(output.rows.map { $0[output.column("f1")] } != (0..<12).map { "\(Double($0) * 1.25 + ($0 % 2 == 0 ? 0.5 : 0))" })

        let badMethod = try CLI.run(["harmonize", "--input", input, "--batch", "site", "--method", "bayes", "--output", path.path])
        #expect(badMethod.status != 0 && badMethod.stderr.contains("--method"))
    }
}
