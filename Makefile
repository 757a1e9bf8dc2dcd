# SignZoo: see README.md. Every target that runs code builds in release mode (numeric code is
# 10-150x slower in debug).
.PHONY: setup build test demo bench

setup:
	@scripts/setup

build:
	swift build -c release

test: setup
	swift test -c release

demo: setup
	scripts/demo

bench: setup
	swift run -c release signzoo-bench
