# The two commands in README: `make demo` and `make test`. Both install missing system packages first.
SWIFT ?= swift

.PHONY: deps build release demo serve test bench soak fuzz clean install loadtest webbench

deps:
	@scripts/ensure-deps.sh

# Debug builds (build, demo, serve, test, soak) share these flags, so one reuses what another built. No debug
# information for C: the two vendored BoringSSL copies (swift-nio-ssl's and swift-crypto's, 770 C++ files) were a third
# of make test's from-scratch build, which took 790 s of CPU this way against 919 s (one clean clone each, 2026-12-07).
# Swift keeps its debug information (backtraces with lines), which cost under 3 %
# (BENCHMARKS.md, "make test's cost"). The index store stays: SwiftPM finds the XCTest tests on Linux through it.
DEBUG_FLAGS = -Xcc -g0

build: deps
	$(SWIFT) build $(DEBUG_FLAGS)

release: deps
	$(SWIFT) build -c release

# An end-to-end run from an empty vault (see scripts/demo.sh).
demo: build
	@scripts/ensure-deps.sh tesseract-ocr
	@scripts/demo.sh .build/debug/casevault

# The team server on this machine with demo data (see scripts/serve.sh and docs/server.md); Ctrl-C stops it.
# `casevault serve` runs .build/debug/casevault-server, which `swift build` builds beside casevault.
serve: build
	@scripts/ensure-deps.sh postgresql openssl
	@scripts/serve.sh .build/debug/casevault

# Every test: unit tests, Wycheproof vectors and CLI end-to-end tests against the built binary (faketime for the
# clock-set-back test, which would otherwise skip; PostgreSQL's server programs for the PostgreSQL store's tests, which
# start their own throwaway server, and for the second pass below, which scripts/test-passes.sh runs beside the suite; headless Chromium and Selenium for the web interface's
# browser test, WebInterfaceTests, which skips visibly without them). In parallel (TEST_WORKERS below): each test uses its own temporary
# folders, HOME and vault, so tests do not share state; sequentially the suite took 15–16.5 minutes on 2 cores.
# One `swift build --build-tests`, not `swift build` then that: it builds the same programs (casevault, casevault-pdf,
# casevault-server, casevault-bench) and the tests in one plan, so the tests compile while the programs link instead of
# after them, and SwiftPM plans once.
test: deps
	@scripts/ensure-deps.sh faketime postgresql
	@scripts/ensure-browser.sh
	$(SWIFT) build --build-tests $(DEBUG_FLAGS)
	@[ -d ../shared/testvectors/wycheproof ] || echo "SKIPPED: ../shared is absent: the Wycheproof vectors and the shared consent examples will not be checked (the tests that need them skip)"
	TEST_WORKERS=$(TEST_WORKERS) POSTGRES_PASS='$(POSTGRES_PASS)' scripts/test-passes.sh

# Four workers on two cores: most tests wait on child processes, fsync and PostgreSQL rather than compute (the first
# pass took 450 s with four and 555 s with the default two, on an idle 2-core machine, in a built tree).
TEST_WORKERS ?= 4

# The CLI classes make test runs a second time with every vault's records in PostgreSQL (a throwaway server per test
# process): ingest, list, cat, consent record/withdraw, export and verify must give the same results on the team
# server's store. (Authorization, identities, names and search also pass there, CASEVAULT_TEST_POSTGRES=1, about a
# minute more; left out to keep make test under 15 minutes on 2 cores.)
POSTGRES_PASS = CLITests\.(VaultCommandsTests|ConsentCommandsTests|BundleCommandsTests)

clean:
	rm -rf .build

# Installs the release binaries (casevault, and beside it casevault-pdf and casevault-server, which casevault runs
# from its own folder for PDF work and for `serve`; the server's resource folder with them), the man pages
# (generated from the command tree by swift-argument-parser's generate-manual plugin, one page per command) and
# bash and zsh completions. PREFIX and DESTDIR as usual.
PREFIX ?= /usr/local
MANDIR = $(DESTDIR)$(PREFIX)/share/man/man1
install: release
	$(SWIFT) package plugin generate-manual --multi-page
	install -d $(DESTDIR)$(PREFIX)/bin $(MANDIR) $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 0755 .build/release/casevault .build/release/casevault-pdf .build/release/casevault-server $(DESTDIR)$(PREFIX)/bin/
	# The server's resources (its OpenAPI document) are looked up beside the program (SwiftPM's Bundle.module).
	rm -rf $(DESTDIR)$(PREFIX)/bin/casevault_VaultServer.resources
	cp -R .build/release/casevault_VaultServer.resources $(DESTDIR)$(PREFIX)/bin/
	chmod -R u=rwX,go=rX $(DESTDIR)$(PREFIX)/bin/casevault_VaultServer.resources
	find .build/plugins -path '*GenerateManual*' -name 'casevault*.1' -exec install -m 0644 {} $(MANDIR)/ \;
	.build/release/casevault --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/casevault
	.build/release/casevault --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_casevault

# Release-mode benchmarks, each a ratio against a reference tool measured in the same run.
bench: deps
	@scripts/ensure-deps.sh age gnupg openssl tesseract-ocr
	$(SWIFT) build -c release
	python3 scripts/bench.py --bin .build/release

# The team server under load (issue 21): 50 advocates over two instances on one private PostgreSQL for 60 s, then
# the checks (no error, no lost or duplicated document, verify --read-data clean); see scripts/loadtest.py.
loadtest: release
	@scripts/ensure-deps.sh postgresql openssl
	python3 scripts/loadtest.py --bin .build/release

# Page timings of the web interface with a 1 000-document case (issue 22's target: p95 <= 100 ms), loopback only;
# see scripts/webbench.py.
webbench: release
	@scripts/ensure-deps.sh postgresql openssl
	python3 scripts/webbench.py --bin .build/release

# The long reliability run: 10 000 tamper flips, 10 000 random row mutations, 500 crash kills, a 5 GiB sparse file (make test:
# 300, 100 after a systematic pass of ~200 (every row and column; see MutationSweepTests), 50, 1 GiB) and
# every file of the real-PDF corpus (make test: the 10 marked quick).
soak: deps
	$(SWIFT) build --build-tests $(DEBUG_FLAGS)
	CASEVAULT_TAMPER_FLIPS=10000 CASEVAULT_MUTATIONS=10000 CASEVAULT_CRASH_KILLS=500 CASEVAULT_SPARSE_GIB=5 $(SWIFT) test $(DEBUG_FLAGS) --disable-swift-testing --filter 'TamperSweepTests|MutationSweepTests|CrashSweepTests|testLargeSparseFile'
	CASEVAULT_REAL_PDFS=all $(SWIFT) test $(DEBUG_FLAGS) --disable-swift-testing --filter RealPDFCorpusTests

# libFuzzer on the Cobblestone decryptor, the key-file parser, the .eml and .docx extractors and the bundle manifest verifier (FUZZ_SECONDS each, default 60).
fuzz: deps
	scripts/fuzz.sh
