# The two quick-start commands:
#   make run    installs missing system packages, builds in release mode, runs the convolution lesson
#   make test   builds and runs every test, including every lesson as a doc-test and the
#               browser notebook in chromium (scripts/browser-test)
#   make install [PREFIX=/usr/local] [DESTDIR=]   the program in PREFIX/bin, the lessons (and
#               their data) in PREFIX/share/cnnlearn/lessons, where the program finds them
SWIFT ?= swift
PREFIX ?= /usr/local

.PHONY: run test setup release debug check install

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
	scripts/browser-test .build/debug/cnnlearn

install: release
	install -d "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(PREFIX)/share/cnnlearn"
	install -m 755 .build/release/cnnlearn "$(DESTDIR)$(PREFIX)/bin/cnnlearn"
	rm -rf "$(DESTDIR)$(PREFIX)/share/cnnlearn/lessons"
	cp -R lessons "$(DESTDIR)$(PREFIX)/share/cnnlearn/lessons"
	# The figures' PNGs, which the player shows inline (share/cnnlearn/docs/figures, beside the lessons).
	install -d "$(DESTDIR)$(PREFIX)/share/cnnlearn/docs"
	rm -rf "$(DESTDIR)$(PREFIX)/share/cnnlearn/docs/figures"
	cp -R docs/figures "$(DESTDIR)$(PREFIX)/share/cnnlearn/docs/figures"
