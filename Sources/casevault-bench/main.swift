import Audit
import Consent
import Foundation
import Redaction
import RedactionBenchCorpus
import VaultCrypto
@_spi(Benchmark) import VaultCore

// Release-mode benchmark harness. Every figure is a ratio against a reference measured in the same run,
// because these machines are shared and noisy. Prints a table and writes bench/results.json.

struct Row: Encodable {
    let name: String
    let unit: String
    let median: Double
    let min: Double
    let max: Double
    let reference: String?
    let referenceValue: Double?
    let ratio: Double?
    let target: String?
}

func measure(runs: Int, _ body: () throws -> Double) rethrows -> [Double] {
    try (0..<runs).map { _ in try body() }
}

func stats(_ values: [Double]) -> (median: Double, min: Double, max: Double) {
    let sorted = values.sorted()
    return (sorted[sorted.count / 2], sorted.first ?? 0, sorted.last ?? 0)
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// CPU seconds of this thread: "per core" rows divide by these, so a machine shared with other work does not
/// count the time this thread waited for a core.
func threadCPU() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// CPU seconds of the whole process (every thread, user + system).
func processCPU() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// `openssl speed -evp aes-256-gcm -bytes 16384 -seconds 1` (with `-decrypt` for decryption), parsed to MB/s (1 MB =
/// 10^6 bytes, as openssl prints k = 1000 bytes). openssl divides by the user CPU time it used, not by wall time
/// (unless given `-elapsed`), so the AEAD rows below divide by this thread's CPU time too.
func opensslSpeed(seconds: Int = 1, decrypt: Bool = false) -> Double? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["openssl", "speed", "-evp", "aes-256-gcm", "-bytes", "16384", "-seconds", String(seconds)] + (decrypt ? ["-decrypt"] : [])
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard let line = output.split(separator: "\n").last(where: { $0.lowercased().hasPrefix("aes-256-gcm") }),
          let field = line.split(separator: " ").last, field.hasSuffix("k"), let kilobytes = Double(field.dropLast()) else { return nil }
    return kilobytes / 1000
}

// `bundle-corpus DIR`: write the bundle row's documents for bench.py, and stop.
if CommandLine.arguments.count >= 3, CommandLine.arguments[1] == "bundle-corpus" {
    try BundleCorpus.write(to: CommandLine.arguments[2], quick: CommandLine.arguments.contains("--quick"))
    exit(0)
}

// --quick: tiny inputs so CI can check every row still produces a number. --json: only JSON on stdout.
let arguments = Set(CommandLine.arguments.dropFirst())
let quick = arguments.contains("--quick")
let jsonOnly = arguments.contains("--json")
let size = quick ? 1 << 20 : 64 << 20
let sizeLabel = "\(size >> 20) MiB"
let runs = quick ? 1 : Int(ProcessInfo.processInfo.environment["BENCH_RUNS"] ?? "") ?? 5
/// BENCH_ONLY=aead,audit,find,kdf,consent,redaction runs only those groups (for profiling one row).
let only = ProcessInfo.processInfo.environment["BENCH_ONLY"].map { Set($0.split(separator: ",").map(String.init)) }
func selected(_ group: String) -> Bool { only?.contains(group) ?? true }
var rows: [Row] = []
let key = try SecureBytes.random(count: 32)
let context = Array("casevault/bench".utf8)
let plaintext = [UInt8](repeating: 0x5A, count: size)

