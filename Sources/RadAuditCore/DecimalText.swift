import Foundation

/// Numbers as fixed-point decimal text, the same text as C's `%.Nf` (the exact binary value rounded half to even),
/// without a trip through `String(format:)`, which dominated the time to draw the report's charts.
public enum DecimalText {
    /// 10⁰…10¹⁵, each exact.
    private static let powers: [Double] = (0...15).reduce(into: []) { powers, _ in powers.append((powers.last ?? 0.1) * 10) }

    /// `value` with `decimals` digits after the point, e.g. `-0.000` for −0.0001 with three digits; non-finite
    /// values as `nan`, `inf`, with a minus sign when theirs is set.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        precondition(decimals >= 0, "a number of decimals")
        guard value.isFinite else { return (value.sign == .minus ? "-" : "") + (value.isNaN ? "nan" : "inf") }
        // Beyond 15 decimals the digits are printf's to find (10¹⁶ and above are not all exact doubles).
        guard decimals <= 15 else { return String(format: "%.\(decimals)f", value) }
        let scale = powers[decimals]
        let magnitude = abs(value)
        let scaled = magnitude * scale
        // Beyond 2⁵³ the scaled value has no fraction to round; such numbers are rare enough for printf.
        guard scaled < 0x1p53 else { return String(format: "%.\(decimals)f", value) }
        // scaled + error is exactly magnitude × 10^decimals: round it half to even from the exact value.
        let error = (-scaled).addingProduct(magnitude, scale)
        var units = scaled.rounded(.down)
        let fraction = scaled - units
        if fraction > 0.5 || (fraction == 0.5 && (error > 0 || (error == 0 && units.truncatingRemainder(dividingBy: 2) == 1))) {
            units += 1
        }
        let whole = UInt64(units)
        let divisor = UInt64(scale)
        var text = value.sign == .minus ? "-" : ""
        text += String(whole / divisor)
        if decimals > 0 {
            let digits = String(whole % divisor)
            text += "." + String(repeating: "0", count: decimals - digits.count) + digits
        }
        return text
    }
}
