import Foundation
import Redaction
import RedactionBenchCorpus

// The redaction row of casevault-bench on its own: it depends only on Redaction, so a release build of it is
// quick on a shared machine, and it is small enough to run under callgrind.
//
//   redaction-bench [--quick] [--runs N]
//
// --quick: 1 MiB of text and one run (what the callgrind figures in BENCHMARKS.md use); otherwise 32 MiB, 5 runs.
// Prints MB (10^6 bytes) per CPU second of this thread for each run, then the median.

let arguments = Array(CommandLine.arguments.dropFirst())
let quick = arguments.contains("--quick")
var runs = quick ? 1 : 5
if let flag = arguments.firstIndex(of: "--runs"), flag + 1 < arguments.count, let value = Int(arguments[flag + 1]), value > 0 { runs = value }

func threadCPU() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

let (text, paragraphs) = RedactionBenchCorpus.text(bytes: quick ? 1 << 20 : 32 << 20)
let redactor = Redactor(context: RedactionBenchCorpus.context)
let megabytes = Double(text.utf8.count) / 1e6
var results: [Double] = []
var found = 0
for _ in 0..<runs {
    let start = threadCPU()
    found = redactor.spans(in: text).count
    results.append(megabytes / (threadCPU() - start))
}
guard found >= RedactionBenchCorpus.minimumSpans(paragraphs: paragraphs) else {
    FileHandle.standardError.write(Data("redaction-bench: only \(found) spans in \(paragraphs) paragraphs\n".utf8))
    exit(1)
}
let sorted = results.sorted()
print("redaction, all detectors + 20 people, \(text.utf8.count) bytes, \(found) spans")
print("MB per CPU s: " + results.map { String(format: "%.1f", $0) }.joined(separator: " ") + String(format: "  median %.1f", sorted[sorted.count / 2]))
