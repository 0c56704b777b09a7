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
        guard let toB = try? GridIndexTransform(b.geometry) else { return false }
        let g = b.geometry, size = a.size
        for k in 0..<size.z {
            for j in 0..<size.y {
                for i in 0..<size.x where a.voxels[size.index(i, j, k)] {
                    let u = toB.index(of: a.geometry.physicalPoint(SIMD3(Double(i), Double(j), Double(k))))
                    let (x, y, z) = (Int(u.x.rounded()), Int(u.y.rounded()), Int(u.z.rounded()))
                    if g.size.contains(x, y, z) && b.voxels[g.size.index(x, y, z)] { return true }
                }
            }
        }
        return false
    }
}
