/// How a filter sees the image beyond its edge (IBSI 2, "Boundary conditions").
public enum BoundaryCondition: String, Sendable, Hashable, CaseIterable, Codable {
    /// Zero padding (IBSI "constant"): `0 0 0 | a b c d`.
    case zero
    /// The nearest edge value: `a a a | a b c d`.
    case nearest
    /// The image repeats: `b c d | a b c d`.
    case periodic
    /// The image mirrored about its edge, the edge value repeated: `c b a | a b c d` (IBSI "mirror"; scipy's
    /// `reflect`, numpy's `symmetric`). The IBSI 2 reference maps reject the variant without the repeated edge.
    case mirror

    /// The index of the image sample at position `j` of an axis of length `n`; nil where the extension is zero.
    @inline(__always)
    func index(_ j: Int, count n: Int) -> Int? {
        if j >= 0 && j < n { return j }
        switch self {
        case .zero:
            return nil
        case .nearest:
            return j < 0 ? 0 : n - 1
        case .periodic:
            let r = j % n
            return r < 0 ? r + n : r
        case .mirror:
            let period = 2 * n
            var r = j % period
            if r < 0 { r += period }
            return r < n ? r : period - 1 - r
        }
    }
}
