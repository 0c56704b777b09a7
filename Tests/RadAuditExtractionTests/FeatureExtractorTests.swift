import Foundation
import RadAuditFeatures
import RadAuditImageIO
import Testing
@testable import RadAuditExtraction

/// A 12×12×6 image (2 mm) with a cube ROI of 6×6×4 voxels and a ramp of intensities.
private func cube() -> (Volume<Double>, Volume<Bool>) {
    let size = GridSize(x: 12, y: 12, z: 6)
    let geometry = ImageGeometry(size: size, spacing: SIMD3(2, 2, 2))
    var image = [Double](repeating: 0, count: size.count), mask = [Bool](repeating: false, count: size.count)
    for k in 0..<6 { for j in 0..<12 { for i in 0..<12 {
        image[size.index(i, j, k)] = Double(i * 3 + j * 5 + k * 7 % 11)
        mask[size.index(i, j, k)] = (3..<9).contains(i) && (3..<9).contains(j) && (1..<5).contains(k)
    } } }
    return (Volume(geometry: geometry, voxels: image), Volume(geometry: geometry, voxels: mask))
}

@Test func familiesAreComputedInIBSIOrderAndOnlyWhenRequested() throws {
    let (image, mask) = cube()
    let settings = ExtractionSettings(texture: TextureSettings(dimensions: [.threeD]), families: [.intensityStatistics, .glcm])
    let result = try FeatureExtractor(settings: settings).extract(image: image, mask: mask)
    #expect(Set(result.features.map(\.family)) == [.intensityStatistics, .glcm])
    #expect(result.features.first?.family == .intensityStatistics)
    #expect(result.features.filter { $0.family == .glcm }.allSatisfy { [.averaged3D, .merged3D].contains($0.aggregation) })
    #expect(result.features.first { $0.code == "Q4LE" }?.value == mask.voxels.indices.filter { mask.voxels[$0] }
        .map { image.voxels[$0] }.reduce(0, +) / 144)
}

@Test func diagnosticsFollowEachStep() throws {
    let (image, mask) = cube()
    let settings = ExtractionSettings(interpolation: InterpolationSettings(spacing: [1, 1, 1]),
                                      resegmentation: ResegmentationSettings(lower: 50, upper: nil),
                                      families: [.intensityStatistics])
    let result = try FeatureExtractor(settings: settings).extract(image: image, mask: mask, diagnostics: true)
    let d = Dictionary(uniqueKeysWithValues: result.diagnostics.map { ($0.tag, $0.value) })
    #expect(result.diagnostics.count == 60)
    #expect(d["img_dim_x_init_img"] == 12 && d["img_dim_x_interp_img"] == 24 && d["vox_dim_z_interp_img"] == 1)
    #expect(d["int_mask_vox_count_init_roi"] == 144)
    #expect(d["morph_mask_vox_count_reseg_roi"] == d["morph_mask_vox_count_interp_roi"])
    #expect(d["int_mask_vox_count_reseg_roi"]! < d["int_mask_vox_count_interp_roi"]!)
    #expect(d["int_mask_min_int_reseg_roi"]! >= 50)
}

@Test func extractionIsDeterministic() throws {
    let (image, mask) = cube()
    let extractor = FeatureExtractor(settings: ExtractionSettings())
    let a = try extractor.extract(image: image, mask: mask).features
    let b = try extractor.extract(image: image, mask: mask).features
    #expect(a.count == b.count && zip(a, b).allSatisfy { $0.code == $1.code && $0.value.bitPattern == $1.value.bitPattern })
}

@Test func emptyAndNonFiniteROIsAreErrors() {
    let (image, mask) = cube()
    var nan = image
    nan.voxels[mask.voxels.firstIndex(of: true)!] = .nan
    #expect(throws: ExtractionError.self) { try FeatureExtractor(settings: ExtractionSettings()).extract(image: nan, mask: mask) }
    let empty = Volume(geometry: mask.geometry, voxels: [Bool](repeating: false, count: mask.voxels.count))
    #expect(throws: ExtractionError.self) { try FeatureExtractor(settings: ExtractionSettings()).extract(image: image, mask: empty) }
}

@Test func interpolatingAWindowGivesTheSameFeaturesAsTheWholeGrid() throws {
    let (image, mask) = cube()
    for kernel in [InterpolationSettings.Interpolator.linear, .cubic] {
        let settings = ExtractionSettings(interpolation: InterpolationSettings(spacing: [1.5, 1.5, 1.5], image: kernel, roundIntensities: 1))
        let extractor = FeatureExtractor(settings: settings)
        let windowed = try extractor.extract(image: image, mask: mask).features
        let whole = try extractor.extract(image: image, mask: mask, diagnostics: true).features
        #expect(windowed.count == whole.count)
        for (a, b) in zip(windowed, whole) {
            #expect(a.code == b.code && (a.value == b.value || abs(a.value - b.value) <= 1e-9 * max(1, abs(b.value))),
                    "\(a.name) \(a.aggregation): \(a.value) vs \(b.value)")
        }
    }
}

/// The cube written as gzipped NIfTI files, the image's CRC-32 spoiled when `corrupt`.
private func cubeFiles(corrupt: Bool) throws -> (image: String, mask: String) {
    let (image, mask) = cube()
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("radaudit-extraction-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let imagePath = directory.appendingPathComponent("image.nii.gz").path, maskPath = directory.appendingPathComponent("mask.nii.gz").path
    try NIfTI.write(image, to: imagePath)
    try NIfTI.write(Volume(geometry: mask.geometry, voxels: mask.voxels.map { $0 ? 1 : 0 }), to: maskPath, type: .uint8)
    if corrupt {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: imagePath))
        bytes[bytes.count - 6] ^= 0x5A
        try bytes.write(to: URL(fileURLWithPath: imagePath))
    }
    return (imagePath, maskPath)
}

@Test func filesGiveTheValuesOfTheVolumesAndACorruptImageIsNamed() throws {
    let settings = ExtractionSettings(texture: TextureSettings(dimensions: [.threeD]))
    let (image, mask) = cube()
    let files = try cubeFiles(corrupt: false)
    let fromFiles = try FeatureExtractor(settings: settings).extract(imagePath: files.image, maskPath: files.mask)
    let fromVolumes = try FeatureExtractor(settings: settings).extract(image: image, mask: mask)
    #expect(fromFiles.features.map(\.value).elementsEqual(fromVolumes.features.map(\.value)) { $0 == $1 || ($0.isNaN && $1.isNaN) })
    let corrupt = try cubeFiles(corrupt: true)
    #expect {
        try FeatureExtractor(settings: settings).extract(imagePath: corrupt.image, maskPath: corrupt.mask)
    } throws: { error in
        "\(error)".contains(corrupt.image) && "\(error)".contains("corrupt gzip stream")
    }
}
