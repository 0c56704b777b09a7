import RadAuditImageIO

/// SLIC supervoxels (Achanta et al., IEEE TPAMI 2012;34:2274): k-means clustering of the voxels in
/// (intensity, x, y, z), each centre only competing for the voxels within one grid interval of it, followed by the
/// enforcement of connectivity. Deterministic: regular seeds, a fixed number of iterations, ties to the lower centre.
struct Supervoxels {
    /// Supervoxel of every voxel, `0..<count`, in grid order.
    let labels: [Int32]
    let count: Int

    /// - Parameters:
    ///   - intensities: the image, scaled so that the intensity differences that matter are of order 1.
    ///   - interval: the grid interval S of the seeds in mm; supervoxels have a volume of about S³.
    ///   - compactness: m in the SLIC distance `D² = ΔI² + (m / S)² · d²`, d the distance in mm between voxel centres;
    ///     larger values give more regular, less intensity-driven supervoxels.
    ///   - iterations: assignment and update rounds.
    init(intensities: [Double], size: GridSize, spacing: SIMD3<Double>, interval: Double, compactness: Double, iterations: Int) {
        precondition(intensities.count == size.count && size.count > 0 && interval > 0 && iterations > 0)
        let lengths = SIMD3(size.x, size.y, size.z)
        let seedCounts = SIMD3<Int>((0..<3).map { max(1, Int((Double(lengths[$0]) * spacing[$0] / interval).rounded())) })
        var centres: [Centre] = []
        for c in 0..<seedCounts.z {
            for b in 0..<seedCounts.y {
                for a in 0..<seedCounts.x {
                    let cell = SIMD3(Double(a), Double(b), Double(c)) + 0.5
                    let position = cell * SIMD3<Double>(lengths) / SIMD3<Double>(seedCounts) - 0.5
                    let nearest = SIMD3<Int>(position.rounded(.toNearestOrAwayFromZero))
                    let intensity = intensities[size.index(nearest.x, nearest.y, nearest.z)]
                    centres.append(Centre(intensity: intensity, position: position))
                }
            }
        }
        let halfWidth = SIMD3<Int>((0..<3).map { Int((interval / spacing[$0]).rounded(.up)) })
        let spatialWeight = (compactness / interval) * (compactness / interval)
        var assignment = [Int32](repeating: -1, count: size.count)
        var bestDistance = [Double](repeating: .infinity, count: size.count)
        for iteration in 0..<iterations {
            Self.assign(intensities, size: size, spacing: spacing, centres: centres, halfWidth: halfWidth,
                        spatialWeight: spatialWeight, assignment: &assignment, bestDistance: &bestDistance)
            if iteration < iterations - 1 { Self.update(&centres, intensities: intensities, size: size, assignment: assignment) }
        }
        let voxelVolume = spacing.x * spacing.y * spacing.z
        let smallest = max(1, Int(interval * interval * interval / voxelVolume / 4))
        (labels, count) = Self.connectedLabels(assignment, size: size, smallestSize: smallest)
    }

    private struct Centre {
        var intensity: Double
        var position: SIMD3<Double>
    }

