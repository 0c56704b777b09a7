import Foundation
import RadAuditCore
import RadAuditImageIO
import Testing

private let samples = "fixtures/pyradiomics/samples"

@Test func convertParamsPrintsARunnableProtocolAndRefusesByKey() throws {
    let run = try CLI.run(["convert-params", "fixtures/pyradiomics/exampleSettings/exampleCT.yaml"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("conventions: pyradiomics"))
    #expect(run.stdout.contains("voxel_array_shift: 1000"))
    #expect(run.stdout.contains("name: log-sigma-1-0-mm-3D"))
    #expect(run.stdout.contains("interpolation: {spacing_mm: [1, 1, 1], image: cubic, mask: nearest, grid: pyradiomics, pad_distance: 10, cast_to_voxel_type: true}"))
    let refused = try CLI.run(["convert-params", "fixtures/pyradiomics/exampleSettings/exampleVoxel.yaml"])
    #expect(refused.status == 1)
    #expect(refused.stdout.isEmpty)
    #expect(refused.stderr.hasSuffix("exampleVoxel.yaml:15: voxelSetting: voxel-based feature maps are not supported\n"))
    #expect(refused.stderr.split(separator: "\n").count == 1)
    let table = try CLI.run(["convert-params", "--names-table"])
    #expect(table.stdout.hasPrefix("pyradiomics_class,pyradiomics_feature,family,feature,ibsi_code,deprecated,differences\n"))
}

@Test func batchExtractionWritesOneRowPerCaseWithPyradiomicsNames() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let repository = CLI.repository.appendingPathComponent(samples).path
    let batch = directory.appendingPathComponent("batch.csv").path
    try """
        ID,Image,Mask,Label
        breast,\(repository)/breast1_image.nrrd,\(repository)/breast1_label.nrrd,1
        lung,\(repository)/lung1_image_cropped.nrrd,\(repository)/lung1_label_cropped.nrrd,1
        """.write(toFile: batch, atomically: true, encoding: .utf8)
    let output = directory.appendingPathComponent("features.csv").path
    let run = try CLI.run(["extract", "--cases", batch, "--protocol", "fixtures/pyradiomics/baseline-params/default.yaml",
                           "--names", "pyradiomics", "--jobs", "2", "--output", output])
    #expect(run.status == 0, "\(run.stderr)")
    let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    #expect(lines.count == 3)
    let header = lines[0].map(String.init)
    #expect(Array(header.prefix(3)) == ["case_id", "image", "mask"])
    #expect(header.count == 3 + 107)  // every baseline feature of the default configuration, nothing else
    let kurtosis = try #require(header.firstIndex(of: "original_firstorder_Kurtosis"))
    #expect(lines[1][0] == "breast" && lines[2][0] == "lung")
    // pyradiomics' baseline value for breast1 (not excess kurtosis).
    #expect(abs(Double(lines[1][kurtosis])! - 1.8044408150083193) < 1e-9)

    let json = try CLI.run(["extract", "--cases", batch, "--protocol", "fixtures/pyradiomics/baseline-params/default.yaml",
                            "--names", "pyradiomics", "--format", "json"])
    #expect(json.status == 0, "\(json.stderr)")
    let objects = try json.stdout.split(separator: "\n").map {
        try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
    }
    #expect(objects.count == 2 && objects[0]["case_id"] as? String == "breast")
    #expect(objects[0]["original_glcm_MCC"] is Double)
}

@Test func aFailingCaseFailsTheBatchAndWritesNothing() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let batch = directory.appendingPathComponent("batch.csv").path
    try "Image,Mask\nmissing.nrrd,missing_label.nrrd\n".write(toFile: batch, atomically: true, encoding: .utf8)
    let output = directory.appendingPathComponent("features.csv").path
    let run = try CLI.run(["extract", "--cases", batch, "--output", output])
    #expect(run.status == 1)
    #expect(run.stderr.contains("case '1'"))
    #expect(!FileManager.default.fileExists(atPath: output))
}

