import Foundation
import RadAuditCore
import RadAuditImageIO
import RadAuditStatistics
import Testing

/// `audit` with an `observed:` section on cohorts with real repeats: the observed tables against answers computed
/// independently in the test, from the audit's own `features.csv` and `stability.csv`.
@Suite struct ObservedAuditTests {
    /// A small protocol (three families, two perturbation groups) so the audits stay quick in debug builds.
    static func protocolText(raters: String) -> String {
        """
        seed: 7
        extraction:
          interpolation: {spacing_mm: [1, 1, 1], image: linear, mask: linear, mask_threshold: 0.5, round_intensities: 1}
          resegmentation: {range: [-1000, 400]}
          discretisation: {texture: {method: fixed_bin_size, bin_width: 25}}
          texture: {dimensions: [3D]}
          families: [morphology, intensity_statistics, glcm]
        perturbations:
          noise: {repetitions: 1, sigma: 10}
          mask: {dilate_mm: [1]}
        observed:
          raters: \(raters)
          statistic: ICC(2,1)
        """
    }

    static func table(_ path: String) throws -> (header: [String], rows: [[String: String]]) {
        let file = try CSVTable.load(path)
        return (file.header, file.rows.map { Dictionary(uniqueKeysWithValues: zip(file.header, $0.fields)) })
    }

    static func key(_ row: [String: String]) -> String {
        [row["family"]!, row["ibsi_code"]!, row["aggregation"]!].joined(separator: "|")
    }

    static func number(_ text: String?) -> Double { text.flatMap { $0.isEmpty ? nil : Double($0) } ?? .nan }

    func audit(_ cases: String, raters: String, in directory: URL) throws -> (output: String, stderr: String) {
        let protocolPath = directory.appendingPathComponent("observed.yaml").path
        try Self.protocolText(raters: raters).write(toFile: protocolPath, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("audit").path
        let run = try CLI.run(["audit", "--protocol", protocolPath, "--cases", cases, "--output", output])
        #expect(run.status == 0, "\(run.stderr)")
        return (output, run.stderr)
    }

    /// Repeats that are exact copies of one another agree perfectly: ICC 1 with the interval [1, 1] and every feature
    /// robust, except where the ICC is 0/0 (a feature constant over the cohort), which the note explains.
    @Test func exactCopiesAgreePerfectly() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cohort = CLI.repository.appendingPathComponent("fixtures/cohort").path
        var rows = ["case_id,image,mask,subject,repeat"]
        for k in 1...6 {
            for scan in ["a", "b"] {
                rows.append("case\(k)\(scan),\(cohort)/case\(k)_image.nii.gz,\(cohort)/case\(k)_mask.nii.gz,S\(k),\(scan)")
            }
        }
        let cases = directory.appendingPathComponent("copies.csv").path
        try (rows.joined(separator: "\n") + "\n").write(toFile: cases, atomically: true, encoding: .utf8)
        let (output, _) = try audit(cases, raters: "repeat", in: directory)
        let observed = try Self.table(output + "/observed_stability.csv")
        #expect(observed.header.first == "repeat" && observed.header.last == "note")
        #expect(observed.rows.count > 50)
        var defined = 0
        for row in observed.rows {
            #expect(row["repeat"] == "a vs b" && row["statistic"] == "ICC(A,1)" && row["cases"] == "6")
            let estimate = Self.number(row["estimate"])
            if estimate.isNaN {
                #expect(!(row["note"] ?? "").isEmpty, "\(row["feature"]!): NaN without a reason")
                continue
            }
            defined += 1
            #expect(estimate == 1 && Self.number(row["ci_low"]) == 1 && Self.number(row["ci_high"]) == 1, "\(row["feature"]!)")
            #expect(row["robust"] == "true" && row["koo_li"] == "excellent", "\(row["feature"]!)")
        }
        #expect(defined >= observed.rows.count - 2)
        let study = try String(contentsOfFile: output + "/observed.json", encoding: .utf8)
        #expect(study.contains("\"subjects\" : 6"))
        #expect(try String(contentsOfFile: output + "/report.html", encoding: .utf8).contains("11 Observed reproducibility"))
    }

    /// The second observer's masks are the first's dilated by 2 mm (fixtures/observed): the observed ICCs equal
    /// those computed here from `features.csv` with the statistics library, and the 2 × 2 tables and κ equal those
    /// recomputed from `stability.csv` and `observed_stability.csv`.
    @Test func observersReproduceIndependentComputation() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (output, _) = try audit("fixtures/observed/observers.csv", raters: "observer", in: directory)