    /// Gives every voxel to the nearest centre (SLIC distance) among those within `halfWidth` voxels of it.
    private static func assign(_ intensities: [Double], size: GridSize, spacing: SIMD3<Double>, centres: [Centre],
                               halfWidth: SIMD3<Int>, spatialWeight: Double,
                               assignment: inout [Int32], bestDistance: inout [Double]) {
        let weighted = spatialWeight * spacing * spacing
        intensities.withUnsafeBufferPointer { intensity in
            assignment.withUnsafeMutableBufferPointer { label in
                bestDistance.withUnsafeMutableBufferPointer { best in
                    for index in best.indices {
                        best[index] = .infinity
                        label[index] = -1
                    }
                    for (centreIndex, centre) in centres.enumerated() {
                        let p = centre.position
                        let low = pointwiseMax(SIMD3<Int>(p.rounded(.down)) &- halfWidth, .zero)
                        let last = SIMD3(size.x - 1, size.y - 1, size.z - 1)
                        let high = pointwiseMin(SIMD3<Int>(p.rounded(.up)) &+ halfWidth, last)
                        guard low.x <= high.x, low.y <= high.y, low.z <= high.z else { continue }
                        for k in low.z...high.z {
                            let dz = Double(k) - p.z
                            let zTerm = weighted.z * dz * dz
                            for j in low.y...high.y {
                                let dy = Double(j) - p.y
                                let yzTerm = zTerm + weighted.y * dy * dy
                                let row = size.index(0, j, k)
                                // Four voxels at a time; the same operations in the same order as one at a time.
                                var i = low.x
                                while i &+ 3 <= high.x {
                                    let dx = (SIMD4<Double>(repeating: Double(i)) + SIMD4(0, 1, 2, 3)) - p.x
                                    let values = UnsafeRawPointer(intensity.baseAddress! + (row &+ i))
                                        .loadUnaligned(as: SIMD4<Double>.self)
                                    let dI = values - centre.intensity
                                    let distance = dI * dI + yzTerm + weighted.x * dx * dx
                                    let slot = UnsafeMutableRawPointer(best.baseAddress! + (row &+ i))
                                    let current = slot.loadUnaligned(as: SIMD4<Double>.self)
                                    let closer = distance .< current
                                    if any(closer) {
                                        slot.storeBytes(of: current.replacing(with: distance, where: closer), as: SIMD4<Double>.self)
                                        for lane in 0..<4 where closer[lane] { label[row &+ i &+ lane] = Int32(centreIndex) }
                                    }
                                    i &+= 4
                                }
                                while i <= high.x {
                                    let dx = Double(i) - p.x
                                    let dI = intensity[row &+ i] - centre.intensity
                                    let distance = dI * dI + yzTerm + weighted.x * dx * dx
                                    if distance < best[row &+ i] {
                                        best[row &+ i] = distance
                                        label[row &+ i] = Int32(centreIndex)
                                    }
                                    i &+= 1
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Moves every centre to the mean intensity and position of its voxels; a centre without voxels stays.
    private static func update(_ centres: inout [Centre], intensities: [Double], size: GridSize, assignment: [Int32]) {
        var sums = [Centre](repeating: Centre(intensity: 0, position: .zero), count: centres.count)
        var counts = [Int](repeating: 0, count: centres.count)
        intensities.withUnsafeBufferPointer { intensity in
            assignment.withUnsafeBufferPointer { label in
                sums.withUnsafeMutableBufferPointer { sums in
                    counts.withUnsafeMutableBufferPointer { counts in
                        var index = 0
                        for k in 0..<size.z {
                            for j in 0..<size.y {
                                for i in 0..<size.x {
                                    let c = Int(label[index])
                                    if c >= 0 {
                                        sums[c].intensity += intensity[index]
                                        sums[c].position += SIMD3(Double(i), Double(j), Double(k))
                                        counts[c] += 1
                                    }
                                    index &+= 1
                                }
                            }
                        }
                    }
                }
            }
        }
        for c in centres.indices where counts[c] > 0 {
            let n = Double(counts[c])
            centres[c] = Centre(intensity: sums[c].intensity / n, position: sums[c].position / n)
        }
    }

    /// Splits the clusters into face-connected components, each a supervoxel, numbered in raster order of their
    /// first voxel. A component smaller than `smallestSize` voxels joins the supervoxel of the voxel before its first
    /// voxel along x, y or z (the first of these that exists), as in SLIC's connectivity step. Voxels that no centre
    /// reached (label −1) are handled as one more cluster.
    private static func connectedLabels(_ assignment: [Int32], size: GridSize,
                                        smallestSize: Int) -> (labels: [Int32], count: Int) {
        var labels = [Int32](repeating: -1, count: size.count)
        var queue = [Int](repeating: 0, count: size.count)
        var count: Int32 = 0
        let (strideY, strideZ) = (size.x, size.x * size.y)
        assignment.withUnsafeBufferPointer { cluster in
            labels.withUnsafeMutableBufferPointer { labels in
                queue.withUnsafeMutableBufferPointer { queue in
                    for start in 0..<size.count where labels[start] < 0 {
                        let (i, j, k) = (start % size.x, (start / size.x) % size.y, start / strideZ)
                        let adjacent: Int32 = i > 0 ? labels[start - 1]
                            : j > 0 ? labels[start - strideY]
                            : k > 0 ? labels[start - strideZ] : -1
                        let own = cluster[start]
                        labels[start] = count
                        queue[0] = start
                        var (head, tail) = (0, 1)
                        while head < tail {
                            let v = queue[head]
                            head += 1
                            let (vi, vj, vk) = (v % size.x, (v / size.x) % size.y, v / strideZ)
                            func visit(_ neighbour: Int) {
                                if labels[neighbour] < 0 && cluster[neighbour] == own {
                                    labels[neighbour] = count
                                    queue[tail] = neighbour
                                    tail += 1
                                }
                            }
                            if vi > 0 { visit(v - 1) }
                            if vi < size.x - 1 { visit(v + 1) }
                            if vj > 0 { visit(v - strideY) }
                            if vj < size.y - 1 { visit(v + strideY) }
                            if vk > 0 { visit(v - strideZ) }
                            if vk < size.z - 1 { visit(v + strideZ) }
                        }
                        if tail < smallestSize && adjacent >= 0 {
                            for q in 0..<tail { labels[queue[q]] = adjacent }
                        } else {
                            count += 1
                        }
                    }
                }
            }
        }
        return (labels, Int(count))
    }
}
