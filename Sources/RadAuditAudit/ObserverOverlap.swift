import RadAuditImageIO

/// Whether several observers' masks of one subject overlap at all: two contours of one tumour that share no voxel
/// are almost always a mix-up (another lesion, another image, a flipped orientation), and their "agreement" would
/// measure nothing.
public enum ObserverOverlap {
    /// One warning per subject × pair of observers whose masks share no voxel (a voxel centre of the first mask that
    /// lies inside a voxel of the second, in patient coordinates). Masks that cannot be read are left to the audit,
    /// which reports them as failed cases.
    public static func warnings(for cases: [AuditCase]) -> [String] {
        var bySubject: [String: [AuditCase]] = [:]
        var order: [String] = []
        for c in cases where c.design.observer != nil {
            let subject = c.design.subject ?? c.id
            if bySubject[subject] == nil { order.append(subject) }
            bySubject[subject, default: []].append(c)
        }
        var warnings: [String] = []
        for subject in order {
            let rows = bySubject[subject]!
            guard rows.count > 1 else { continue }
            var images: [String: LoadedImage] = [:]
            let masks: [(AuditCase, Volume<Bool>)] = rows.compactMap { row in
                guard let image = images[row.image] ?? (try? ImageFile.load(row.image)) else { return nil }
                images[row.image] = image
                guard let mask = try? ImageFile.loadMask(row.mask, for: image, imagePath: row.image, label: row.label,
                                                         roi: row.roi) else { return nil }
                return (row, mask.volume)
            }
            for i in masks.indices {
                for j in masks.indices where j > i && !overlap(masks[i].1, masks[j].1) {
                    warnings.append("subject '\(subject)': the masks of observers '\(masks[i].0.design.observer!)' (case "
                                    + "'\(masks[i].0.id)') and '\(masks[j].0.design.observer!)' (case '\(masks[j].0.id)') "
                                    + "do not overlap at all: check that they outline the same lesion on the same image")
                }
            }
        }
        return warnings
    }

    /// Whether any voxel of `a` lies in a voxel of `b`.
    static func overlap(_ a: Volume<Bool>, _ b: Volume<Bool>) -> Bool {
        if a.geometry.matches(b.geometry) {
            return zip(a.voxels, b.voxels).contains { $0 && $1 }
        }
        let g = b.geometry, size = a.size
        for k in 0..<size.z {
            for j in 0..<size.y {
                for i in 0..<size.x where a.voxels[size.index(i, j, k)] {
                    // Index of the point in b's grid: Dᵀ (p − origin) / spacing (the direction is orthonormal).
                    let d = a.geometry.physicalPoint(SIMD3(Double(i), Double(j), Double(k))) - g.origin
                    let m = g.direction
                    let u = SIMD3(m[0] * d.x + m[3] * d.y + m[6] * d.z, m[1] * d.x + m[4] * d.y + m[7] * d.z,
                                  m[2] * d.x + m[5] * d.y + m[8] * d.z) / g.spacing
                    let (x, y, z) = (Int(u.x.rounded()), Int(u.y.rounded()), Int(u.z.rounded()))
                    if g.size.contains(x, y, z) && b.voxels[g.size.index(x, y, z)] { return true }
                }
            }
        }
        return false
    }
}
