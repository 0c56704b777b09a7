import Foundation
import RadAuditTestSupport

/// A reference vector from `Vectors/*.json`, read as ``ReferenceJSON`` describes.
struct ReferenceVector {
    let root: [String: Any]

    init(_ name: String) throws {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Vectors") else {
            throw CocoaError(.fileNoSuchFile)
        }
        root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    /// The value at a key path such as `["expected", "ICC(1,1)", "ICC"]`.
    subscript(_ path: String...) -> Any? { ReferenceJSON.value(root, path) }

    func number(_ path: String...) -> Double { ReferenceJSON.number(ReferenceJSON.value(root, path)) }

    func numbers(_ path: String...) -> [Double] { ReferenceJSON.numbers(ReferenceJSON.value(root, path)) }

    /// A matrix of numbers (rows of columns), null → NaN.
    func matrix(_ path: String...) -> [[Double]] { ReferenceJSON.matrix(ReferenceJSON.value(root, path)) }
}

/// True when `actual` equals `expected` to a relative tolerance (absolute near zero); NaN equals NaN and
/// infinities must match exactly.
func close(_ actual: Double, _ expected: Double, relative tolerance: Double) -> Bool {
    if expected.isNaN { return actual.isNaN }
    if expected.isInfinite { return actual == expected }
    return abs(actual - expected) <= tolerance * max(1, abs(expected))
}
