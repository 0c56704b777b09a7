import Foundation
import RadAuditCore
import Testing
@testable import RadAuditAudit

/// The design side of the observed analysis, on synthetic feature tables: variance attribution to acquisition
/// parameters, the phantom design where the ICC is undefined, and the warnings of incomplete designs.
@Suite struct ObservedDesignTests {
    static let sharpness = FeatureKey(family: "glcm", feature: "Contrast", ibsiCode: "ACUI", aggregation: "3D_averaged")
    static let volume = FeatureKey(family: "morphology", feature: "Volume (mesh)", ibsiCode: "RNU0", aggregation: "none")

    /// A phantom scanned under 2 kernels × 3 tube voltages × 2 repeats (12 rows, one subject). Contrast is built to
    /// depend on the kernel only (+40 for the sharp kernel, a small deterministic jitter); volume depends on nothing.
    static func phantomSweep() -> (features: [FeatureValue], inputs: [InputRecord]) {
        var features: [FeatureValue] = [], inputs: [InputRecord] = []
        var row = 0
        for kernel in ["soft", "sharp"] {
            for kvp in ["100", "120", "140"] {
                for scan in 0..<2 {
                    let id = "scan\(row)"
                    let jitter = Double((row * 7919) % 13) / 13 - 0.5  // in [−0.5, 0.5), unrelated to the design
                    let jitter2 = Double((row * 104_729) % 11) / 11 - 0.5
                    let design = CaseDesign(subject: "phantom", repetition: String(scan),
                                            acquisitionProtocol: "\(kernel)-\(kvp)",
                                            acquisition: ["convolutionKernel": kernel, "kvp": kvp])
                    inputs.append(InputRecord(caseID: id, site: "", image: "\(id).nii.gz", mask: "m.nii.gz", imageSHA256: "",
                                              maskSHA256: "", design: design))
                    for (key, value) in [(sharpness, 100 + (kernel == "sharp" ? 40 : 0) + jitter), (volume, 5000 + 3 * jitter2)] {
                        features.append(FeatureValue(caseID: id, variantID: "original", perturbation: "original",
                                                     family: key.family, feature: key.feature, ibsiCode: key.ibsiCode,
                                                     aggregation: key.aggregation, value: value))
                    }
                    row += 1
                }
            }
        }
        return (features, inputs)
    }

    /// The kernel explains nearly all of contrast's variance and none of volume's; kVp explains neither.
    @Test func theKernelMovesOnlyTheFeatureBuiltToDependOnIt() throws {
        let (features, inputs) = Self.phantomSweep()
        let effects = try #require(AcquisitionEffects.analyse(features: features, inputs: inputs))
        #expect(effects.parameters == ["protocol", "kvp", "convolutionKernel"])
        #expect(effects.subjects == 1)
        func effect(_ parameter: String, _ key: FeatureKey, _ model: String = "one-way") throws -> AcquisitionEffects.Effect {
            try #require(effects.effects.first { $0.parameter == parameter && $0.key == key && $0.model == model })
        }
        let kernelOnContrast = try effect("convolutionKernel", Self.sharpness)
        #expect(kernelOnContrast.share > 0.99 && kernelOnContrast.pValue < 1e-10 && kernelOnContrast.levels == 2)
        #expect(try effect("kvp", Self.sharpness).share < 0.01)
        #expect(try effect("convolutionKernel", Self.volume).pValue > 0.05)
        #expect(try effect("kvp", Self.volume).pValue > 0.05)
        // Both together: kernel and kVp are crossed, but the protocol column is their combination (confounded).
        let main = effects.effects.filter { $0.model == "main-effects" && $0.key == Self.sharpness }
        #expect(main.count == 1 && main[0].note.contains("confounded"))
        // Without the protocol column the main-effects model separates kernel and kVp.
        let crossed = inputs.map { input -> InputRecord in
            var input = input
            input.design.acquisitionProtocol = nil
            return input
        }
        let separated = try #require(AcquisitionEffects.analyse(features: features, inputs: crossed))
        let kernel = try #require(separated.effects.first { $0.model == "main-effects" && $0.parameter == "convolutionKernel" && $0.key == Self.sharpness })
        let kvp = try #require(separated.effects.first { $0.model == "main-effects" && $0.parameter == "kvp" && $0.key == Self.sharpness })
        let residual = try #require(separated.effects.first { $0.model == "main-effects" && $0.parameter == "residual" && $0.key == Self.sharpness })
        #expect(kernel.share > 0.99 && kvp.share < 0.01 && abs(kernel.share + kvp.share + residual.share - 1) < 1e-9)
        // Spread per level: the sharp kernel's contrast has mean 140 ± jitter, CV below 1 %.
        let sharp = try #require(separated.levels.first { $0.parameter == "convolutionKernel" && $0.level == "sharp" && $0.key == Self.sharpness })
        #expect(sharp.observations == 6 && abs(sharp.mean - 140) < 0.5 && sharp.coefficientOfVariation < 0.01)
        let all = try #require(separated.levels.first { $0.parameter == "acquisitions of subject" && $0.key == Self.sharpness })
        #expect(all.observations == 12 && all.range > 39)
    }

