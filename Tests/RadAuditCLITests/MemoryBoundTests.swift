import Foundation
import RadAuditImageIO
import Testing

/// Peak memory of an audit of large images with small ROIs: each case is cut to the part around its ROI, so the
/// audit holds no whole image as Double, whatever the variants. Measured as the audit's own high-water mark (`VmHWM`,
/// which its closing summary reports), not a timing.

@Test func anAuditOfLargeImagesWithSmallROIsHoldsNoWholeImage() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    // A 512×512×48 CT (0.78 × 0.78 × 2.5 mm; 101 MB as Double) with a 12 mm ROI; two cases read it, so that two are
    // in flight with --jobs 2. Slices away from the ROI repeat one textured slice (cheap to make in a debug build).
    let size = GridSize(x: 512, y: 512, z: 48)
    let geometry = ImageGeometry(size: size, spacing: SIMD3(0.78, 0.78, 2.5))
    func slice(_ k: Int) -> (image: [Double], mask: [Double]) {
        var image = [Double](repeating: 0, count: size.x * size.y), mask = image
        for j in 0..<size.y {
            for i in 0..<size.x {
                let d = SIMD3(Double(i - 300) * 0.78, Double(j - 200) * 0.78, Double(k - 24) * 2.5)
                let inside = (d * d).sum() <= 144
                image[i + size.x * j] = (inside ? 40 : -700) + Double((i * 7 + j * 13 + k * 3) % 23)
                mask[i + size.x * j] = inside ? 1 : 0
            }
        }
        return (image, mask)
    }
    let plain = slice(0)
    var image: [Double] = [], mask: [Double] = []
    image.reserveCapacity(size.count)
    mask.reserveCapacity(size.count)
    for k in 0..<size.z {
        let made = (19...29).contains(k) ? slice(k) : plain
        image += made.image
        mask += made.mask
    }
    try NIfTI.write(Volume(geometry: geometry, voxels: image), to: directory.appendingPathComponent("ct.nii.gz").path, type: .int16)
    try NIfTI.write(Volume(geometry: geometry, voxels: mask), to: directory.appendingPathComponent("roi.nii.gz").path, type: .uint8)
    try "case_id,image,mask\na,ct.nii.gz,roi.nii.gz\nb,ct.nii.gz,roi.nii.gz\n"
        .write(to: directory.appendingPathComponent("cases.csv"), atomically: true, encoding: .utf8)
    try """
    seed: 3
    extraction:
      interpolation: {spacing_mm: [1, 1, 1], image: linear, mask: linear, mask_threshold: 0.5, round_intensities: 1}
      resegmentation: {range: [-1000, 400]}
      discretisation: {texture: {method: fixed_bin_size, bin_width: 25}, ivh: {method: none}}
      families: [morphology, intensity_statistics, glcm, glszm]
    perturbations:
      noise: {repetitions: 1, sigma: auto}
      mask: {dilate_mm: [2]}
    """.write(to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
    let run = try CLI.run(["audit", "--protocol", directory.appendingPathComponent("p.yaml").path,
                           "--cases", directory.appendingPathComponent("cases.csv").path,
                           "--output", directory.appendingPathComponent("audit").path, "--jobs", "2"])
    #expect(run.status == 0, "\(run.stderr)")
    let clause = try #require(run.stderr.firstMatch(of: /peak memory (\d+) MB;/), "\(run.stderr)")
    // Reading each image whole as Double, as audits did, took 2 × 101 MB before any noise copy (0.55 GB in all).
    #expect(try #require(Int(clause.1)) < 300, "\(run.stderr)")
}
