import Foundation
import RadAuditFeatures

/// One row of an IBSI reference table (`fixtures/ibsi1/reference_values_*.csv`).
public struct ReferenceValue: Sendable {
    public var family: String
    public var feature: String
    public var code: String
    public var aggregation: String
    public var value: Double
    public var tolerance: Double
    /// The IBSI naming-table tag (the only name of a diagnostic value).
    public var tag: String

    /// `code|aggregation`, or the tag for rows without an IBSI code.
    public var key: String { code.isEmpty ? tag : code + "|" + aggregation }

    /// The pass rule of the IBSI comparison: `|x − value| ≤ tolerance`; where the manual gives no tolerance
    /// (written 0) the value has 3 significant digits, so half a unit of the third digit is allowed.
    public func accepts(_ x: Double) -> Bool {
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

    public static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/ibsi1")

    /// Reference rows of one configuration whose family name starts with `familyPrefix`.
    public static func load(file: String = "reference_values_digital_phantom.csv", configuration: String = "digital_phantom",
                     familyPrefix: String) throws -> [ReferenceValue] {
        let text = try String(contentsOf: fixtures.appendingPathComponent(file), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let c = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard c.count >= 7, c[3] == configuration, c[0].hasPrefix(familyPrefix),
                  let v = Double(c[5]), let t = Double(c[6]) else { return nil }
            return ReferenceValue(family: c[0], feature: c[1], code: c[2], aggregation: c[4], value: v, tolerance: t,
                                  tag: c.count > 8 ? c[8] : "")
        }
    }

    /// Reference rows that `features` misses or gets wrong, as readable lines (empty = all pass).
    public static func mismatches(_ features: [Feature], against references: [ReferenceValue]) -> [String] {
        var byKey: [String: Double] = [:]
        for f in features { byKey[f.code + "|" + f.aggregation.rawValue] = f.value }
        return mismatches(byKey, against: references)
    }

    /// Reference rows missing from or wrong in `values`, keyed `code|aggregation` (or by tag for diagnostics).
    public static func mismatches(_ byKey: [String: Double], against references: [ReferenceValue]) -> [String] {
        references.compactMap { r in
            let got = byKey[r.key]
            if let got, r.accepts(got) { return nil }
            return "\(r.feature) [\(r.code), \(r.aggregation)]: expected \(r.value) ± \(r.tolerance), got \(got.map { "\($0)" } ?? "nothing")"
        }
    }
}
