# SPDX-License-Identifier: MIT
#
# Top-level build of the SVSM monorepo. Kbuild-like conventions:
#   make help        list the targets
#   make V=1         show full commands
#   make O=DIR       put every artifact under DIR (default: build/)
#
# Each component adds itself through a `build.mk` fragment next to its
# sources; fragments append to the lists below and never edit this file:
#   ALL_TARGETS    files built by `make` / `make all`
#   CHECK_TARGETS  phony targets that `make check` runs (each one a test suite)
#   BENCH_TARGETS  phony targets that `make bench` runs
#   HELP           lines "target|description" printed by `make help`

.DEFAULT_GOAL := all
SRCDIR := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
O ?= build
BUILD := $(abspath $(O))

ifeq ($(V),1)
Q :=
else
Q := @
endif

ALL_TARGETS :=
CHECK_TARGETS :=
BENCH_TARGETS :=
HELP :=

VERSION := $(shell cat $(SRCDIR)/release/VERSION)

# Fragments may name lists that later fragments extend: write prerequisites
# as $$(list) so they are expanded once every fragment has been read.
.SECONDEXPANSION:

include $(SRCDIR)/mk/toolchain.mk
include $(SRCDIR)/mk/rules.mk
include $(sort $(wildcard $(SRCDIR)/*/build.mk $(SRCDIR)/svsm/*/build.mk \
                           $(SRCDIR)/svsm/*/*/build.mk $(SRCDIR)/tests/*/build.mk \
                           $(SRCDIR)/tests/*/*/build.mk $(SRCDIR)/tools/*/build.mk))

# The tree must stay formatted and statically clean: `make check` ends with
# the whole-tree lint (clang-format, clang-tidy, cppcheck, shellcheck, SPDX).
CHECK_TARGETS += lint

HELP += all|build the SVSM kernel image and the hosted simulator (default)
HELP += check|run every test suite (installs missing tools when root)
HELP += bench|run the benchmarks, printing ratios against in-run references
HELP += distclean|remove the build directory ($(O))
HELP += help|this list

.PHONY: all check bench distclean clean help deps
all: $(ALL_TARGETS)

# `make check` runs every suite even when one fails, then reports.
check: deps
	@failed=; for t in $(CHECK_TARGETS); do \
		echo "=== $$t"; \
		$(MAKE) --no-print-directory -f $(SRCDIR)/Makefile O=$(O) $$t || failed="$$failed $$t"; \
	done; \
	if [ -n "$$failed" ]; then echo "FAILED suites:$$failed"; exit 1; fi; \
	echo "all $(words $(CHECK_TARGETS)) suites passed"

bench: deps $(BENCH_TARGETS)

deps:
	$(Q)$(SRCDIR)/ci/install-deps --if-missing

# Refuse to remove sources: O= must not be the tree, a parent of it (or /),
# or a directory holding tracked files. Symlinks are resolved first.
distclean clean:
	@src="$(realpath $(SRCDIR))"; out="$(or $(realpath $(BUILD)),$(BUILD))"; \
	case "$$src/" in "$${out%/}/"*) \
		echo "refusing to remove $$out: it holds the source tree" >&2; \
		exit 1;; esac; \
	if [ -n "$$(git -C "$$src" ls-files -- "$$out" 2>/dev/null | head -n 1)" ]; then \
		echo "refusing to remove $$out: it holds tracked sources" >&2; \
		exit 1; fi
	rm -rf $(BUILD)

help:
	@echo "SVSM $(VERSION): make [V=1] [O=DIR] <target>"
	@# HELP is one string: an entry starts at each word holding a '|'.
	@printf '%s\n' '$(subst ','\'',$(HELP))' | tr ' ' '\n' | \
		awk '/\|/ { if (e) print e; e = $$0; next } { e = e " " $$0 } \
		     END { if (e) print e }' | sort | \
		awk -F'|' '{ printf "  %-18s %s\n", $$1, $$2 }'

# Dependency files of every flavour (only where objects are built).
DEP_DIRS := $(wildcard $(addprefix $(BUILD)/,hosted asan fuzz kernel klib))
-include $(if $(DEP_DIRS),$(shell find $(DEP_DIRS) -name '*.d' 2>/dev/null))
