import Foundation
import RadAuditAudit
import RadAuditExtraction
import RadAuditImageIO
import Testing

/// IBSI 2 conformance through the shipped protocols (`protocols/ibsi2/`): every phase-1 response map within 1 % of
/// the reference map's range at every voxel, and every phase-2 value within its tolerance.
private enum IBSI2 {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = repository.appendingPathComponent("fixtures/ibsi2")

    static func path(_ relative: String) -> String { repository.appendingPathComponent(relative).path }

    /// The phantom of each phase-1 test (IBSI 2 manual, phase 1).
    static func phantom(of map: String) -> String {
        let test = map.split(separator: "_").prefix(2).joined(separator: "_")
        let name = ["1_a": "checkerboard", "1_b": "impulse", "2_a": "impulse", "2_b": "checkerboard", "2_c": "checkerboard",
                    "3_a": "impulse", "3_b": "checkerboard", "3_c": "checkerboard", "4_a": "impulse", "4_b": "sphere",
                    "5_a": "impulse", "6_a": "sphere", "7_a": "checkerboard", "8_a": "checkerboard", "9_a": "impulse",
                    "9_b": "sphere", "10_b": "pattern_1"][test]!
        return fixtures.appendingPathComponent("phantoms/\(name).nii.gz").path
    }

    static let maps = ["1_a_1", "1_a_2", "1_a_3", "1_a_4", "1_b_1", "2_a", "2_b", "2_c", "3_a_1", "3_a_2", "3_a_3", "3_b_1",
                       "3_b_2", "3_b_3", "3_c_1", "3_c_2", "3_c_3", "4_a_1", "4_a_2", "4_b_1", "4_b_2", "5_a_1", "5_a_2",
                       "6_a_1", "6_a_2", "7_a_1", "7_a_2", "8_a_1", "8_a_2", "8_a_3", "9_a", "9_b_1", "10_b_1"]

    static let configurations = (1...9).flatMap { ["\($0).A", "\($0).B"] }

    struct Reference {
        var configuration, code, tag: String
        var value, tolerance: Double
    }

    static let references: [Reference] = {
        let text = try! String(contentsOf: fixtures.appendingPathComponent("reference_values_ibsi2_phase2_ct_phantom.csv"),
                               encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        func column(_ name: String) -> Int { header.firstIndex(of: name)! }
        return lines.dropFirst().map { line in
            let c = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Reference(configuration: c[column("configuration")], code: c[column("ibsi_code")], tag: c[column("tag")],
                             value: Double(c[column("value")])!, tolerance: Double(c[column("tolerance")])!)
        }
    }()
}

@Test(arguments: IBSI2.maps)
func phase1ResponseMapMatchesTheReference(map: String) throws {
    let settings = try AuditProtocol.load(IBSI2.path("protocols/ibsi2/phase1/\(map).yaml")).extraction
    let response = try FeatureExtractor(settings: settings).responseMap(imagePath: IBSI2.phantom(of: map))
    let reference = try ImageFile.load(IBSI2.fixtures.appendingPathComponent("response_maps/\(map)-ValidCRM.nii.gz").path).volume
    #expect(response.size == reference.size)
    let range = reference.voxels.max()! - reference.voxels.min()!
    let worst = zip(response.voxels, reference.voxels).map { abs($0 - $1) }.max()!
    #expect(worst <= 0.01 * range, "\(map): largest difference \(100 * worst / range) % of the reference range")
}

@Test(arguments: IBSI2.configurations)
func phase2ValuesMatchTheReference(configuration: String) throws {
    let settings = try AuditProtocol.load(IBSI2.path("protocols/ibsi2/phase2/\(configuration).yaml")).extraction
    let ct = IBSI2.repository.appendingPathComponent("fixtures/ibsi1/ct_phantom/nifti")
    let result = try FeatureExtractor(settings: settings).extract(imagePath: ct.appendingPathComponent("image/phantom.nii.gz").path,
                                                                  maskPath: ct.appendingPathComponent("mask/mask.nii.gz").path)
    let unfiltered = configuration.hasPrefix("1.")
    let values = Dictionary(result.features.filter { ($0.filter == "none") == unfiltered }.map { ($0.code, $0.value) },
                            uniquingKeysWith: { a, _ in a })
    let references = IBSI2.references.filter { $0.configuration == configuration }
    #expect(!references.isEmpty)
    for reference in references {
        let value = values[reference.code] ?? .nan
        #expect(abs(value - reference.value) <= reference.tolerance * (1 + 1e-9) + 1e-12,
                "\(configuration) \(reference.tag): \(value), expected \(reference.value) ± \(reference.tolerance)")
    }
}

