import Foundation

/// Body-weight standardised uptake value of PET images (SUVbw, g/ml):
///
///     SUVbw = A · W / (D · 2^(−Δt / T½))
///
/// with A the activity concentration (Bq/ml, `Units` BQML), W the patient weight (g), D the injected activity (Bq),
/// T½ the radionuclide half-life and Δt the time from injection to the series start, the reference time of
/// images decay-corrected to the acquisition start (`DecayCorrection` START). Images corrected to the
/// administration time (ADMIN) need no decay factor.
enum StandardizedUptakeValue {
    /// The factor turning Bq/ml into SUVbw, or why it cannot be computed.
    static func bodyWeightFactor(_ d: DICOMDataSet) -> Result<Double, ConversionFailure> {
        guard let units = d.string(.units)?.uppercased(), units == "BQML" else {
            return .failure(ConversionFailure("PET units are \(d.string(.units) ?? "not recorded"), not BQML"))
        }
        guard let weight = d.number(.patientWeight), weight.isFinite, weight > 0 else {
            return .failure(ConversionFailure("PatientWeight is missing"))
        }
        guard let drug = d.item(.radiopharmaceuticalInformationSequence),
              let dose = drug.number(.radionuclideTotalDose), dose.isFinite, dose > 0,
              let halfLife = drug.number(.radionuclideHalfLife), halfLife.isFinite, halfLife > 0 else {
            return .failure(ConversionFailure("RadionuclideTotalDose or RadionuclideHalfLife is missing"))
        }
        var decay = 1.0
        switch d.string(.decayCorrection)?.uppercased() {
        case "ADMIN":
            break
        case "START":
            let seriesDate = d.string(.seriesDate) ?? d.string(.acquisitionDate)
            guard let start = DICOMTime.seconds(date: seriesDate, time: d.string(.seriesTime) ?? d.string(.acquisitionTime)),
                  let injection = drug.string(.radiopharmaceuticalStartDateTime).flatMap(DICOMTime.seconds(dateTime:))
                    ?? DICOMTime.seconds(date: seriesDate, time: drug.string(.radiopharmaceuticalStartTime)) else {
                return .failure(ConversionFailure("the series or injection time is missing"))
            }
            var elapsed = start - injection
            // Times without dates that cross midnight.
            if elapsed < 0 && drug.string(.radiopharmaceuticalStartDateTime) == nil { elapsed += 86_400 }
            guard elapsed >= 0 else { return .failure(ConversionFailure("the injection is after the series start")) }
            decay = exp2(-elapsed / halfLife)
        default:
            return .failure(ConversionFailure("DecayCorrection is \(d.string(.decayCorrection) ?? "not recorded"), not START or ADMIN"))
        }
        return .success(weight * 1000 / (dose * decay))
    }

    struct ConversionFailure: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }
}

/// DICOM dates (DA `YYYYMMDD`), times (TM `HHMMSS.FFFFFF`, also the old `HH:MM:SS`) and date-times
/// (DT `YYYYMMDDHHMMSS.FFFFFF`, offset ignored) as seconds since 1970-01-01 (UTC; only differences are used).
enum DICOMTime {
    static func seconds(date: String?, time: String?) -> Double? {
        guard let time = time.flatMap(secondsOfDay) else { return nil }
        guard let date else { return time }
        guard let day = days(date) else { return nil }
        return Double(day) * 86_400 + time
    }

    static func seconds(dateTime: String) -> Double? {
        let text = dateTime.prefix { $0 != "+" && $0 != "-" }
        guard text.count >= 8 else { return nil }
        return seconds(date: String(text.prefix(8)), time: text.count > 8 ? String(text.dropFirst(8)) : "000000")
    }

    private static func secondsOfDay(_ text: String) -> Double? {
        let compact = text.replacingOccurrences(of: ":", with: "")
        let whole = compact.prefix { $0 != "." }
        guard whole.count >= 2, whole.allSatisfy(\.isNumber) else { return nil }
        let digits = Array(whole) + Array(repeating: "0", count: max(0, 6 - whole.count))
        guard let h = Int(String(digits[0..<2])), let m = Int(String(digits[2..<4])), let s = Int(String(digits[4..<6])),
              h < 24, m < 60, s < 61 else { return nil }
        let fraction = compact.dropFirst(whole.count)
        return Double(h * 3600 + m * 60 + s) + (fraction.isEmpty ? 0 : Double("0" + fraction) ?? 0)
    }

    /// Days since 1970-01-01 of a `YYYYMMDD` date (proleptic Gregorian calendar).
    private static func days(_ text: String) -> Int? {
        guard text.count >= 8, let y = Int(text.prefix(4)), let m = Int(text.dropFirst(4).prefix(2)),
              let d = Int(text.dropFirst(6).prefix(2)), (1...12).contains(m), (1...31).contains(d) else { return nil }
        // Days from civil (H. Hinnant's algorithm).
        let year = m <= 2 ? y - 1 : y
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
