import Foundation
@testable import RadAuditAudit
import RadAuditImageIO
import RadAuditPerturbation
import Testing

/// Audits cut each case down to the part around its ROI that the variants read. These tests run the same audit on
/// cut cases and on whole images (exporting the variants turns cutting off) and require identical outcomes.

/// A 90×80×36 CT-like image (0.8 × 0.8 × 2 mm, int16 steps) with a textured blob at `centre` of radius `radius` voxels.
private func writeCase(_ directory: URL, name: String, centre: SIMD3<Double>, radius: Double) throws -> AuditCase {
    let geometry = ImageGeometry(size: GridSize(x: 90, y: 80, z: 36), spacing: SIMD3(0.8, 0.8, 2))
    var generator = SeededGenerator(seed: 7)
    var image = [Double](), mask = [Double]()
    for k in 0..<36 {
        for j in 0..<80 {
            for i in 0..<90 {
                let d = SIMD3(Double(i) - centre.x, Double(j) - centre.y, (Double(k) - centre.z) * 2.5)
                let inside = (d * d).sum() <= radius * radius
                let texture = 40 * sin(Double(i) * 0.7) * cos(Double(j) * 0.5) + 30 * generator.nextGaussian()
                image.append(((inside ? 60 : -20 + 0.5 * Double(i)) + texture).rounded())
                mask.append(inside ? 1 : 0)
            }
        }
    }
    let imagePath = directory.appendingPathComponent("\(name)_image.nii.gz").path
    let maskPath = directory.appendingPathComponent("\(name)_mask.nii.gz").path
    try NIfTI.write(Volume(geometry: geometry, voxels: image), to: imagePath, type: .int16)
    try NIfTI.write(Volume(geometry: geometry, voxels: mask), to: maskPath, type: .uint8)
    return AuditCase(id: name, image: imagePath, mask: maskPath)
}

private func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("radaudit-cutting-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

private func outcomes(_ text: String, cases: [AuditCase], directory: URL, whole: Bool) throws -> [VariantOutcome] {
    let auditProtocol = try AuditProtocol.parse(text, path: "cutting.yaml")
    let output = directory.appendingPathComponent(whole ? "whole" : "cut").path
    return try AuditRunner(auditProtocol: auditProtocol, cases: cases, outputDirectory: output, jobs: 2,
                           exportVariants: whole).run().outcomes
}

private func expectSame(_ cut: [VariantOutcome], _ whole: [VariantOutcome]) {
    #expect(cut.count == whole.count)
    for (a, b) in zip(cut, whole) {
        #expect(a.variant.id == b.variant.id && a.caseID == b.caseID)
        #expect(a.status == b.status, "\(a.caseID) \(a.variant.id)")
        #expect(a.notes == b.notes, "\(a.caseID) \(a.variant.id)")
        #expect(a.roiVoxelCount.bitPattern == b.roiVoxelCount.bitPattern, "\(a.caseID) \(a.variant.id)")
        #expect(a.features.count == b.features.count)
        for (x, y) in zip(a.features, b.features) where x.value.bitPattern != y.value.bitPattern && !(x.value.isNaN && y.value.isNaN) {
            Issue.record("\(a.caseID) \(a.variant.id) \(x.name): \(x.value) on the part, \(y.value) on the whole image")
        }
    }
}

private let everyPerturbation = """
    seed: 11
    extraction:
      interpolation: {spacing_mm: [1, 1, 1], image: linear, mask: linear, mask_threshold: 0.5, round_intensities: 1}
      resegmentation: {range: [-1000, 400]}
      discretisation:
        texture: {method: fixed_bin_size, bin_width: 25}
        ivh: {method: none}
      texture: {dimensions: [3D]}
    perturbations:
      noise: {repetitions: 2, sigma: auto}
      resampling: {spacings_mm: [[2, 2, 2]]}
      discretisation: {bin_widths: [10]}
      mask: {erode_mm: [1], dilate_mm: [2]}
      rotation: {angles_deg: [-20, 35]}
      translation: {fractions: [0.3, -0.5]}
      volume_adaptation: {fractions: [-0.2, 0.3]}
      contour_randomisation: {repetitions: 1}
      chains:
        - {name: NTVC, steps: [noise, translation, volume_adaptation, contour_randomisation], repetitions: 1}
        - {name: NMRD, steps: [noise, mask, resampling, discretisation], repetitions: 2}
        - {name: RNM, steps: [rotation, mask, volume_adaptation], repetitions: 1}
    """

@Test func cutCasesGiveTheWholeImagesOutcomesForEveryPerturbation() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    // One ROI well inside the image, one against its edge (the part is clipped there as the image is).
    let cases = [try writeCase(directory, name: "inside", centre: SIMD3(50, 30, 17), radius: 7),
                 try writeCase(directory, name: "edge", centre: SIMD3(3, 70, 33), radius: 6)]
    let cut = try outcomes(everyPerturbation, cases: cases, directory: directory, whole: false)
    let whole = try outcomes(everyPerturbation, cases: cases, directory: directory, whole: true)
    #expect(cut.allSatisfy { $0.status == VariantStatus.extracted })
    expectSame(cut, whole)
}

