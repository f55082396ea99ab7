import Foundation

/// RFC 3339 times in UTC to the second (`2026-12-07T16:21:41Z`), the form every record and audit event stores: what
/// `ISO8601DateFormatter` with `.withInternetDateTime` writes and reads, without it. Building that formatter (ICU
/// underneath) cost more than a team server's whole read of a small letter, and a request built three of them.
public enum InternetTime {
    /// Whole seconds as the formatter gives them: the time to the nearest millisecond, then rounded down.
    public static func string(from date: Date) -> String {
        let milliseconds = Int((date.timeIntervalSince1970 * 1000).rounded(.toNearestOrAwayFromZero))
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : -((-milliseconds + 999) / 1000)
        let (days, second) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let (dayNumber, secondOfDay) = second < 0 ? (days - 1, second + 86_400) : (days, second)
        let day = CivilDate(dayNumber: dayNumber)
        let zero = UInt8(ascii: "0")
        func two(_ value: Int) -> [UInt8] { [zero + UInt8(value / 10), zero + UInt8(value % 10)] }
        let year = day.year
        var bytes: [UInt8] = [zero + UInt8(year / 1000 % 10), zero + UInt8(year / 100 % 10), zero + UInt8(year / 10 % 10), zero + UInt8(year % 10)]
        bytes.reserveCapacity(20)
        bytes += [UInt8(ascii: "-")] + two(day.month) + [UInt8(ascii: "-")] + two(day.day) + [UInt8(ascii: "T")]
        bytes += two(secondOfDay / 3600) + [UInt8(ascii: ":")] + two(secondOfDay / 60 % 60) + [UInt8(ascii: ":")] + two(secondOfDay % 60)
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `YYYY-MM-DDTHH:MM:SS` then `Z` or an offset `±HH:MM`; nil for anything else (another form, a date that does not
    /// exist, an hour past 23). Times this vault wrote always end in `Z`.
    public static func date(from text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 20 || bytes.count == 25 else { return nil }
        func number(_ start: Int, _ count: Int) -> Int? {
            var value = 0
            for byte in bytes[start..<start + count] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              let year = number(0, 4), let month = number(5, 2), let dayOfMonth = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              hour < 24, minute < 60, second < 60, let day = CivilDate(year: year, month: month, day: dayOfMonth) else { return nil }
        var offset = 0
        if bytes.count == 20 {
            guard bytes[19] == UInt8(ascii: "Z") else { return nil }
        } else {
            guard bytes[19] == UInt8(ascii: "+") || bytes[19] == UInt8(ascii: "-"), bytes[22] == UInt8(ascii: ":"),
                  let hours = number(20, 2), let minutes = number(23, 2), hours < 24, minutes < 60 else { return nil }
            offset = (hours * 3600 + minutes * 60) * (bytes[19] == UInt8(ascii: "+") ? 1 : -1)
        }
        return Date(timeIntervalSince1970: TimeInterval(day.dayNumber * 86_400 + hour * 3600 + minute * 60 + second - offset))
    }
}
