/// Dates of birth: a date within a short distance after "DOB", "D.O.B.", "date of birth", "born" or "birth date".
enum DateOfBirth {
    static let labels: [StaticString] = ["date of birth", "d.o.b", "dob", "born", "birth date", "birthdate"]
    static let window = 40

    static func match(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> RedactionSpan? {
        let first = Bytes.lower(bytes[start])
        guard first == UInt8(ascii: "d") || first == UInt8(ascii: "b") else { return nil }
        // Every label goes on with "a", ".", "o" (date, d.o.b, dob) or "o", "i" (born, birth): "Dear", "Dr",
        // "by" and "bay" stop here, before the labels are compared.
        guard start + 1 < bytes.count else { return nil }
        let second = Bytes.lower(bytes[start + 1])
        guard second == UInt8(ascii: "o") || (first == UInt8(ascii: "d") ? second == UInt8(ascii: "a") || second == UInt8(ascii: ".")
                                                                          : second == UInt8(ascii: "i")) else { return nil }
        guard let label = labels.first(where: { Bytes.matches(bytes, at: start, lowercase: $0) }) else { return nil }
        let labelEnd = start + label.utf8CodeUnitCount
        guard !(Bytes.isLetter(bytes[labelEnd - 1]) && Bytes.isAlnum(at: labelEnd, bytes) && bytes[labelEnd] < 0x80 && Bytes.isLetter(bytes[labelEnd])) else {
            return nil
        }
        var index = labelEnd
        let limit = min(bytes.count, labelEnd + window)
        while index < limit {
            if !Bytes.isAlnum(at: index - 1, bytes), let end = DateShapes.match(bytes, at: index) {
                return RedactionSpan(start: index, end: end, kind: .dateOfBirth, detector: .dateOfBirth)
            }
            index += 1
        }
        return nil
    }
}

/// Dates as people write them: 14/03/1946, 14-03-46, 14.03.1946, 1946-03-14, 14th March 1946, 14 Mar 1946,
/// March 14, 1946.
enum DateShapes {
    static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                         "november", "december", "sept", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    static func match(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        var index = start
        func digits(_ range: ClosedRange<Int>) -> Int? {
            var count = 0
            while Bytes.isDigit(at: index + count, bytes) { count += 1 }
            guard range.contains(count) else { return nil }
            index += count
            return count
        }
        func separator() -> Bool {
            guard index < bytes.count, "/-.".utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        func spaces() { while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: ",") { index += 1 } }
        func month() -> Bool {
            for name in months where Bytes.matches(bytes, at: index, lowercase: name) && !Bytes.isAlnum(at: index + name.utf8.count, bytes) {
                index += name.utf8.count
                if index < bytes.count, bytes[index] == UInt8(ascii: ".") { index += 1 }
                return true
            }
            return false
        }
        func ordinal() {
            for suffix in ["st", "nd", "rd", "th"] where Bytes.matches(bytes, at: index, lowercase: suffix) && !Bytes.isAlnum(at: index + 2, bytes) {
                index += 2
                return
            }
        }
        if Bytes.isDigit(at: index, bytes) {
            let saved = index
            // ISO 1946-03-14
            if digits(4...4) != nil, separator(), digits(1...2) != nil, separator(), digits(1...2) != nil, !Bytes.isAlnum(at: index, bytes) {
                return index
            }
            index = saved
            // 14/03/1946, 14-03-46, 14.03.1946
            if digits(1...2) != nil, separator(), digits(1...2) != nil, separator(), digits(2...4) != nil, !Bytes.isAlnum(at: index, bytes) {
                return index
            }
            index = saved
            // 14th March 1946, 14 Mar 1946, 14-Mar-1946, 14.Mar.46
            if digits(1...2) != nil {
                ordinal()
                let dashed = separator()
                if !dashed { spaces() }
                if Bytes.matches(bytes, at: index, lowercase: "of ") { index += 3 }
                if month() {
                    if dashed { _ = separator() } else { spaces() }
                    if digits(dashed ? 2...4 : 4...4) != nil, !Bytes.isAlnum(at: index, bytes) { return index }
                }
            }
            return nil
        }
        // March 14, 1946
        if month() {
            spaces()
            if digits(1...2) != nil {
                ordinal()
                spaces()
                if digits(4...4) != nil, !Bytes.isAlnum(at: index, bytes) { return index }
            }
        }
        return nil
    }
}