@Test func aCaseIsCutToTheBoxItsVariantsRead() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let audited = try writeCase(directory, name: "inside", centre: SIMD3(50, 30, 17), radius: 7)
    let geometry = try #require(try ImageFile.loadStored(audited.image)).geometry
    let roi = BoundingBox(lower: SIMD3(43, 23, 15), upper: SIMD3(58, 38, 20))
    func box(_ perturbations: String) throws -> BoundingBox {
        let text = "extraction: {interpolation: {spacing_mm: [1, 1, 1]}}\nperturbations: {\(perturbations)}"
        return try AuditRunner(auditProtocol: AuditProtocol.parse(text, path: "p.yaml"), cases: [audited], outputDirectory: "",
                               jobs: 1).workingBox(around: roi, of: geometry)
    }
    let noise = try box("noise: {repetitions: 1, sigma: auto}")
    let dilation = try box("mask: {dilate_mm: [5]}")
    let rotation = try box("rotation: {angles_deg: [30]}")
    // Noise moves nothing: the part is the extraction's neighbourhood of the ROI, far smaller than the image.
    #expect(noise.contains(roi) && noise.size.count < geometry.size.count / 4)
    // A 5 mm dilation needs ⌈5 / 0.8⌉ + 1 = 8 voxels more in plane and ⌈5 / 2⌉ + 1 = 4 more along z (give or take the
    // 1 mm grid's rounding).
    // (clipped to the image along y's lower side).
    #expect(all(dilation.upper &- noise.upper .>= SIMD3(7, 7, 3)))
    #expect(noise.lower.x - dilation.lower.x >= 7 && dilation.lower.y == 0 && noise.lower.z - dilation.lower.z >= 3)
    // A rotation reads a diagonal away in plane, but hardly further along z than a noise variant.
    #expect(rotation.size.x > dilation.size.x && rotation.size.y > dilation.size.y)
    #expect(noise.lower.z - rotation.lower.z <= 2 && rotation.upper.z - noise.upper.z <= 2)
}

@Test func partNoiseDrawsTheWholeImagesNoise() {
    let size = GridSize(x: 13, y: 7, z: 5)
    let image = Volume(geometry: ImageGeometry(size: size, spacing: SIMD3(1, 1, 1)),
                       voxels: (0..<size.count).map { Double($0 % 17) })
    let whole = GaussianNoise.adding(sigma: 3, to: image, seed: 99)
    // Odd and even offsets and widths, so that parts start on either value of a Marsaglia pair.
    for (lower, upper) in [(SIMD3(0, 0, 0), SIMD3(13, 7, 5)), (SIMD3(3, 1, 2), SIMD3(8, 6, 4)), (SIMD3(1, 0, 0), SIMD3(2, 7, 5)),
                           (SIMD3(12, 6, 4), SIMD3(13, 7, 5))] {
        let box = BoundingBox(lower: lower, upper: upper)
        let part = GaussianNoise.adding(sigma: 3, to: image.cropped(to: box), seed: 99,
                                        part: ImagePart(offset: lower, wholeSize: size))
        #expect(part.voxels == whole.cropped(to: box).voxels)
    }
}

@Test func badInputsFailTheSameWayWhetherCasesAreCutOrNot() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let good = try writeCase(directory, name: "good", centre: SIMD3(50, 30, 17), radius: 7)
    // A truncated image, an empty mask, and a mask on another grid.
    let truncated = directory.appendingPathComponent("truncated_image.nii.gz").path
    let bytes = try Data(contentsOf: URL(fileURLWithPath: good.image))
    try bytes.prefix(bytes.count / 3).write(to: URL(fileURLWithPath: truncated))
    let empty = directory.appendingPathComponent("empty_mask.nii.gz").path
    try NIfTI.write(Volume(geometry: ImageGeometry(size: GridSize(x: 90, y: 80, z: 36), spacing: SIMD3(0.8, 0.8, 2)),
                           voxels: [Double](repeating: 0, count: 90 * 80 * 36)), to: empty, type: .uint8)
    let otherGrid = directory.appendingPathComponent("other_mask.nii.gz").path
    try NIfTI.write(Volume(geometry: ImageGeometry(size: GridSize(x: 90, y: 80, z: 35), spacing: SIMD3(0.8, 0.8, 2)),
                           voxels: [Double](repeating: 1, count: 90 * 80 * 35)), to: otherGrid, type: .uint8)
    let cases = [AuditCase(id: "truncated", image: truncated, mask: good.mask),
                 AuditCase(id: "empty", image: good.image, mask: empty),
                 AuditCase(id: "grid", image: good.image, mask: otherGrid)]
    let text = "extraction: {interpolation: {spacing_mm: [1, 1, 1]}, families: [intensity_statistics]}\n"
        + "perturbations: {noise: {repetitions: 1, sigma: auto}, mask: {dilate_mm: [1]}}"
    let cut = try outcomes(text, cases: cases, directory: directory, whole: false)
    let whole = try outcomes(text, cases: cases, directory: directory, whole: true)
    expectSame(cut, whole)
    let reasons = Dictionary(grouping: cut, by: \.caseID).mapValues { $0.map { $0.status.errorText ?? "" } }
    #expect(reasons["truncated"]?.allSatisfy { $0.contains("truncated_image.nii.gz: truncated gzip stream") } == true, "\(reasons)")
    #expect(reasons["empty"]?.allSatisfy { $0.contains("empty_mask.nii.gz: the mask is empty") } == true, "\(reasons)")
    #expect(reasons["grid"]?.allSatisfy { $0.contains("other_mask.nii.gz: mask grid does not match the image") } == true, "\(reasons)")
}