        // ICC(A,1) from the original extraction of each subject × observer.
        let features = try Self.table(output + "/features.csv").rows.filter { $0["variant_id"] == "original" }
        var values: [String: [String: Double]] = [:]  // feature → case → value
        for row in features { values[Self.key(row), default: [:]][row["case_id"]!] = Self.number(row["value"]) }
        let subjects = (1...6).map { String(format: "P%02d", $0) }
        let observed = try Self.table(output + "/observed_stability.csv")
        #expect(observed.rows.count == values.count)
        var compared = 0
        for row in observed.rows {
            let byCase = values[Self.key(row)]!
            let table = subjects.map { s in ["reader1", "reader2"].map { byCase["\(s)_\($0)"] ?? .nan } }
                .filter { $0.allSatisfy(\.isFinite) }
            #expect(Int(row["cases"]!) == table.count)
            guard table.count >= 2 else { continue }
            let icc = IntraclassCorrelation(.agreementSingle, anova: TwoWayANOVA(table))
            let estimate = Self.number(row["estimate"])
            if icc.estimate.isNaN {
                #expect(estimate.isNaN && !(row["note"] ?? "").isEmpty)
                continue
            }
            #expect(abs(estimate - icc.estimate) <= 1e-12 * max(1, abs(icc.estimate)), "\(row["feature"]!)")
            #expect(abs(Self.number(row["ci_low"]) - icc.lower) <= 1e-12 * max(1, abs(icc.lower)), "\(row["feature"]!)")
            #expect(row["robust"] == (icc.lower >= 0.75 ? "true" : "false"))
            compared += 1
        }
        #expect(compared > 50)
        // A 2 mm dilation moves the morphology: volume agreement across observers is not excellent.
        let volume = observed.rows.first { $0["ibsi_code"] == "RNU0" }!
        #expect(Self.number(volume["estimate"]) < 0.9)

