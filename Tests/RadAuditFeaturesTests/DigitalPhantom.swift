import Foundation
import RadAuditImageIO
import RadAuditPreprocessing
@testable import RadAuditFeatures

/// The IBSI 1 digital phantom (5×4×4 voxels of 2 mm), written out so the feature tests need no reader.
/// Layout from `fixtures/ibsi1/README.source.md`: rows are `y`, columns are `x`, one block per slice `z`.
enum DigitalPhantom {
    static let size = GridSize(x: 5, y: 4, z: 4)
    static let spacing = SIMD3<Double>(2, 2, 2)

    static let intensities: [Double] = [
        1, 4, 4, 1, 1,  1, 4, 6, 1, 1,  4, 1, 6, 4, 1,  4, 4, 6, 4, 1,   // z = 0
        1, 4, 4, 1, 1,  1, 1, 6, 1, 1,  1, 1, 3, 1, 1,  4, 4, 6, 1, 1,   // z = 1
        1, 4, 4, 1, 1,  1, 1, 1, 1, 1,  1, 1, 9, 1, 1,  1, 1, 6, 1, 1,   // z = 2
        1, 4, 4, 1, 1,  1, 1, 1, 1, 1,  1, 1, 1, 1, 1,  1, 1, 6, 1, 1,   // z = 3
    ]

    static let mask: [Bool] = {
        var m = [Bool](repeating: true, count: 80)
        for (x, y, z) in [(0, 2, 1), (3, 0, 2), (4, 0, 2), (2, 2, 2), (3, 0, 3), (4, 0, 3)] {
            m[size.index(x, y, z)] = false
        }
        return m
    }()

    /// The phantom as a region of interest (identical morphological and intensity masks).
    static var region: RegionOfInterest {
        RegionOfInterest(image: Volume(geometry: ImageGeometry(size: size, spacing: spacing), voxels: intensities),
                         morphologicalMask: mask, intensityMask: mask)
    }

    /// The phantom discretised as IBSI prescribes for it (no discretisation: levels are the intensities, N_g = 6).
    static var discretised: DiscretisedRegion {
        let levels = zip(intensities, mask).map { $1 ? Int32($0) : 0 }
        return DiscretisedRegion(size: size, spacing: spacing, levels: levels, levelCount: 6, morphologicalMask: mask)
    }
}

/// One row of an IBSI reference table (`fixtures/ibsi1/reference_values_*.csv`).
struct ReferenceValue {
    var family: String
    var feature: String
    var code: String
    var aggregation: String
    var value: Double
    var tolerance: Double

    /// The pass rule of the IBSI comparison: `|x − value| ≤ tolerance`; where the manual gives no tolerance
    /// (written 0) the value has 3 significant digits, so half a unit of the third digit is allowed.
    func accepts(_ x: Double) -> Bool {
        guard x.isFinite else { return false }
        let effective: Double
        if tolerance > 0 {
            effective = tolerance * (1 + 1e-9) + 1e-12
        } else if value == 0 {
            effective = 5e-4
        } else {
            effective = 0.5 * pow(10, floor(log10(abs(value))) - 2) * (1 + 1e-9)
        }
        return abs(x - value) <= effective
    }

    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/ibsi1")

    /// Reference rows of one configuration whose family name starts with `familyPrefix`.
    static func load(file: String = "reference_values_digital_phantom.csv", configuration: String = "digital_phantom",
                     familyPrefix: String) throws -> [ReferenceValue] {
        let text = try String(contentsOf: fixtures.appendingPathComponent(file), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let c = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard c.count >= 7, c[3] == configuration, c[0].hasPrefix(familyPrefix),
                  let v = Double(c[5]), let t = Double(c[6]) else { return nil }
            return ReferenceValue(family: c[0], feature: c[1], code: c[2], aggregation: c[4], value: v, tolerance: t)
        }
    }

    /// Reference rows that `features` misses or gets wrong, as readable lines (empty = all pass).
    static func mismatches(_ features: [Feature], against references: [ReferenceValue]) -> [String] {
        var byKey: [String: Double] = [:]
        for f in features { byKey[f.code + "|" + f.aggregation.rawValue] = f.value }
        return references.compactMap { r in
            let got = byKey[r.code + "|" + r.aggregation]
            if let got, r.accepts(got) { return nil }
            return "\(r.feature) [\(r.code), \(r.aggregation)]: expected \(r.value) ± \(r.tolerance), got \(got.map { "\($0)" } ?? "nothing")"
        }
    }
}
