/// The right-angle rotations of a separable kernel set (IBSI 2, rotation invariance by pooling): the 24 rotations of
/// 3D space (signed axis permutations with determinant +1), or the 4 in-plane rotations in 2D.
///
/// Under a rotation the kernel of axis `i` moves to axis `permutation[i]`, reversed (reflected about its centre)
/// when `signs[i]` is −1.
struct RightAngleRotation: Sendable {
    let permutation: [Int]
    let signs: [Int]

    /// No rotation.
    static func identity(dimensions: Int) -> RightAngleRotation {
        RightAngleRotation(permutation: Array(0..<dimensions), signs: [Int](repeating: 1, count: dimensions))
    }

    /// The rotations of `dimensions` (2 or 3) axes.
    static func all(dimensions: Int) -> [RightAngleRotation] {
        let permutations: [[Int]] = dimensions == 3
            ? [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] : [[0, 1], [1, 0]]
        var rotations: [RightAngleRotation] = []
        for permutation in permutations {
            let parity = inversions(permutation) % 2 == 0 ? 1 : -1
            for mask in 0..<(1 << dimensions) {
                let signs = (0..<dimensions).map { mask & (1 << $0) == 0 ? 1 : -1 }
                if parity * signs.reduce(1, *) == 1 { rotations.append(RightAngleRotation(permutation: permutation, signs: signs)) }
            }
        }
        return rotations
    }

    private static func inversions(_ p: [Int]) -> Int {
        var count = 0
        for i in p.indices { for j in (i + 1)..<p.count where p[i] > p[j] { count += 1 } }
        return count
    }

    /// The kernel set rotated: one kernel per axis in, one per axis out.
    func apply(to kernels: [[Double]]) -> [[Double]] {
        var rotated = kernels
        for (axis, kernel) in kernels.enumerated() {
            rotated[permutation[axis]] = signs[axis] < 0 ? kernel.reversed() : kernel
        }
        return rotated
    }
}
