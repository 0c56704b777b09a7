import Foundation
@testable import RadAuditFilters
import Testing

@Test func boundaryConditionsExtendAsIBSI2Defines() {
    // a b c d on indices 0...3; two samples beyond each side.
    func extended(_ boundary: BoundaryCondition) -> [Int?] { (-2...5).map { boundary.index($0, count: 4) } }
    #expect(extended(.zero) == [nil, nil, 0, 1, 2, 3, nil, nil])
    #expect(extended(.nearest) == [0, 0, 0, 1, 2, 3, 3, 3])
    #expect(extended(.periodic) == [2, 3, 0, 1, 2, 3, 0, 1])
    #expect(extended(.mirror) == [1, 0, 0, 1, 2, 3, 3, 2])
}

@Test func rightAngleRotationsAreTwentyFourAndFour() {
    #expect(RightAngleRotation.all(dimensions: 3).count == 24)
    #expect(RightAngleRotation.all(dimensions: 2).count == 4)
}

@Test func anyLengthTransformInvertsAndMatchesTheDefinition() {
    for n in [1, 7, 12, 19, 76] {
        let signal = (0..<n).map { Double(($0 * 7919) % 13) - 6 }
        var real = signal, imaginary = [Double](repeating: 0, count: n)
        let transform = AnyLengthFourierTransform(count: n)
        transform.transform(real: &real, imaginary: &imaginary, inverse: false)
        for f in [0, n / 2, n - 1] {
            var re = 0.0, im = 0.0
            for (t, x) in signal.enumerated() {
                let angle = -2 * Double.pi * Double(f * t) / Double(n)
                re += x * cos(angle)
                im += x * sin(angle)
            }
            #expect(abs(real[f] - re) < 1e-9 && abs(imaginary[f] - im) < 1e-9, "n \(n), f \(f)")
        }
        transform.transform(real: &real, imaginary: &imaginary, inverse: true)
        for t in 0..<n { #expect(abs(real[t] - signal[t]) < 1e-9 && abs(imaginary[t]) < 1e-9) }
    }
}
