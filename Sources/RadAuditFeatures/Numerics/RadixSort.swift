extension Array<Double> {
    /// The values in ascending order, as `sorted()` gives them, without comparisons: a least-significant-digit
    /// radix sort of the bit patterns mapped to unsigned integers that order as the values do (the IEEE 754 total
    /// order, which agrees with `<` on numbers and puts −0 before +0). Linear in the count: one pass counts all
    /// digits (11 bits each), then one stable pass per digit; digits that are the same in every value are skipped.
    func radixSorted() -> [Double] {
        let n = count
        guard n > 1 else { return self }
        let digitBits = 11, digitCount = 6, radix = 1 << digitBits
        let signBit = UInt64(1) << 63
        var keys = map { value in
            let bits = value.bitPattern
            return bits & signBit == 0 ? bits | signBit : ~bits
        }
        var buffer = [UInt64](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: radix * digitCount)
        keys.withUnsafeMutableBufferPointer { keys in
            buffer.withUnsafeMutableBufferPointer { buffer in
                counts.withUnsafeMutableBufferPointer { counts in
                    for key in keys {
                        for digit in 0..<digitCount {
                            counts[radix &* digit &+ Int(truncatingIfNeeded: key >> (digitBits &* digit)) & (radix - 1)] &+= 1
                        }
                    }
                    var (source, target) = (keys, buffer)
                    for digit in 0..<digitCount {
                        let shift = UInt64(digitBits * digit)
                        let offsets = UnsafeMutableBufferPointer(rebasing: counts[(radix * digit)..<(radix * (digit + 1))])
                        guard offsets[Int(truncatingIfNeeded: source[0] >> shift) & (radix - 1)] != n else { continue }
                        var start = 0
                        for bucket in 0..<radix {
                            (offsets[bucket], start) = (start, start &+ offsets[bucket])
                        }
                        for key in source {
                            let bucket = Int(truncatingIfNeeded: key >> shift) & (radix - 1)
                            target[offsets[bucket]] = key
                            offsets[bucket] &+= 1
                        }
                        swap(&source, &target)
                    }
                    if source.baseAddress != keys.baseAddress {
                        keys.baseAddress!.update(from: source.baseAddress!, count: n)
                    }
                }
            }
        }
        return keys.map { key in Double(bitPattern: key & signBit != 0 ? key & ~signBit : ~key) }
    }
}
