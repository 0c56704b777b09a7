import Foundation

/// A reference vector from `Vectors/*.json` (see `/work/shared/docs/statistics.md`, section 2).
/// JSON encodes NaN/±∞ as the strings `"NaN"`, `"Infinity"`, `"-Infinity"` and a missing input as `null`.
struct ReferenceVector {
    let root: [String: Any]

    init(_ name: String) throws {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Vectors") else {
            throw CocoaError(.fileNoSuchFile)
        }
        root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    /// The value at a key path such as `["expected", "ICC(1,1)", "ICC"]`.
    subscript(_ path: String...) -> Any? { Self.value(root, path) }

    static func value(_ object: Any?, _ path: [String]) -> Any? {
        path.reduce(object) { ($0 as? [String: Any])?[$1] }
    }

    /// A JSON number, `"NaN"`/`"Infinity"` string or `null` (→ NaN) as a Double.
    static func number(_ value: Any?) -> Double {
        switch value {
        case let number as NSNumber: return number.doubleValue
        case let text as String where text == "Infinity": return .infinity
        case let text as String where text == "-Infinity": return -.infinity
        default: return .nan
        }
    }

    func number(_ path: String...) -> Double { Self.number(Self.value(root, path)) }

    func numbers(_ path: String...) -> [Double] {
        (Self.value(root, path) as? [Any] ?? []).map(Self.number)
    }

    /// A matrix of numbers (rows of columns), null → NaN.
    func matrix(_ path: String...) -> [[Double]] {
        (Self.value(root, path) as? [[Any]] ?? []).map { $0.map(Self.number) }
    }
}

/// True when `actual` equals `expected` to a relative tolerance (absolute near zero); NaN equals NaN and
/// infinities must match exactly.
func close(_ actual: Double, _ expected: Double, relative tolerance: Double) -> Bool {
    if expected.isNaN { return actual.isNaN }
    if expected.isInfinite { return actual == expected }
    return abs(actual - expected) <= tolerance * max(1, abs(expected))
}
