import Foundation

/// Numbers as every radaudit table writes and reads them: integers without a decimal point, other values in Swift's
/// shortest round-trip form, and `NaN`, `inf`, `-inf` for the non-finite values.
public enum Number {
    /// The table text of `value`.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// Parses a table cell written by `format` (`NaN`, `inf`, `-inf` included).
    public static func parse(_ text: String) -> Double? {
        switch text {
        case "NaN", "nan": .nan
        case "inf", "Infinity": .infinity
        case "-inf", "-Infinity": -.infinity
        default: Double(text)
        }
    }

    /// `value` for people to read: `digits` significant digits, trailing zeros dropped, scientific notation beyond
    /// [10⁻³, 10⁶), a real minus sign, `n/a` for NaN and `∞` for infinities.
    public static func readable(_ value: Double, digits: Int = 4) -> String {
        if value.isNaN { return "n/a" }
        if value.isInfinite { return value < 0 ? "−∞" : "∞" }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e6 || magnitude < 1e-3 { return String(format: "%.\(max(digits - 1, 0))e", value) }
        let decimals = max(0, digits - 1 - Int(floor(log10(magnitude))))
        var text = DecimalText.fixed(value, decimals: decimals)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text.hasPrefix("-") ? "−" + text.dropFirst() : text
    }
}