if selected("aead") {
// The reference runs between our runs (interleaved), so a noisy neighbour slows both alike. Both sides are timed in
// CPU time (openssl's user time, this thread's CPU time): on a shared machine wall time mostly measures the
// neighbours (openssl itself gave 3.2 GB/s of CPU time and 0.19-0.27 GB/s of wall time in one minute at load 26).
// scripts/bench.py pins this process (and so the openssl it runs) to one core.
var encryptReference: [Double] = []
var decryptReference: [Double] = []

// The consumer only counts the bytes it is handed, as `openssl speed` leaves its output in place: this row
// measures the cipher path (chunking, nonces, tags, staging), not a copy the caller may or may not make.
func encryptOnce() throws -> Double {
    let start = threadCPU()
    let encryptor = try CobblestoneEncryptor(key: key, context: context)
    var total = encryptor.header.count
    // One message of `size` bytes, fed from a 1 MiB window that stays in cache (openssl speed also works
    // in cache): the row is about the cipher path, not this machine's shared memory bus.
    try plaintext.withUnsafeBytes { all in
        let window = UnsafeRawBufferPointer(rebasing: all[0..<min(all.count, 1 << 20)])
        for _ in 0..<(size / window.count) {
            try encryptor.update(window) { chunk in total += chunk.count }
        }
    }
    try encryptor.finish { chunk in total += chunk.count }
    precondition(total == Int(Cobblestone256.ciphertextSize(forPlaintextSize: UInt64(size))))
    return Double(size) / (threadCPU() - start) / 1e6
}
var encrypt: [Double] = []
for _ in 0..<runs {
    if !quick, let value = opensslSpeed() { encryptReference.append(value) }
    encrypt.append(try encryptOnce())
}
let ciphertext = try Cobblestone256.seal(plaintext, key: key, context: context)
func decryptOnce() throws -> Double {
    let decryptor = try CobblestoneDecryptor(key: key, context: context)
    var total = 0
    let start = threadCPU()
    try ciphertext.withUnsafeBytes { input in
        try decryptor.update(input) { chunk in
            total += chunk.count
        }
    }
    try decryptor.finish { chunk in total += chunk.count }
    precondition(total == size)
    return Double(size) / (threadCPU() - start) / 1e6
}
var decrypt: [Double] = []
for _ in 0..<runs {
    if !quick, let value = opensslSpeed(decrypt: true) { decryptReference.append(value) }
    decrypt.append(try decryptOnce())
}

for (name, values, references, reference) in [
    ("Cobblestone-256 encrypt, \(sizeLabel) in memory, 1 core, CPU time", encrypt, encryptReference, "openssl speed -evp aes-256-gcm -bytes 16384"),
    ("Cobblestone-256 decrypt, \(sizeLabel) in memory, 1 core, CPU time", decrypt, decryptReference, "openssl speed -evp aes-256-gcm -bytes 16384 -decrypt"),
] {
    let s = stats(values)
    let median = references.isEmpty ? nil : stats(references).median
    rows.append(Row(name: name, unit: "MB/s", median: s.median, min: s.min, max: s.max,
                    reference: reference, referenceValue: median,
                    ratio: median.map { s.median / $0 }, target: "≥ 0.95 × openssl"))
}

}

