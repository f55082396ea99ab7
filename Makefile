# The two commands in README: `make demo` and `make test`. Both install missing system packages first.
SWIFT ?= swift

.PHONY: deps build release demo test bench clean

deps:
	@scripts/ensure-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# An end-to-end run from an empty vault (see scripts/demo.sh).
demo: build
	@scripts/demo.sh .build/debug/casevault

# Every test: unit tests, Wycheproof vectors and CLI end-to-end tests against the built binary.
test: build
	$(SWIFT) build --build-tests
	$(SWIFT) test --disable-swift-testing

clean:
	rm -rf .build

# Release-mode benchmarks, each a ratio against a reference tool measured in the same run.
bench: deps
	$(SWIFT) build -c release --product casevault-bench
	.build/release/casevault-bench
