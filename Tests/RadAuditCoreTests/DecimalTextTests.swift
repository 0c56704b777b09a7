import Foundation
import Testing
@testable import RadAuditCore

@Test func fixedDecimalsMatchPrintfOnTiesAndSigns() {
    let cases: [(Double, Int)] = [
        (0.125, 2), (0.375, 2), (2.5, 0), (3.5, 0), (-2.5, 0), (1.005, 2), (-0.0001, 3), (-0.0, 3), (0, 0),
        (0.9995, 3), (0.9996, 3), (123456.789, 1), (1e14 + 0.5, 0), (.leastNonzeroMagnitude, 3), (-1234.5678, 15), (0.1, 15),
    ]
    for (value, decimals) in cases {
        #expect(DecimalText.fixed(value, decimals: decimals) == String(format: "%.\(decimals)f", value), "\(value) \(decimals)")
    }
}

@Test func fixedDecimalsMatchPrintfOnRandomValues() {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<20_000 {
        let decimals = Int.random(in: 0...6, using: &generator)
        // Values near ties at the chosen precision, and values over many magnitudes.
        let tie = (Double(Int.random(in: -100_000...100_000, using: &generator)) + 0.5) / pow(10, Double(decimals))
        let spread = Double.random(in: -1...1, using: &generator) * pow(10, Double.random(in: -8...9, using: &generator))
        for value in [tie, tie.nextUp, tie.nextDown, spread] {
            #expect(DecimalText.fixed(value, decimals: decimals) == String(format: "%.\(decimals)f", value), "\(value) \(decimals)")
        }
    }
}

@Test func nonFiniteHugeAndVeryPreciseValuesAreAsPrintfWritesThem() {
    for value in [Double.nan, -Double.nan, .infinity, -.infinity, 1e300, -123.456e-20] {
        for decimals in [0, 2, 15, 20] {
            #expect(DecimalText.fixed(value, decimals: decimals) == String(format: "%.\(decimals)f", value), "\(value) \(decimals)")
        }
    }
}
