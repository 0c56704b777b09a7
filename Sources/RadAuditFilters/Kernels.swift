/// The Laws 1D kernels (Laws 1980; IBSI 2, "Laws kernels"), before normalisation.
public enum LawsKernel {
    static let kernels: [String: [Double]] = [
        "L3": [1, 2, 1], "E3": [-1, 0, 1], "S3": [-1, 2, -1],
        "L5": [1, 4, 6, 4, 1], "E5": [-1, -2, 0, 2, 1], "S5": [-1, 0, 2, 0, -1], "W5": [-1, 2, 0, -2, 1],
        "R5": [1, -4, 6, -4, 1],
    ]

    /// The kernels of a name such as `E5L5S5` (x, y, z), each divided by its L2 norm; nil if a part is unknown.
    public static func parse(_ name: String) -> [[Double]]? {
        let text = Array(name.uppercased())
        guard text.count % 2 == 0, !text.isEmpty else { return nil }
        var result: [[Double]] = []
        for start in stride(from: 0, to: text.count, by: 2) {
            guard let kernel = kernels[String(text[start..<start + 2])] else { return nil }
            let norm = kernel.reduce(0) { $0 + $1 * $1 }.squareRoot()
            result.append(kernel.map { $0 / norm })
        }
        return result
    }
}

/// Decomposition filters of the separable wavelets (PyWavelets' `dec_lo`, `dec_hi`), used as convolution kernels.
public enum WaveletFamily: String, Sendable, Hashable, CaseIterable, Codable {
    case haar, db2, db3, coif1

    var lowPass: [Double] {
        switch self {
        case .haar: [0.7071067811865476, 0.7071067811865476]
        case .db2: [-0.12940952255126037, 0.2241438680420134, 0.8365163037378079, 0.48296291314453416]
        case .db3: [0.03522629188570953, -0.08544127388202666, -0.13501102001025458, 0.45987750211849154,
                    0.8068915093110925, 0.33267055295008263]
        case .coif1: [-0.015655728135791993, -0.07273261951252645, 0.3848648468648578, 0.8525720202116004,
                      0.3378976624574818, -0.07273261951252645]
        }
    }

    /// The quadrature mirror of the low-pass filter: `hi[k] = (−1)^(k+1) lo[L−1−k]`.
    var highPass: [Double] {
        let lo = lowPass
        return lo.indices.map { k in (k % 2 == 0 ? -1.0 : 1.0) * lo[lo.count - 1 - k] }
    }
}
