import Foundation
import HelperProcess
import MeetingBundle
import PDFRender
#if canImport(Glibc)
import Glibc
#endif

// casevault-pdf: everything that links the PDF libraries (poppler, cairo/pango, leptonica), run by casevault as a
// child process so that casevault itself starts without loading them. Not for people: requests arrive on stdin
// (never through a file), answers leave on stdout, and the arguments are casevault's own.
//
//   __analyse --cpu-seconds N --memory-bytes N              one untrusted PDF or image read for a bundle
//   __pdftext --cpu-seconds N --memory-bytes N [--all-pages]  an untrusted PDF's text, for ingest and search
//   __pagepng --cpu-seconds N --memory-bytes N --page N    one page of an untrusted PDF as a PNG (web document page)
//   __bundle                                                a whole bundle: typeset, draw, leak check
//
// Exit status: 0 answered, 64 wrong arguments, 70 a limit could not be set, 74 the answer could not be written.

ProcessHardening.apply()

/// `--cpu-seconds N --memory-bytes N`, then the flags in `flags`; nil when anything else is there.
func limits(_ arguments: ArraySlice<String>, flags: Set<String>) -> (cpuSeconds: Int, memoryBytes: Int, flags: Set<String>)? {
    var cpu: Int?, memory: Int?, given: Set<String> = []
    var rest = arguments
    while let argument = rest.popFirst() {
        switch argument {
        case "--cpu-seconds": guard let value = rest.popFirst().flatMap({ Int($0) }), value > 0 else { return nil }; cpu = value
        case "--memory-bytes": guard let value = rest.popFirst().flatMap({ Int($0) }), value > 0 else { return nil }; memory = value
        case let flag where flags.contains(flag): given.insert(flag)
        default: return nil
        }
    }
    guard let cpu, let memory else { return nil }
    return (cpu, memory, given)
}

func usage() -> Never {
    FileHandle.standardError.write(Data("casevault-pdf: error: this program is run by casevault, not by hand\n".utf8))
    exit(64)
}

func answer(_ bytes: [UInt8]) -> Never {
    guard ChildConfinement.writeAll(bytes, to: 1) else { exit(74) }
    exit(0)
}

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first ?? "" {
case "__analyse":
    guard let given = limits(arguments.dropFirst(), flags: []) else { usage() }
    guard ChildConfinement.confine(cpuSeconds: given.cpuSeconds, memoryBytes: given.memoryBytes) else { exit(70) }
    var request = ChildConfinement.readAll(from: 0)
    let reply = DocumentAnalysis.respond(to: request)
    request.withUnsafeMutableBytes { if let base = $0.baseAddress { memset(base, 0, $0.count) } }
    answer(reply)
case "__pdftext":
    guard let given = limits(arguments.dropFirst(), flags: ["--all-pages"]) else { usage() }
    guard ChildConfinement.confine(cpuSeconds: given.cpuSeconds, memoryBytes: given.memoryBytes) else { exit(70) }
    var request = ChildConfinement.readAll(from: 0)
    let text = PDFTextReading.text(of: request, allPages: given.flags.contains("--all-pages"))
    request.withUnsafeMutableBytes { if let base = $0.baseAddress { memset(base, 0, $0.count) } }
    answer(Array(text.utf8))
case "__pagepng":
    // `--page N` last, the limits before it.
    guard arguments.count >= 3, arguments[arguments.endIndex - 2] == "--page", let page = Int(arguments[arguments.endIndex - 1]),
          let given = limits(arguments.dropFirst().dropLast(2), flags: []) else { usage() }
    guard ChildConfinement.confine(cpuSeconds: given.cpuSeconds, memoryBytes: given.memoryBytes) else { exit(70) }
    var request = ChildConfinement.readAll(from: 0)
    let reply = PagePicture.respond(pdf: request, page: page)
    request.withUnsafeMutableBytes { if let base = $0.baseAddress { memset(base, 0, $0.count) } }
    answer(reply)
case "__bundle":
    guard arguments.count == 1 else { usage() }
    guard ChildConfinement.confineBundleMaker() else { exit(70) }
    guard let own = HelperProgram.runningProgram() else { exit(70) }
    var request = ChildConfinement.readAll(from: 0)
    // The untrusted PDFs and images of the bundle are read by this program's own `__analyse`, confined as above.
    let reply = BundleJobResponse.respond(to: request, runner: ChildProcessAnalysis(program: own), environment: ProcessInfo.processInfo.environment)
    request.withUnsafeMutableBytes { if let base = $0.baseAddress { memset(base, 0, $0.count) } }
    answer(reply)
default:
    usage()
}