// Audit verify over 100 000 events (issue: "well under a few seconds"): no reference tool, so seconds.
if selected("audit") {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("casevault-bench-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let paths = VaultPaths(root: folder + "/vault", keyFile: nil)
    let vault = try Vault(try VaultSetup.initialize(paths: paths, passphrase: nil, now: Date()))
    guard let keys = vault.hierarchy.keys else { fatalError("the audit row measures a key-file vault") }
    let chain = try AuditChain(auditKey: keys.auditKey, vaultID: vault.info.vaultID)
    let count = quick ? 1_000 : 100_000
    // init already logged its own events (creation, the state ledger's first lines): count them, not a constant.
    let initial = try vault.verifyAudit(external: nil).entries
    try vault.store.write { tx in
        var last = try tx.lastAuditEntry()
        for index in 0..<count {
            let event = AuditEvent(time: "2026-01-01T00:00:00Z", actor: "adv-1", action: "document.read", caseID: "case-1",
                                   documentID: "doc-\(index)", details: ["bytes": String(index)])
            let entry = try chain.append(event, after: last)
            try tx.append(entry)
            last = entry
        }
    }
    let times = try measure(runs: 3) {
        let start = now()
        let result = try vault.verifyAudit(external: nil)
        precondition(result.ok && result.entries == initial + count)
        return now() - start
    }
    let s = stats(times)
    rows.append(Row(name: "audit verify, \(count) events", unit: "s", median: s.median, min: s.min, max: s.max, reference: nil,
                    referenceValue: nil, ratio: nil, target: "well under a few seconds"))
}

// person find over N people an advocate registered (issue 19: 100 000 in ≤ 0.2 s): a partial surname, so every
// visible person's sealed name is opened and compared.
if selected("find") {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("casevault-bench-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let paths = VaultPaths(root: folder + "/vault", keyFile: nil)
    let setup = try Vault(try VaultSetup.initialize(paths: paths, passphrase: nil, now: Date()))
    let admin = try setup.addAdvocate(name: "Administrator", organisationID: nil, role: .admin)
    let asAdmin = try Vault(try VaultSetup.open(paths: paths) { throw KeyFileError.passphraseRequired }, actor: admin)
    let organisation = try asAdmin.addOrganisation(name: "Bench Advocacy").id
    let advocate = try asAdmin.addAdvocate(name: "Bench Advocate", organisationID: OrganisationID(organisation))
    let vault = try Vault(try VaultSetup.open(paths: paths) { throw KeyFileError.passphraseRequired }, actor: advocate)
    let count = quick ? 200 : 100_000
    let surnames = ["Ellis", "Platt", "Okafor", "Hart", "Bell", "Marsh", "Quenby", "Reid", "Carter", "Morgan"]
    // 10 000 people a transaction, each checked and audited as `addPerson` does (one transaction each took ~15 min).
    for start in stride(from: 0, to: count, by: 10_000) {
        _ = try vault.addPeople((start..<min(count, start + 10_000)).map { index in
            .init(name: "Person\(index) \(surnames[index % surnames.count])\(index / surnames.count)")
        })
    }
    // What `person find okafor1` does (its table: id, name, date of birth), then what `--json` does (everything
    // about the people found).
    // The process's CPU time as well (both cores, user + system): on a shared machine the wall time also counts the
    // time the scan's threads waited for a core.
    var cpuTimes: [Double] = []
    let times = try measure(runs: runs) {
        let (start, cpuStart) = (now(), processCPU())
        let found = try vault.findPeopleShown(matching: "okafor1")
        precondition(!found.isEmpty)
        cpuTimes.append(processCPU() - cpuStart)
        return now() - start
    }
    let s = stats(times)
    rows.append(Row(name: "person find, \(count) people (s)", unit: "s", median: s.median, min: s.min, max: s.max, reference: nil,
                    referenceValue: nil, ratio: nil, target: "≤ 0.2 s"))
    let cpu = stats(cpuTimes)
    rows.append(Row(name: "person find, \(count) people (CPU s, all threads)", unit: "s", median: cpu.median, min: cpu.min, max: cpu.max,
                    reference: nil, referenceValue: nil, ratio: nil, target: nil))
    let full = stats(try measure(runs: runs) {
        let start = now()
        let found = try vault.findPeople(matching: "okafor1")
        precondition(!found.isEmpty)
        return now() - start
    })
    rows.append(Row(name: "person find --json, \(count) people (s)", unit: "s", median: full.median, min: full.min, max: full.max, reference: nil,
                    referenceValue: nil, ratio: nil, target: nil))
}

// The passphrase KDF on its own (scrypt N=2^17, r=8, p=1), so whole-process rows can run without it.
if selected("kdf") {
    let passphrase = SecureBytes(copying: Array("correct horse battery staple".utf8))
    let times = try measure(runs: runs) {
        let start = now()
        _ = try Scrypt.deriveKey(passphrase: passphrase, salt: Array(repeating: 1, count: 16), parameters: .passphrase, outputCount: 32)
        return now() - start
    }
    let s = stats(times)
    rows.append(Row(name: "passphrase KDF (scrypt 2^17, 8, 1)", unit: "s", median: s.median, min: s.min, max: s.max, reference: nil,
                    referenceValue: nil, ratio: nil, target: nil))
}

// Consent decision latency for a case whose client has 100 authority records (issue: p99 ≤ 0.2 ms).
if selected("consent") {
    func day(_ text: String) -> CivilDate { CivilDate(iso: text)! }
    var actors: [String: ActorFacts] = ["adv-1": ActorFacts(kind: .advocate, organisation: "org-A")]
    var authorities: [Authority] = []
    let allActions = ConsentAction.allCases.map(\.rawValue)
    for index in 0..<100 {
        actors["adv-x\(index)"] = ActorFacts(kind: .advocate, organisation: index % 2 == 0 ? "org-A" : "org-B")
        actors["att-\(index)"] = ActorFacts(kind: .individual)
        let scope = AuthorityScope(cases: [index % 3 == 0 ? "C1" : "C\(index)"], organisations: ["trust-X", "phso"], actions: allActions, thirdParties: [])
        let form = ConsentForm(patientName: "P", dob: "1970-01-01", nhsNumber: "9990000018", address: "1 High St", representativeName: "R",
                               scope: "C1", signature: true, date: day("2025-01-05"))
        switch index % 5 {
        case 0: authorities.append(Authority(id: "a\(index)", kind: .writtenConsent, grantedBy: "p1", party: Party(type: .advocate, id: "adv-x\(index)"),
                                             scope: scope, validFrom: day("2025-01-05"), validUntil: day("2025-12-31"), form: form))
        case 1: authorities.append(Authority(id: "a\(index)", kind: .writtenConsent, grantedBy: "p1", party: Party(type: .organisation, id: "org-B"),
                                             scope: scope, validFrom: day("2025-01-05"), validUntil: day("2025-12-31"), withdrawnOn: day("2025-02-01"), form: form))
        case 2: authorities.append(Authority(id: "a\(index)", kind: .lpaHealthWelfare, grantedBy: "p1", party: Party(type: .person, id: "att-\(index)"),
                                             validFrom: day("2024-01-01"), registered: index % 4 == 0))
        case 3: authorities.append(Authority(id: "a\(index)", kind: .writtenConsent, grantedBy: "att-\(index - 1)", party: Party(type: .organisation, id: "org-A"),
                                             scope: scope, validFrom: day("2025-01-05"), validUntil: day("2025-12-31"), form: form))
        default: authorities.append(Authority(id: "a\(index)", kind: .verbalConsent, grantedBy: "p1", party: Party(type: .organisation, id: "org-A"),
                                              scope: scope, validFrom: day("2025-01-05"), validUntil: day("2025-06-30"), recorded: true, recordedBy: "adv-1", recordedOn: day("2025-01-05")))
        }
    }
    let facts = ConsentFacts(
        person: PersonFacts(id: "p1", dob: day("1970-01-01"), capacityAssessments: [CapacityAssessment(decision: "complaint", date: day("2024-12-01"), result: .lacksCapacity, assessor: "Dr B")]),
        actors: actors, authorities: authorities,
        case: CaseFacts(id: "C1", nhsBodies: ["trust-X"], transfers: [CaseTransfer(fromOrg: "org-B", toOrg: "org-A", date: day("2025-02-01"), consented: true)],
                        events: CaseEvents(incidentDate: day("2025-01-15"), awareDate: day("2025-01-15"), complaintDate: day("2025-02-10"))))
    let engine = ConsentEngine()
    let actions: [ConsentAction] = [.viewDocuments, .attendMeeting, .exportBundle, .checkDeadlines, .referToOmbudsman]
    let count = quick ? 2_000 : 20_000
    var latencies: [Double] = []
    latencies.reserveCapacity(count)
    var outcomes: [Outcome: Int] = [:]
    for index in 0..<count {
        let request = ConsentRequest(actor: "adv-1", action: actions[index % actions.count], onBehalfOf: "p1", date: day("2025-03-01"),
                                     caseID: "C1", targetOrg: index % 2 == 0 ? "trust-X" : "phso")
        let start = now()
        let decision = engine.evaluate(request, facts: facts)
        latencies.append((now() - start) * 1e6)
        outcomes[decision.outcome, default: 0] += 1
    }
    precondition(outcomes.count >= 2, "the benchmark case should produce more than one kind of decision")
    let sorted = latencies.sorted()
    let p50 = sorted[sorted.count / 2], p99 = sorted[Int(Double(sorted.count) * 0.99)]
    rows.append(Row(name: "consent decision p50, 100 authorities (µs)", unit: "µs", median: p50, min: sorted.first ?? 0, max: sorted.last ?? 0,
                    reference: nil, referenceValue: nil, ratio: nil, target: "p99 ≤ 200 µs"))
    rows.append(Row(name: "consent decision p99, 100 authorities (µs)", unit: "µs", median: p99, min: sorted.first ?? 0, max: sorted.last ?? 0,
                    reference: nil, referenceValue: nil, ratio: nil, target: "≤ 200 µs"))
}

// Redaction throughput: plain text with every detector on and 20 known people (issue: ≥ 50 MB/s per core),
// against grep -E scanning the same file for the shape-based patterns alone.
if selected("redaction") {
    let (text, counter) = RedactionBenchCorpus.text(bytes: quick ? 1 << 20 : 32 << 20)
    let redactor = Redactor(context: RedactionBenchCorpus.context)
    let megabytes = Double(text.utf8.count) / 1e6
    var found = 0
    let ours = measure(runs: runs) {
        let start = threadCPU()
        found = redactor.spans(in: text).count
        return megabytes / (threadCPU() - start)
    }
    precondition(found >= RedactionBenchCorpus.minimumSpans(paragraphs: counter), "the benchmark text should be full of findings")
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("casevault-redaction-\(UUID().uuidString).txt")
    try text.write(to: file, atomically: false, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let patterns = ["[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}", "[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}", "(\\+44|0)[0-9 ()-]{9,13}",
                    "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}", "[A-Z]{2} ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]"]
    var grepRuns: [Double] = []
    for _ in 0..<runs {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["grep", "-Eoi", patterns.joined(separator: "|"), file.path]
        // Into a pipe that is drained, not /dev/null: GNU grep stops at the first match when its output is
        // /dev/null, which made the reference look ~15 times faster than a full scan.
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        // grep's CPU time too (user + system of the child), like ours.
        var before = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &before)
        guard (try? process.run()) != nil else { break }
        _ = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var after = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &after)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        let cpu = seconds(after.ru_utime) - seconds(before.ru_utime) + seconds(after.ru_stime) - seconds(before.ru_stime)
        grepRuns.append(megabytes / max(cpu, 1e-6))
    }
    let s = stats(ours)
    let reference = grepRuns.isEmpty ? nil : stats(grepRuns).median
    rows.append(Row(name: "redaction, all detectors + 20 people, 1 core (MB per CPU s)", unit: "MB/s", median: s.median, min: s.min, max: s.max,
                    reference: "grep -Eoi (the shape patterns only)", referenceValue: reference, ratio: reference.map { s.median / $0 },
                    target: "≥ 50 MB/s"))
}

if jsonOnly {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(decoding: try encoder.encode(rows), as: UTF8.self))
    exit(0)
}

print("row".padding(toLength: 52, withPad: " ", startingAt: 0) + " " + ["median", "min", "max", "reference", "ratio"]
    .map { String(repeating: " ", count: max(0, 10 - $0.count)) + $0 }.joined(separator: " "))
for row in rows {
    print(String(format: "%-52@ %10.1f %10.1f %10.1f %10@ %10@", row.name as NSString, row.median, row.min, row.max,
                 (row.referenceValue.map { String(format: "%.1f", $0) } ?? "n/a") as NSString,
                 (row.ratio.map { String(format: "%.3f", $0) } ?? "n/a") as NSString))
}
print("(MB/s, 1 MB = 10^6 bytes, unless the row says seconds; \(runs) runs each)")
let encoder = JSONEncoder()
encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
try FileManager.default.createDirectory(atPath: "bench", withIntermediateDirectories: true)
try encoder.encode(rows).write(to: URL(fileURLWithPath: "bench/results.json"))
