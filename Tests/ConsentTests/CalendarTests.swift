import Consent
import XCTest

final class CalendarTests: XCTestCase {
    func testEasterSundayByComputus() {
        let known = ["2000-04-23", "2019-04-21", "2024-03-31", "2025-04-20", "2026-04-05", "2027-03-28", "2038-04-25", "2285-03-22"]
        for text in known {
            let easter = date(text)
            XCTAssertEqual(EnglandCalendar.easterSunday(year: easter.year), easter)
        }
    }

    /// gov.uk/bank-holidays for England and Wales.
    func testBankHolidaysMatchPublishedLists() {
        let calendar = EnglandCalendar()
        let published: [Int: [String]] = [
            2020: ["2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31", "2020-12-25", "2020-12-28"],
            2021: ["2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31", "2021-08-30", "2021-12-27", "2021-12-28"],
            2022: ["2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03", "2022-08-29", "2022-09-19",
                   "2022-12-26", "2022-12-27"],
            2023: ["2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29", "2023-08-28", "2023-12-25",
                   "2023-12-26"],
            2025: ["2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25", "2025-12-25", "2025-12-26"],
            2026: ["2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28"],
        ]
        for (year, days) in published {
            let expected = Set(days.map(date))
            var start = CivilDate(year: year, month: 1, day: 1)!
            var found: Set<CivilDate> = []
            while start.year == year {
                if !start.isWeekend && calendar.isHoliday(start) { found.insert(start) }
                start = start.adding(days: 1)
            }
            XCTAssertEqual(found, expected, "\(year)")
        }
    }

    func testChristmasDayOnASundayIsNeverAWorkingDay() {
        let calendar = EnglandCalendar()
        XCTAssertFalse(calendar.isWorkingDay(date("2022-12-25")))
        XCTAssertFalse(calendar.isWorkingDay(date("2022-12-27")))  // its substitute
        XCTAssertTrue(calendar.isWorkingDay(date("2022-12-28")))
    }

    func testThreeWorkingDaysSkipWeekendsAndHolidays() {
        let calendar = EnglandCalendar()
        XCTAssertEqual(calendar.addingWorkingDays(3, to: date("2025-02-24")), date("2025-02-27"))  // Mon → Thu
        XCTAssertEqual(calendar.addingWorkingDays(3, to: date("2025-02-27")), date("2025-03-04"))  // Thu → Tue
        XCTAssertEqual(calendar.addingWorkingDays(3, to: date("2025-04-17")), date("2025-04-24"))  // over Easter
        XCTAssertEqual(calendar.addingWorkingDays(3, to: date("2025-12-23")), date("2025-12-30"))  // over Christmas
    }

    func testOneOffHolidaysComeFromConfiguration() {
        var calendar = EnglandCalendar()
        XCTAssertTrue(calendar.isWorkingDay(date("2030-06-12")))
        calendar.extraHolidays.insert(date("2030-06-12"))
        XCTAssertFalse(calendar.isWorkingDay(date("2030-06-12")))
    }
}

final class CivilDateTests: XCTestCase {
    func testParsingIsStrict() {
        XCTAssertEqual(CivilDate(iso: "2024-02-29")?.description, "2024-02-29")
        for bad in ["2025-02-29", "2025-13-01", "2025-1-01", "01/02/2025", "2025-01-01T00:00", "", "２０２５-01-01"] {
            XCTAssertNil(CivilDate(iso: bad), bad)
        }
    }

    func testDayNumbersRoundTripAndWeekdays() {
        var day = date("1899-12-25")
        for _ in 0..<100_000 {
            XCTAssertEqual(CivilDate(dayNumber: day.dayNumber), day)
            day = day.adding(days: 3)
        }
        XCTAssertEqual(date("1970-01-01").dayNumber, 0)
        XCTAssertEqual(date("2025-11-25").isoWeekday, 2)  // a Tuesday
    }

    func testMonthsAndAges() {
        XCTAssertEqual(date("2024-02-29").adding(months: 12), date("2025-02-28"))
        XCTAssertEqual(date("2025-08-31").adding(months: 6), date("2026-02-28"))
        XCTAssertEqual(date("2025-01-15").adding(months: 12), date("2026-01-15"))
        XCTAssertEqual(date("2007-06-01").wholeYears(until: date("2025-05-31")), 17)
        XCTAssertEqual(date("2007-06-01").wholeYears(until: date("2025-06-01")), 18)
        XCTAssertEqual(date("2008-02-29").wholeYears(until: date("2026-02-28")), 17)
        XCTAssertEqual(date("2008-02-29").wholeYears(until: date("2026-03-01")), 18)
    }
}

final class ComplaintDeadlineTests: XCTestCase {
    func testDeadlinesAreListedSoonestFirstWithStatus() {
        let events = CaseEvents(incidentDate: date("2025-01-15"), awareDate: date("2025-01-20"), complaintDate: date("2025-02-24"))
        let deadlines = ComplaintDeadlines.compute(events, on: date("2025-03-01"))
        XCTAssertEqual(deadlines.map(\.rule), [.time3, .time4, .time1])
        XCTAssertEqual(deadlines[0].due, date("2025-02-27"))
        XCTAssertEqual(deadlines[0].status, .overdue)
        XCTAssertEqual(deadlines[1].due, date("2025-08-24"))
        XCTAssertEqual(deadlines[1].status, .upcoming)
        XCTAssertEqual(deadlines[2].due, date("2026-01-20"))
        XCTAssertEqual(deadlines[2].status, .met)
    }

    func testAcknowledgedAndAnsweredComplaintShowsPHSOWindow() {
        let events = CaseEvents(incidentDate: date("2025-01-15"), complaintDate: date("2025-02-24"), acknowledgedOn: date("2025-02-25"),
                                finalResponseOn: date("2025-06-30"))
        let deadlines = ComplaintDeadlines.compute(events, on: date("2025-07-01"))
        XCTAssertEqual(deadlines.first { $0.rule == .time3 }?.status, .met)
        XCTAssertEqual(deadlines.first { $0.rule == .time4 }?.status, .met)
        XCTAssertEqual(deadlines.first { $0.rule == .phso1 }?.due, date("2026-06-30"))
    }
}
