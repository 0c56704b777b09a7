import Foundation

/// The reference vectors of `data/stats` as JSON (see `/work/shared/docs/statistics.md`, section 2): NaN and ±∞ are
/// the strings `"NaN"`, `"Infinity"`, `"-Infinity"`, and a missing input is `null`.
public enum ReferenceJSON {
    /// The value at a key path such as `["expected", "ICC(1,1)", "ICC"]`.
    public static func value(_ object: Any?, _ path: [String]) -> Any? {
        path.reduce(object) { ($0 as? [String: Any])?[$1] }
    }

    /// A JSON number, `"NaN"`/`"Infinity"`/`"-Infinity"` string or `null` (→ NaN) as a Double.
    public static func number(_ value: Any?) -> Double {
        switch value {
        case let number as NSNumber: return number.doubleValue
        case let text as String where text == "Infinity": return .infinity
        case let text as String where text == "-Infinity": return -.infinity
        default: return .nan
        }
    }

    /// An array of such numbers.
    public static func numbers(_ value: Any?) -> [Double] { (value as? [Any] ?? []).map(number) }

    /// A matrix of such numbers (rows of columns).
    public static func matrix(_ value: Any?) -> [[Double]] { (value as? [[Any]] ?? []).map { $0.map(number) } }
}