@Test func anAuditInPyradiomicsConventionsNamesItsFeaturesBothWays() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let repository = CLI.repository.appendingPathComponent(samples).path
    let batch = directory.appendingPathComponent("batch.csv").path
    try """
        Image,Mask
        \(repository)/breast1_image.nrrd,\(repository)/breast1_label.nrrd
        \(repository)/lung1_image_cropped.nrrd,\(repository)/lung1_label_cropped.nrrd
        \(repository)/brain2_image.nrrd,\(repository)/brain2_label.nrrd
        """.write(toFile: batch, atomically: true, encoding: .utf8)
    let protocolPath = directory.appendingPathComponent("p.yaml").path
    try """
        extraction:
          conventions: pyradiomics
          discretisation: {texture: {method: fixed_bin_size, bin_width: 25}}
          texture: {dimensions: [3D]}
          families: [intensity_statistics, glcm]
        perturbations:
          noise: {repetitions: 2, sigma: auto}
        """.write(toFile: protocolPath, atomically: true, encoding: .utf8)
    let output = directory.appendingPathComponent("audit").path
    let run = try CLI.run(["audit", "--protocol", protocolPath, "--cases", batch, "--output", output])
    #expect(run.status == 0, "\(run.stderr)")
    // The plan, then (off a terminal) an estimate once the first case's worth of extractions is done.
    #expect(run.stderr.contains("radaudit: 3 case(s) × 3 variant(s) = 9 extractions\n"))
    #expect(run.stderr.contains("radaudit: 3 of 9 extractions in "))
    let stability = try String(contentsOfFile: output + "/stability.csv", encoding: .utf8).split(separator: "\n")
    #expect(stability[0].hasSuffix(",raters,pyradiomics_name"))
    #expect(stability.contains { $0.hasPrefix("noise,glcm,Normalised inverse difference moment,1QCO,3D_averaged,") && $0.hasSuffix(",original_glcm_Idmn") })
    #expect(stability.contains { $0.hasPrefix("noise,glcm,Normalised inverse difference moment,1QCO,3D_merged,") && $0.hasSuffix(",") })
    let features = try String(contentsOfFile: output + "/features.csv", encoding: .utf8).split(separator: "\n")
    #expect(features[0].hasSuffix(",value,pyradiomics_name"))
    #expect(features.contains { $0.hasPrefix("1,original,none,intensity_statistics,Total energy,,none,") && $0.hasSuffix(",original_firstorder_TotalEnergy") })
}

/// `normalisation: {over: reference_mask}`: `extract --reference-mask` and a cohort's `reference_mask` column give the
/// values of normalising by hand over that region; without a reference mask the extraction is refused.
@Test func normalisationOverAReferenceMask() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let protocolPath = directory.appendingPathComponent("p.yaml").path
    try """
        extraction:
          normalisation: {over: reference_mask, scale: 100}
          families: [intensity_statistics]
        """.write(toFile: protocolPath, atomically: true, encoding: .utf8)
    // The reference region: the ROI of case 2 on case 1's grid (same geometry in the synthetic cohort).
    let cohort = CLI.repository.appendingPathComponent("fixtures/cohort").path
    let image = cohort + "/case1_image.nii.gz", mask = cohort + "/case1_mask.nii.gz", reference = cohort + "/case2_mask.nii.gz"
    let run = try CLI.run(["extract", "--image", image, "--mask", mask, "--reference-mask", reference, "--protocol", protocolPath])
    #expect(run.status == 0, "\(run.stderr)")
    func value(_ text: String, _ code: String) -> Double? {
        text.split(separator: "\n").first { $0.contains(",\(code),") }.flatMap { Double($0.split(separator: ",").last!) }
    }
    // By hand: the ROI mean, and μ and σ of the image over the reference voxels.
    let volume = try ImageFile.load(image).volume
    let roi = try ImageFile.load(mask).volume.voxels.map { $0 != 0 }, ref = try ImageFile.load(reference).volume.voxels.map { $0 != 0 }
    let refValues = zip(volume.voxels, ref).compactMap { $1 ? $0 : nil }
    let mu = refValues.reduce(0, +) / Double(refValues.count)
    let sigma = (refValues.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(refValues.count - 1)).squareRoot()
    let roiValues = zip(volume.voxels, roi).compactMap { $1 ? 100 * ($0 - mu) / sigma : nil }
    let expected = roiValues.reduce(0, +) / Double(roiValues.count)
    let got = try #require(value(run.stdout, "Q4LE"))
    #expect(abs(got - expected) <= 1e-9 * abs(expected))
    let cases = directory.appendingPathComponent("cases.csv").path
    try "case_id,image,mask,reference_mask\nc1,\(image),\(mask),\(reference)\n".write(toFile: cases, atomically: true, encoding: .utf8)
    let batch = try CLI.run(["extract", "--cases", cases, "--protocol", protocolPath])
    #expect(batch.status == 0 && batch.stdout.contains(Number.format(got)), "\(batch.stderr)")
    let refused = try CLI.run(["extract", "--image", image, "--mask", mask, "--protocol", protocolPath])
    #expect(refused.status == 1 && refused.stderr.contains("needs a reference mask"), "\(refused.stderr)")
}
