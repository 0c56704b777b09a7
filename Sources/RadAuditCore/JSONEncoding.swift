import Foundation

public extension JSONEncoder {
    /// The encoder of every JSON file radaudit writes: indented, keys sorted, so that the same content gives the
    /// same bytes.
    static func radaudit() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return encoder
    }
}
