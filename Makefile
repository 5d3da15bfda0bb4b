# SPDX-License-Identifier: GPL-2.0
#
# landlock-udp: the front door.  See README.md.
#
#   make run                  build, boot, show Landlock UDP at work
#   make check [STOCK=1] [VARIANT=name]   build, boot, run every Landlock test
#   make check-all            every variant (default, debug, kcsan, norust,
#                             distro) and the KUnit gate, one line each and a total
#   make kunit                kunit.py run --kunitconfig security/landlock --arch um,
#                             without Rust, then with security/landlock/rust.kunitconfig
#   make vm CMD='...' [DIR=path] [STOCK=1]
#   make bench                stock, ours and ours without Rust (C hooks) side by side
#   make lint                 checkpatch, clang-format, W=1, sparse, coccinelle, kernel-doc,
#                             W=1 with clang and for i386, arm, s390x, rustfmt, clippy, rustdoc
#   make series               export the series (out/series), signed off by git's identity
#   make bisect               build and boot each commit, with and without Rust
#                             (BISECT_FROM=N: resume at the Nth commit)
#   make build / build-stock  just build
#   make tree                 assemble the patched source tree only
#   make mutants [MUTANTS='03 07']  break one guard at a time (ws/mutants/),
#                             check that the tests catch each (not in CI)
#
# Variables: VARIANT=name (a kernel configuration of ws/variants/, with its
# own build directory), KSRC=/path/to/linux (use your own 7.3 tree as the base),
# CACHE (default ~/.cache/landlock-udp), JOBS, ACCEL=kvm|tcg,
# BOOT_TIMEOUT (seconds).

SHELL := /bin/bash
CACHE ?= $(HOME)/.cache/landlock-udp
WORK ?= $(CACHE)/work
export CACHE WORK KSRC JOBS ACCEL BOOT_TIMEOUT VARIANT
VARIANTS := $(basename $(notdir $(wildcard ws/variants/*.config)))

ifeq ($(STOCK),1)
KIND := stock
else
KIND := ours
endif

.PHONY: all deps tree build build-stock check check-all kunit mutants run vm bench lint series bisect clean help
all: check

help:
	@sed -n '3,22s/^# \{0,1\}//p' Makefile

deps:
	@ws/deps.sh

tree: deps
	@ws/tree.sh ours >/dev/null && echo "$(WORK)/linux (git -C $(WORK)/linux diff base)"

build: deps
	@ws/build.sh $(KIND)

build-stock: deps
	@ws/build.sh stock

check: build
	@ws/vm.sh $(KIND) check
	@src=$$(ws/tree.sh $(KIND)) && \
	  ws/report.py "$$src" "$(WORK)/run-$(KIND)$(if $(VARIANT),-$(VARIANT))-check" ws/known-failures

check-all: deps
	@ws/check-all.sh $(KIND) default $(VARIANTS) $(if $(filter ours,$(KIND)),kunit-um)

kunit: deps
	@ws/kunit.sh

mutants: deps
	@ws/mutants.sh $(MUTANTS)

vm: build
	@test -n "$(CMD)" || { echo "usage: make vm CMD='...' [DIR=path] [STOCK=1]" >&2; exit 2; }
	@ws/vm.sh $(KIND) vm '$(subst ','\'',$(value CMD))' '$(DIR)'

run: build
	@ws/vm.sh $(KIND) vm 'sh ./demo.sh' '$(CURDIR)/ws/demo'

series: deps
	@ws/series.sh

bisect: deps
	@ws/build.sh ours && VARIANT=norust ws/build.sh ours && ws/series.sh --bisect

lint: build
	@ws/lint.sh

bench: deps
	@ws/build.sh stock && ws/build.sh ours && VARIANT=norust ws/build.sh ours && ws/bench.sh

clean:
	rm -rf $(WORK)/build-* $(WORK)/run-*
