# The two quick-start commands:
#   make run    installs missing system packages, builds in release mode, runs the convolution lesson
#   make test   builds and runs every test, including every lesson as a doc-test
SWIFT ?= swift

.PHONY: run test setup release debug check

run: setup release
	.build/release/cnnlearn lesson convolution

setup:
	@scripts/setup

release:
	$(SWIFT) build -c release --product cnnlearn

debug:
	$(SWIFT) build --build-tests

test: debug
	$(SWIFT) test --skip-build
	.build/debug/cnnlearn check lessons
