import VaultModel
/// Working days in England for the complaint deadlines (reg 13's "3 working days"): not a Saturday or
/// Sunday, Christmas Day, Good Friday or a bank holiday. The recurring holidays are computed by rule so
/// the calendar never runs out; the one-off changes (jubilees, a coronation, moved May holidays) come
/// from a table, which `EnglandCalendar` accepts from configuration so a future proclamation is data.
public struct EnglandCalendar: Sendable {
    /// Proclaimed extra holidays and recurring holidays that were moved away from their usual day.
    public var extraHolidays: Set<CivilDate>
    public var cancelledHolidays: Set<CivilDate>

    public init(extraHolidays: Set<CivilDate> = EnglandCalendar.knownExtraHolidays,
                cancelledHolidays: Set<CivilDate> = EnglandCalendar.knownCancelledHolidays) {
        self.extraHolidays = extraHolidays
        self.cancelledHolidays = cancelledHolidays
    }

    /// gov.uk/bank-holidays and the proclamations behind them.
    public static let knownExtraHolidays: Set<CivilDate> = [
        date(1995, 5, 8),   // VE Day 50th anniversary (early May holiday moved from 1 May)
        date(1999, 12, 31), // Millennium
        date(2002, 6, 3), date(2002, 6, 4),  // Golden Jubilee; spring holiday moved to 4 June
        date(2011, 4, 29),  // Royal wedding
        date(2012, 6, 4), date(2012, 6, 5),  // spring holiday moved; Diamond Jubilee
        date(2020, 5, 8),   // VE Day 75th anniversary (early May holiday moved from 4 May)
        date(2022, 6, 2), date(2022, 6, 3),  // spring holiday moved; Platinum Jubilee
        date(2022, 9, 19),  // State funeral of Queen Elizabeth II
        date(2023, 5, 8),   // Coronation of King Charles III
    ]

    public static let knownCancelledHolidays: Set<CivilDate> = [
        date(1995, 5, 1), date(2002, 5, 27), date(2012, 5, 28), date(2020, 5, 4), date(2022, 5, 30),
    ]

    private static func date(_ year: Int, _ month: Int, _ day: Int) -> CivilDate { CivilDate(year: year, month: month, day: day)! }

    /// Easter Sunday in the Gregorian calendar (the anonymous "Meeus/Jones/Butcher" computus).
    public static func easterSunday(year: Int) -> CivilDate {
        let a = year % 19, b = year / 100, c = year % 100
        let d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return date(year, month, day)
    }

    /// The holidays England observes in `year` by rule, with weekend substitutes, before one-off changes.
    public static func recurringHolidays(year: Int) -> Set<CivilDate> {
        var days: Set<CivilDate> = []
        let easter = easterSunday(year: year)
        days.insert(easter.adding(days: -2))              // Good Friday
        days.insert(easter.adding(days: 1))               // Easter Monday
        days.insert(firstMonday(year: year, month: 5))    // early May
        days.insert(lastMonday(year: year, month: 5))     // spring
        days.insert(lastMonday(year: year, month: 8))     // summer
        days.insert(substituteIfWeekend(date(year, 1, 1)))
        // Christmas and Boxing Day: a weekend day moves to the next weekday not already taken.
        let christmas = date(year, 12, 25), boxing = date(year, 12, 26)
        days.insert(christmas) // Christmas Day itself is never a working day, even when a substitute exists.
        var taken: Set<CivilDate> = []
        for holiday in [christmas, boxing] {
            var observed = holiday
            while observed.isWeekend || taken.contains(observed) { observed = observed.adding(days: 1) }
            taken.insert(observed)
            days.insert(observed)
        }
        return days
    }

    public func isHoliday(_ date: CivilDate) -> Bool {
        if extraHolidays.contains(date) { return true }
        if cancelledHolidays.contains(date) { return false }
        return EnglandCalendar.recurringHolidays(year: date.year).contains(date)
    }

    public func isWorkingDay(_ date: CivilDate) -> Bool { !date.isWeekend && !isHoliday(date) }

    /// The `count`-th working day after `date` (the day itself does not count).
    public func addingWorkingDays(_ count: Int, to date: CivilDate) -> CivilDate {
        var current = date
        var remaining = count
        while remaining > 0 {
            current = current.adding(days: 1)
            if isWorkingDay(current) { remaining -= 1 }
        }
        return current
    }

    private static func firstMonday(year: Int, month: Int) -> CivilDate {
        let first = date(year, month, 1)
        return first.adding(days: (8 - first.isoWeekday) % 7)
    }

    private static func lastMonday(year: Int, month: Int) -> CivilDate {
        let last = date(year, month, CivilDate.daysIn(month: month, year: year))
        return last.adding(days: -((last.isoWeekday - 1) % 7))
    }

    private static func substituteIfWeekend(_ day: CivilDate) -> CivilDate {
        var observed = day
        while observed.isWeekend { observed = observed.adding(days: 1) }
        return observed
    }
}