    /// One subject: the ICC is undefined, the note and a warning say why, and the tables carry no bare NaN.
    @Test func aPhantomDesignExplainsTheMissingICC() throws {
        // The first scan of each protocol: one row per subject × protocol.
        let (features, all) = Self.phantomSweep()
        let inputs = all.filter { $0.design.repetition == "0" }
        let observed = try ObservedAgreement.analyse(features: features, inputs: inputs,
                                                     settings: ObservedSettings(raters: .protocol))
        #expect(observed.raters.count == 6 && observed.subjects == ["phantom"])
        #expect(observed.rows.count == 2)
        for row in observed.rows {
            #expect(row.result.estimate.isNaN && row.note.contains("one subject"))
        }
        #expect(observed.warnings.contains { $0.contains("one subject ('phantom')") && $0.contains("not shown") })
    }

    /// Two rows of one subject with the same rater value are refused; rows without one are left out, named.
    @Test func incompleteDesignsAreRefusedOrNamed() throws {
        let rows: [(caseID: String, design: CaseDesign)] = [
            ("a1", CaseDesign(subject: "A", repetition: "1")), ("a2", CaseDesign(subject: "A", repetition: "2")),
            ("b1", CaseDesign(subject: "B", repetition: "1")), ("c1", CaseDesign(subject: "C", repetition: "1")),
            ("c2", CaseDesign(subject: "C", repetition: "2")), ("d", CaseDesign(subject: "D")),
        ]
        let layout = try ObservedAgreement.Layout(rows, axis: .repeat)
        #expect(layout.subjects == ["A", "C"] && layout.raters == ["1", "2"])
        #expect(layout.warnings.contains { $0.contains("subject 'B' has one row only (case 'b1')") })
        #expect(layout.warnings.contains { $0.contains("have no 'repeat' value") && $0.contains("'d'") })
        #expect(throws: CohortError.self) {
            try ObservedAgreement.Layout(rows + [("a3", CaseDesign(subject: "A", repetition: "2"))], axis: .repeat)
        }
        #expect(throws: CohortError.self) { try ObservedAgreement.Layout(rows, axis: .observer) }
    }

    /// `observed:` in a protocol: the rater axis, Shrout & Fleiss' names accepted, unknown keys refused.
    @Test func theObservedSectionParses() throws {
        let parsed = try AuditProtocol.parse("""
            observed: {raters: observer, statistic: "ICC(3,1)", robust_if: {metric: estimate, threshold: 0.9}}
            """, path: "p.yaml")
        #expect(parsed.observed?.raters == .observer && parsed.observed?.agreement.statistic == "ICC(C,1)")
        #expect(parsed.observed?.agreement.metric == .estimate && parsed.observed?.agreement.threshold == 0.9)
        #expect(try AuditProtocol.parse("observed: {raters: repeat}", path: "p.yaml").observed?.agreement.statistic == "ICC(A,1)")
        #expect(throws: ProtocolError.self) { try AuditProtocol.parse("observed: {raters: reader}", path: "p.yaml") }
        #expect(throws: ProtocolError.self) { try AuditProtocol.parse("observed: {raters: repeat, stat: x}", path: "p.yaml") }
    }
}
