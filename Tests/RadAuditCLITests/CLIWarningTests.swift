import Foundation
import RadAuditImageIO
import Testing

/// What the CLI tells its user: a closing summary on stderr (not only on a terminal), a refusal to write into a
/// non-empty directory, and one warning per way a run goes wrong without failing — each on stderr, in `run.json`,
/// the report and the provenance record.
@Suite struct CLIWarningTests {
    static let quick = """
        extraction:
          resegmentation: {range: [-1000, 400]}
          families: [intensity_statistics]
        perturbations:
          noise: {repetitions: 1, sigma: 10}
        """

    static func write(_ text: String, _ name: String, in directory: URL) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let cohort = CLI.repository.appendingPathComponent("fixtures/cohort").path

    @Test func aNonEmptyOutputDirectoryNeedsOverwriteOrResume() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let protocolPath = try Self.write(Self.quick, "p.yaml", in: directory)
        let cases = try Self.write("case_id,image,mask\nc1,\(Self.cohort)/case1_image.nii.gz,\(Self.cohort)/case1_mask.nii.gz\n",
                                   "cases.csv", in: directory)
        let output = directory.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        try "keep me".write(to: output.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let arguments = ["audit", "--protocol", protocolPath, "--cases", cases, "--output", output.path]
        let refused = try CLI.run(arguments)
        #expect(refused.status != 0 && refused.stderr.contains("is not empty") && refused.stderr.contains("--overwrite"), "\(refused.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path) == ["notes.txt"])
        let written = try CLI.run(arguments + ["--overwrite"])
        #expect(written.status == 0, "\(written.stderr)")
        // The closing summary, printed although stderr is not a terminal here.
        #expect(written.stderr.contains("radaudit: audited 1 case(s) × 2 variant(s): 2 extracted, 0 failed, 0 skipped;"), "\(written.stderr)")
        #expect(written.stderr.contains("report: \(output.path)/report.html"))
        #expect(try CLI.run(arguments + ["--resume"]).status == 0)
        let merged = try CLI.run(["merge", output.path, "--output", output.path])
        #expect(merged.status != 0 && merged.stderr.contains("is not empty"))
    }

    /// A protocol without perturbations; a case whose every variant fails for one reason; a label map with several
    /// labels and none chosen; a CT re-segmentation range on an image without negative intensities.
    @Test func runWarningsAreSaidOnceAndRecorded() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // case2's mask gets a second label; case3's image is shifted to positive values (not CT-like).
        let mask = try ImageFile.load("\(Self.cohort)/case2_mask.nii.gz").volume
        var labels = mask
        for i in labels.voxels.indices where labels.voxels[i] == 0 && i % 97 == 0 { labels.voxels[i] = 2 }
        try NIfTI.write(labels, to: directory.appendingPathComponent("labels.nii.gz").path, type: .uint8)
        var shifted = try ImageFile.load("\(Self.cohort)/case3_image.nii.gz").volume
        for i in shifted.voxels.indices { shifted.voxels[i] += 2000 }
        try NIfTI.write(shifted, to: directory.appendingPathComponent("positive.nii.gz").path, type: .int16)
        let cases = try Self.write("""
            case_id,image,mask
            c1,\(Self.cohort)/case1_image.nii.gz,\(Self.cohort)/case1_mask.nii.gz
            c2,\(Self.cohort)/case2_image.nii.gz,\(directory.path)/labels.nii.gz
            c3,\(directory.path)/positive.nii.gz,\(Self.cohort)/case3_mask.nii.gz
            c4,\(directory.path)/missing.nii.gz,\(Self.cohort)/case4_mask.nii.gz

            """, "cases.csv", in: directory)
        let output = directory.appendingPathComponent("out").path
        let run = try CLI.run(["audit", "--protocol", try Self.write(Self.quick, "p.yaml", in: directory), "--cases", cases,
                               "--output", output])
        #expect(run.status == 3, "\(run.stderr)")
        let lines = run.stderr.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.hasPrefix("warning: case 'c4': every variant failed the same way:") && $0.contains("missing.nii.gz") }.count == 1,
                "\(run.stderr)")
        #expect(lines.contains { $0.hasPrefix("warning: case 'c2': ") && $0.contains("holds 2 labels (1, 2) and none was chosen: label 1 is used") })
        #expect(lines.contains { $0.hasPrefix("warning: case 'c3': ") && $0.contains("looks like CT Hounsfield units") })
        #expect(!lines.contains { $0.contains("case 'c1'") })
        let record = try String(contentsOfFile: output + "/run.json", encoding: .utf8)
        #expect(record.contains("\"warnings\"") && record.contains("none was chosen"))
        #expect(try String(contentsOfFile: output + "/report.html", encoding: .utf8).contains("looks like CT Hounsfield units"))
        #expect(try String(contentsOfFile: output + "/provenance.provx", encoding: .utf8).contains("<radaudit:warning>case &apos;c2&apos;")
                || (try String(contentsOfFile: output + "/provenance.provx", encoding: .utf8)).contains("<radaudit:warning>case 'c2'"))

        let none = try CLI.run(["audit", "--protocol", try Self.write("extraction:\n  families: [intensity_statistics]\n", "q.yaml", in: directory),
                                "--cases", cases, "--output", directory.appendingPathComponent("none").path])
        #expect(none.stderr.contains("warning: the protocol has no perturbations"), "\(none.stderr)")
    }

    /// `stability: required:` naming a group the protocol does not have is refused before anything is written.
    @Test func anUnknownRequiredGroupIsRefused() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let protocolPath = try Self.write(Self.quick + "\nstability:\n  required: [noise, rotation]\n", "p.yaml", in: directory)
        let output = directory.appendingPathComponent("out").path
        let run = try CLI.run(["audit", "--protocol", protocolPath, "--cases", "fixtures/cohort/cases.csv", "--output", output])
        #expect(run.status == 1 && run.stderr.contains("stability.required: 'rotation' is not a perturbation group of this protocol (groups: noise)"),
                "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    /// `merge` of some shards only is refused, naming the missing ones; `--partial` merges them with a warning.
    @Test func aMergeMissingShardsIsRefusedUnlessPartial() throws {
        let directory = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let protocolPath = try Self.write(Self.quick, "p.yaml", in: directory)
        let shard = directory.appendingPathComponent("s1").path
        #expect(try CLI.run(["audit", "--protocol", protocolPath, "--cases", "fixtures/cohort/cases.csv", "--output", shard,
                             "--shard", "1/3"]).status == 0)
        let merged = directory.appendingPathComponent("merged").path
        let refused = try CLI.run(["merge", shard, "--output", merged])
        #expect(refused.status == 1 && refused.stderr.contains("shard(s) 2/3, 3/3 of the audit are missing"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: merged))
        let partial = try CLI.run(["merge", shard, "--output", merged, "--partial"])
        #expect(partial.status == 0 && partial.stderr.contains("warning: shard(s) 2/3, 3/3 are missing"), "\(partial.stderr)")
        #expect(partial.stderr.contains("radaudit: merged 1 shard(s)"))
    }
}
