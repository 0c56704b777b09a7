import Foundation

/// A deterministic pseudo-random number generator: xoshiro256** (Blackman & Vigna 2018), its 256-bit state filled
/// from a 64-bit seed by SplitMix64.
///
/// The same seed gives the same sequence on every run and platform. Uniform and Gaussian draws are built from
/// `next()` alone, never from the standard library's `random(in:using:)`, whose algorithm may change between Swift
/// releases.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)
    /// The second value of the last Marsaglia polar pair, returned by the next `nextGaussian()`.
    private var spareGaussian: Double?

    public init(seed: UInt64) {
        var splitMix = seed
        state = (SplitMix64.next(&splitMix), SplitMix64.next(&splitMix), SplitMix64.next(&splitMix), SplitMix64.next(&splitMix))
    }

    /// The next 64 random bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    /// A uniform draw from [0, 1): the top 53 bits of `next()` scaled by 2⁻⁵³.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A uniform integer in `0..<bound` without modulo bias (Lemire 2019, multiply and reject).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "the bound must be positive")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold { product = next().multipliedFullWidth(by: range) }
        }
        return Int(product.high)
    }

    /// A standard normal draw, N(0, 1), by the Marsaglia polar method: two uniform values in (−1, 1) are accepted
    /// when they fall inside the unit disc and give two independent normal values; the second one is kept for the
    /// next call.
    public mutating func nextGaussian() -> Double {
        if let spare = spareGaussian {
            spareGaussian = nil
            return spare
        }
        while true {
            let u = 2 * nextUniform() - 1
            let v = 2 * nextUniform() - 1
            let s = u * u + v * v
            guard s > 0, s < 1 else { continue }
            let scale = (-2 * log(s) / s).squareRoot()
            spareGaussian = v * scale
            return u * scale
        }
    }

    /// Advances the generator past `count` draws of `nextGaussian()` without computing them: the uniform pairs are
    /// drawn and tested against the unit disc as `nextGaussian()` would, but the logarithm and square root of the
    /// accepted ones are skipped. The draws that follow are those `count` calls of `nextGaussian()` would leave.
    public mutating func skipGaussians(_ count: Int) {
        var remaining = count
        if remaining > 0, spareGaussian != nil {
            spareGaussian = nil
            remaining -= 1
        }
        // The state lives in locals for the loop (twice as fast as stepping `self`); the steps are `next()`'s.
        var (s0, s1, s2, s3) = state
        @inline(__always) func nextUniform() -> Double {
            let result = rotateLeft(s1 &* 5, 7) &* 9
            let t = s1 << 17
            s2 ^= s0
            s3 ^= s1
            s1 ^= s2
            s0 ^= s3
            s2 ^= t
            s3 = rotateLeft(s3, 45)
            return Double(result >> 11) * 0x1p-53
        }
        var pairs = remaining / 2
        while pairs > 0 {
            let u = 2 * nextUniform() - 1
            let v = 2 * nextUniform() - 1
            let s = u * u + v * v
            if s > 0, s < 1 { pairs -= 1 }
        }
        state = (s0, s1, s2, s3)
        if remaining % 2 == 1 { _ = nextGaussian() }
    }

    @inline(__always) private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a 64-bit mixing step used to seed xoshiro and to finish hashes.
enum SplitMix64 {
    /// Advances `state` by the golden-ratio increment and returns its mixed value.
    static func next(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return mix(state)
    }

    /// The SplitMix64 output function: a bijective avalanche of the 64 bits.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Seeds of the random draws of a run, derived from what identifies a draw so that every case × variant has its own
/// stream, independent of the order or the process in which variants are computed.
///
/// The hash is FNV-1a 64 over explicitly encoded bytes, finished by the SplitMix64 mixer; Swift's `Hasher` is
/// deliberately not used, since it is seeded differently in every process.
public enum PerturbationSeed {
    /// The seed of one variant of one case: a hash of the protocol seed (8 bytes, little-endian), the UTF-8 case id,
    /// a 0xFF separator (a byte UTF-8 never contains) and the UTF-8 variant id.
    public static func derive(protocolSeed: UInt64, caseID: String, variantID: String) -> UInt64 {
        var hash = FNV1a64()
        hash.combine(protocolSeed)
        hash.combine(caseID.utf8)
        hash.combine(CollectionOfOne(0xFF))
        hash.combine(variantID.utf8)
        return SplitMix64.mix(hash.value)
    }

    /// The seed of step `step` (0, 1, …) of a chain of perturbations applied with the variant seed `variantSeed`.
    public static func derive(variantSeed: UInt64, step: Int) -> UInt64 {
        var hash = FNV1a64()
        hash.combine(variantSeed)
        hash.combine(UInt64(bitPattern: Int64(step)))
        return SplitMix64.mix(hash.value)
    }
}

/// The 64-bit Fowler–Noll–Vo 1a hash.
struct FNV1a64 {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func combine<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        for byte in bytes {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01B3
        }
    }

    /// Hashes the 8 bytes of `word`, least significant first.
    mutating func combine(_ word: UInt64) {
        combine((0..<8).lazy.map { UInt8(truncatingIfNeeded: word >> (8 * UInt64($0))) })
    }
}
