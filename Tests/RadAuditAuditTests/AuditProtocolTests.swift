import Foundation
import RadAuditExtraction
import Testing
@testable import RadAuditAudit

private let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Test func shippedProtocolsParse() throws {
    for name in ["ibsi1-digital-phantom", "ibsi1-config-A", "ibsi1-config-B", "ibsi1-config-C", "ibsi1-config-D", "ibsi1-config-E"] {
        _ = try AuditProtocol.load(repository.appendingPathComponent("protocols/\(name).yaml").path)
    }
    let e = try AuditProtocol.load(repository.appendingPathComponent("protocols/ibsi1-config-E.yaml").path).extraction
    #expect(e.interpolation == InterpolationSettings(spacing: [2, 2, 2], image: .cubic, mask: .linear, maskThreshold: 0.5, roundIntensities: 1))
    #expect(e.resegmentation == ResegmentationSettings(lower: -1000, upper: 400, outlierSigma: 3))
    #expect(e.discretisation.ivh == .fixedBinNumber(1000))
    #expect(e.texture.dimensions == [.threeD])
}

@Test func defaultsApplyWhenKeysAreLeftOut() throws {
    let p = try AuditProtocol.parse("name: minimal\n", path: "p.yaml")
    #expect(p.extraction == ExtractionSettings())
    #expect(p.extraction.discretisation.histogram == .fixedBinNumber(32))
}

@Test func openRangeBoundsAndFamilyLists() throws {
    let p = try AuditProtocol.parse("""
        extraction:
          resegmentation: {range: [-1000, null]}
          families: [glcm, morphology]
        """, path: "p.yaml")
    #expect(p.extraction.resegmentation?.resegmentation.range == -1000...Double.infinity)
    #expect(p.extraction.families == [.morphology, .glcm])
}

@Test func errorsNameTheFileLineAndKey() {
    let yaml = """
        name: typo
        extraction:
          discretisation:
            texture: {method: fixed_bin_size, bin_widht: 25}
        """
    #expect(throws: ProtocolError.self) { try AuditProtocol.parse(yaml, path: "p.yaml") }
    do {
        _ = try AuditProtocol.parse(yaml, path: "p.yaml")
    } catch let error as ProtocolError {
        #expect(error.path == "p.yaml:4")
        #expect(error.problem.hasPrefix("extraction.discretisation.texture.bin_widht: unknown key"))
    } catch {
        Issue.record("\(error)")
    }
}

@Test func badValuesAreRefused() {
    for yaml in ["extraction: {texture: {glcm_distance: 0}}", "extraction: {interpolation: {spacing_mm: [1]}}",
                 "extraction: {interpolation: {spacing_mm: [1, 1, 1], mask: cubic}}", "extraction: {families: some}",
                 "extraction: {discretisation: {texture: {method: fixed_bin_number, bins: 0}}}", "seed: -3", "[1, 2]"] {
        #expect(throws: ProtocolError.self, "\(yaml)") { try AuditProtocol.parse(yaml, path: "p.yaml") }
    }
}

@Test(arguments: [
    "perturbations: {noise: {repetitions: 1000000000, sigma: 5}}",
    "perturbations:\n  rotation: {angles_deg: [10]}\n  chains: [{name: c, steps: [rotation], repetitions: 1000000000000}]",
    "perturbations: {noise: {repetitions: 100000, sigma: 5}}",
    "extraction: {discretisation: {texture: {method: fixed_bin_number, bins: 1000000000}}}",
])
func protocolsAskingForTooMuchWorkAreRefusedBeforeAnyWork(yaml: String) {
    #expect {
        try AuditProtocol.parse(yaml + "\n", path: "P.yaml")
    } throws: { error in
        let text = "\(error)"
        return !text.contains("\n") && (text.contains("at most 10000") || text.contains("bins from 1 to"))
    }
}

@Test func aLargeButBoundedPlanIsAccepted() throws {
    let angles = (1...2000).map { String($0 % 360) }.joined(separator: ", ")
    let parsed = try AuditProtocol.parse("perturbations: {rotation: {angles_deg: [\(angles)]}}\n", path: "P.yaml")
    #expect(parsed.perturbations.variantCount == 2001)
}

/// The pyradiomics grid's keys: a spacing of 0 and `pad_distance` only with `grid: pyradiomics`, a pad ≥ 0, at least
/// one spacing above 0; and `stability: required:` must name a group.
@Test(arguments: [
    ("extraction: {interpolation: {spacing_mm: [1, 1, 0]}}", "expected 2 or 3 positive spacings"),
    ("extraction: {interpolation: {spacing_mm: [1, 1, 1], pad_distance: 5}}", "applies to grid: pyradiomics only"),
    ("extraction: {interpolation: {spacing_mm: [1, 1, 1], grid: pyradiomics, pad_distance: -1}}", "expected a number ≥ 0"),
    ("extraction: {interpolation: {spacing_mm: [0, 0, 0], grid: pyradiomics}}", "each positive or 0"),
    ("extraction: {interpolation: {spacing_mm: [1, 1, 1], grid: centred}}", "grid"),
    ("stability: {required: []}", "name at least one perturbation group"),
])
func pyradiomicsGridAndRequiredGroupsAreChecked(yaml: String, message: String) {
    #expect {
        try AuditProtocol.parse(yaml, path: "p.yaml")
    } throws: { error in "\(error)".contains(message) }
}

@Test func thePyradiomicsGridParses() throws {
    let p = try AuditProtocol.parse("extraction: {interpolation: {spacing_mm: [2, 2, 0], image: cubic, mask: nearest, "
                                    + "grid: pyradiomics, pad_distance: 10, cast_to_voxel_type: true}}", path: "p.yaml")
    #expect(p.extraction.interpolation == InterpolationSettings(spacing: [2, 2, 0], image: .cubic, mask: .nearest,
                                                                grid: .pyradiomics, padDistance: 10, castToVoxelType: true))
}