        // The 2 × 2 tables from the two stability tables.
        let truth = Dictionary(observed.rows.filter { Self.number($0["estimate"]).isFinite }.map { (Self.key($0), $0["robust"] == "true") },
                               uniquingKeysWith: { a, _ in a })
        let stability = try Self.table(output + "/stability.csv").rows
        let validity = try Self.table(output + "/perturbation_validity.csv")
        #expect(validity.header == ["perturbation", "observed", "tp", "fp", "fn", "tn", "sensitivity", "specificity", "kappa",
                                    "kappa_ci_low", "kappa_ci_high", "false_robust_fraction"])
        #expect(validity.rows.map { $0["perturbation"]! } == ["noise", "mask", "all"])
        for row in validity.rows {
            var tp = 0, fp = 0, fn = 0, tn = 0
            for s in stability where s["perturbation"] == row["perturbation"] && Self.number(s["estimate"]).isFinite {
                guard let o = truth[Self.key(s)] else { continue }
                switch (s["robust"] == "true", o) {
                case (true, true): tp += 1
                case (true, false): fp += 1
                case (false, true): fn += 1
                case (false, false): tn += 1
                }
            }
            #expect([row["tp"], row["fp"], row["fn"], row["tn"]] == [tp, fp, fn, tn].map(String.init), "\(row["perturbation"]!)")
            let n = Double(tp + fp + fn + tn)
            let po = Double(tp + tn) / n
            let pe = (Double(tp + fp) * Double(tp + fn) + Double(fn + tn) * Double(fp + tn)) / (n * n)
            let kappa = (po - pe) / (1 - pe)
            #expect(abs(Self.number(row["kappa"]) - kappa) < 1e-12, "\(row["perturbation"]!)")
            #expect(abs(Self.number(row["sensitivity"]) - Double(tp) / Double(tp + fn)) < 1e-15)
            #expect(abs(Self.number(row["specificity"]) - Double(tn) / Double(tn + fp)) < 1e-15)
            #expect(Self.number(row["kappa_ci_low"]) <= kappa && kappa <= Self.number(row["kappa_ci_high"]))
        }
        let record = try String(contentsOfFile: output + "/provenance.provx", encoding: .utf8)
        #expect(record.contains("<radaudit:raterAxis>observer</radaudit:raterAxis>"))
        #expect(record.contains("<radaudit:observer>reader2</radaudit:observer>"))
    }

    /// A sharded audit leaves the observed analysis to `merge` (a subject's rows sit in different shards), which gives
    /// the tables of one unsharded run, and says the mask overlap was not checked.
    @Test func mergeRunsTheObservedAnalysisOfShards() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (single, _) = try audit("fixtures/observed/observers.csv", raters: "observer", in: directory)
        let protocolPath = directory.appendingPathComponent("observed.yaml").path
        var shards: [String] = []
        for k in 1...2 {
            let output = directory.appendingPathComponent("shard\(k)").path
            let run = try CLI.run(["audit", "--protocol", protocolPath, "--cases", "fixtures/observed/observers.csv",
                                   "--output", output, "--shard", "\(k)/2"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: output + "/observed_stability.csv"))
            shards.append(output)
        }
        let merged = directory.appendingPathComponent("merged").path
        let run = try CLI.run(["merge"] + shards + ["--output", merged])
        #expect(run.status == 0 && run.stderr.contains("not checked for overlap"), "\(run.stderr)")
        for name in ["observed_stability.csv", "perturbation_validity.csv", "stability.csv", "features.csv"] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: merged + "/" + name))
                    == Data(contentsOf: URL(fileURLWithPath: single + "/" + name)), "\(name)")
        }
    }

    /// Bad designs: rater columns without `subject` are refused before any extraction; a subject with one row, and
    /// observers whose masks share no voxel, are named in warnings (stderr, `observed.json`, the report).
    @Test func badDesignsAreRefusedOrNamed() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixtures = CLI.repository.appendingPathComponent("fixtures/observed").path
        let noSubject = directory.appendingPathComponent("no-subject.csv").path
        try "case_id,image,mask,repeat\nc1,\(fixtures)/P01_test.nii.gz,\(fixtures)/P01_test_reader1.nii.gz,test\n"
            .write(toFile: noSubject, atomically: true, encoding: .utf8)
        let protocolPath = directory.appendingPathComponent("p.yaml").path
        try Self.protocolText(raters: "repeat").write(toFile: protocolPath, atomically: true, encoding: .utf8)
        let refused = try CLI.run(["audit", "--protocol", protocolPath, "--cases", noSubject,
                                   "--output", directory.appendingPathComponent("refused").path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("no-subject.csv: column 'repeat' needs a 'subject' column"), "\(refused.stderr)")

        // P03's second observer outlines the opposite corner of the image; P06 has one observer only.
        let far = directory.appendingPathComponent("far.nii.gz").path
        try Self.writeCornerMask(like: fixtures + "/P03_test_reader1.nii.gz", to: far)
        var rows = ["case_id,image,mask,subject,observer"]
        for k in 1...6 {
            let s = String(format: "P%02d", k)
            rows.append("\(s)_reader1,\(fixtures)/\(s)_test.nii.gz,\(fixtures)/\(s)_test_reader1.nii.gz,\(s),reader1")
            if k != 6 {
                let mask = k == 3 ? far : "\(fixtures)/\(s)_test_reader2.nii.gz"
                rows.append("\(s)_reader2,\(fixtures)/\(s)_test.nii.gz,\(mask),\(s),reader2")
            }
        }
        let cases = directory.appendingPathComponent("observers.csv").path
        try (rows.joined(separator: "\n") + "\n").write(toFile: cases, atomically: true, encoding: .utf8)
        let (output, stderr) = try audit(cases, raters: "observer", in: directory)
        #expect(stderr.contains("warning: subject 'P06' has one row only (case 'P06_reader1')"), "\(stderr)")
        #expect(stderr.contains("warning: subject 'P03': the masks of observers 'reader1' (case 'P03_reader1') and "
                                + "'reader2' (case 'P03_reader2') do not overlap at all"), "\(stderr)")
        let study = try String(contentsOfFile: output + "/observed.json", encoding: .utf8)
        #expect(study.contains("P06") && study.contains("do not overlap"))
        let report = try String(contentsOfFile: output + "/report.html", encoding: .utf8)
        #expect(report.contains("subject &#39;P06&#39; has one row only") || report.contains("subject 'P06' has one row only"))
        let observed = try Self.table(output + "/observed_stability.csv")
        #expect(observed.rows.allSatisfy { $0["cases"] == "5" || !($0["note"] ?? "").isEmpty })
    }

    /// A mask on the grid of `template` (a NIfTI mask) with one 3 × 3 × 3 block in the far corner.
    static func writeCornerMask(like template: String, to path: String) throws {
        let grid = try ImageFile.load(template).volume.geometry
        var voxels = [Double](repeating: 0, count: grid.size.count)
        for k in 0..<3 { for j in 0..<3 { for i in 0..<3 { voxels[grid.size.index(i, j, k)] = 1 } } }
        try NIfTI.write(Volume(geometry: grid, voxels: voxels), to: path, type: .uint8)
    }
}
