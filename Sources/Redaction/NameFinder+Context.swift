/// Why a run of capitalised words is a name when no title starts it: the words just before it (a relation word,
/// a salutation, a sign-off, a job) or the open name list. Split from NameFinder.swift (one file under 400 lines).
extension NameFinder.Scan {
    /// A relation word, a salutation or a sign-off right before position `index`.
    mutating func contextDetector(_ index: Int) -> Detector? {
        guard let previous = before(index) else { return nil }
        let gap = run[index].token.gap
        let previousFlags = flags(before: index)
        if previousFlags.contains(.salutation), gap.isEmpty { return .salutationName }
        if previousFlags.contains(.relation), previous.shape == .lower, gap.isSubset(of: [.comma]) {
            for back in 1...3 where flags(before: index, back: back).contains(.determiner) { return .relationName }
            // "son-in-law David", "GP receptionist Karen", "Mr Okafor's carer, Grace"
            if previous.hash == finder.law || before(index, back: 1)?.isNameShaped == true { return .relationName }
        }
        // "a nurse called Priya", "a man named Tariq": a name the list may not hold.
        if previousFlags.contains(.naming), previous.shape == .lower, gap.isSubset(of: [.newline]),
           flags(before: index, back: 1).contains(.personNoun), before(index, back: 1)?.shape == .lower {
            return .relationName
        }
        // "mrs Okonjo", "dr. Okonjo": a title typed in lower case ("miss" left out: "I miss London").
        if previous.shape == .lower, gap.isSubset(of: [.period]), NameFinder.lowerTitles.contains(previous.hash) { return .titledName }
        // "HCA Baxter", "Nurse Practitioner Lund", "the porter Dunn": a listed name right after a job.
        if previousFlags.contains(.role), gap.isEmpty, !run[index].flags.isDisjoint(with: [.given, .surname]), isPersonAfterJob(index) {
            return .titledName
        }
        if gap.contains(.newline), previousFlags.contains(.signOff) { return .signatureName }
        if previous.hash == finder.signed, !gap.contains(.blankLine) { return .signatureName }
        return nil
    }

    /// The open name list, without other context: a given name and one or two more name words, the last
    /// a listed surname or the first not an everyday word; or a given name alone that is neither an
    /// everyday word, a place nor a month.
    mutating func isListedName(_ first: Int, _ last: Int) -> Bool {
        let head = run[first]
        if last == first {
            let flags = head.flags
            return head.token.shape == .capitalised && head.token.letters >= 3 && flags.contains(.given)
                && flags.isDisjoint(with: [.common, .place, .calendar])
        }
        let tail = run[last].flags
        if head.token.shape == .initial {
            return tail.contains(.surname) && !tail.contains(.common) && run[last].token.shape == .capitalised
        }
        guard head.flags.contains(.given), !head.flags.contains(.calendar) else { return false }
        if head.token.shape == .upper || run[last].token.shape == .upper {
            return !head.flags.contains(.common) && tail.contains(.surname)
        }
        return tail.contains(.surname) || head.flags.isDisjoint(with: [.common, .place])
    }
}