@Test func filterLabelsEncodeTheFilterAndItsParameters() throws {
    let yaml = """
        extraction:
          filters:
            - {type: laplacian_of_gaussian, sigma_mm: 3}
            - {type: wavelet, wavelet: db2, subband: LHL, level: 1}
            - {type: wavelet, wavelet: coif1, subband: HH, level: 2, rotation_invariant: true, dimensions: 2D, boundary: periodic}
            - {type: laws, kernels: E5L5S5, rotation_invariant: true, energy_distance: 7, boundary: zero}
            - {type: gabor, sigma_mm: 5, lambda_mm: 2, gamma: 1.5, theta_step_deg: 22.5}
            - {type: riesz, order: [1, 0, 0], of: {type: laplacian_of_gaussian, sigma_mm: 3}}
            - {type: square_root, name: root}
        """
    let filters = try AuditProtocol.parse(yaml, path: "P.yaml").extraction.filters
    #expect(filters.map(\.name) == ["log_s3mm_3d", "wavelet_db2_LHL_l1_3d", "wavelet_coif1_HH_l2_ri_2d_periodic",
                                    "laws_E5L5S5_ri_e7_3d_zero", "gabor_s5mm_l2mm_g1.5_t0_ri22.5_3d",
                                    "riesz_x1y0z0_log_s3mm_3d", "root"])
    #expect(filters.allSatisfy { $0.families == [.intensityStatistics] })
}

@Test(arguments: [
    ("- {type: sobel}", "extraction.filters[0].type", "unknown filter 'sobel'"),
    ("- {type: laplacian_of_gaussian, sigma_mm: three}", "extraction.filters[0].sigma_mm", "a number"),
    ("- {type: laplacian_of_gaussian, sigma_mm: 0}", "extraction.filters[0].sigma_mm", "> 0"),
    ("- {type: laplacian_of_gaussian, sigma_mm: 3, size: 5}", "extraction.filters[0].size", "not a parameter of a laplacian_of_gaussian"),
    ("- {type: wavelet, wavelet: db9, subband: LLH, level: 1}", "extraction.filters[0].wavelet", "db9"),
    ("- {type: wavelet, wavelet: db2, subband: LLH, level: 7}", "extraction.filters[0].level", "from 1 to 4"),
    ("- {type: wavelet, wavelet: db2, subband: LH, level: 1}", "extraction.filters[0].subband", "3 letters"),
    ("- {type: laws, kernels: E5L5}", "extraction.filters[0].kernels", "3 Laws kernels"),
    ("- {type: mean, size: 4}", "extraction.filters[0].size", "odd"),
    ("- {type: riesz, order: [0, 0, 0], of: {type: simoncelli, level: 1}}", "extraction.filters[0].order", "not all zero"),
])
func badFilterSettingsNameTheProtocolKey(entry: String, key: String, message: String) throws {
    let yaml = "extraction:\n  filters:\n    \(entry)\n"
    do {
        _ = try AuditProtocol.parse(yaml, path: "P.yaml")
        Issue.record("\(entry) was accepted")
    } catch let error as ProtocolError {
        #expect(error.problem.contains(key), "\(error)")
        #expect(error.problem.contains(message), "\(error)")
        #expect(!error.description.contains("\n"))
    }
}

@Test func filtersThatCannotApplyToTheImageFailWithOneLine() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("radaudit-filters-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    // One slice of 8 × 8 voxels, the ROI its centre.
    let geometry = ImageGeometry(size: GridSize(x: 8, y: 8, z: 1), spacing: SIMD3(1, 1, 1))
    let image = directory.appendingPathComponent("image.nii").path, mask = directory.appendingPathComponent("mask.nii").path
    try NIfTI.write(Volume(geometry: geometry, voxels: (0..<64).map { Double($0 % 7) }), to: image)
    try NIfTI.write(Volume(geometry: geometry, voxels: (0..<64).map { [27, 28, 35, 36].contains($0) ? 1.0 : 0 }), to: mask,
                    type: .uint8)
    for (filter, problem) in [
        ("{type: mean, size: 3}", "a 3D filter needs more than one slice"),
        ("{type: wavelet, wavelet: db3, subband: LH, level: 3, dimensions: 2D}", "wavelet: level 3 needs more than"),
    ] {
        let settings = try AuditProtocol.parse("extraction:\n  filters:\n    - \(filter)\n", path: "P.yaml").extraction
        #expect {
            try FeatureExtractor(settings: settings).extract(imagePath: image, maskPath: mask)
        } throws: { error in
            "\(error)".contains(problem) && "\(error)".contains(image) && !"\(error)".contains("\n")
        }
    }
}
