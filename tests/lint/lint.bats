#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# ci/lint: format on changed lines, the pinned clang-format major, clang-tidy,
# cppcheck, shellcheck, SPDX; run in scratch repositories.

load helpers

LINT=

setup() {
	scratch_repo
	LINT=$SRC/ci/lint
}

good_c() {
	printf '/* SPDX-License-Identifier: MIT */\nint %s(int x);\n\nint %s(int x)\n{\n\treturn x + 1;\n}\n' \
		"$1" "$1"
}

@test "lint: clean changes pass" {
	mkdir -p svsm/mm
	good_c mm_one >svsm/mm/one.c
	# shellcheck disable=SC2016 # the script text itself
	printf '#!/bin/sh\n# SPDX-License-Identifier: MIT\necho "$1"\n' >ci/tool
	chmod +x ci/tool
	commit_all "mm: add one"
	run "$LINT"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"passed: format tidy cppcheck banned shellcheck spdx"* ]]
}

@test "lint: a misformatted changed line fails with the fix command" {
	good_c f >a.c
	commit_all "a: add a.c"
	base=$(git rev-parse HEAD)
	printf 'int  g( int y ){return y;}\n' >>a.c
	commit_all "a: add g"
	run "$LINT" --skip=tidy,cppcheck
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"FAILED: changed lines are not clang-formatted"* ]]
	[[ "$output" == *"+int g(int y)"* ]]
	[[ "$output" == *"fix: git clang-format-14 $base"* ]]
	# the printed fix works
	git clang-format-14 "$base"
	run "$LINT" --skip=tidy,cppcheck "$base"
	[ "$status" -eq 0 ]
}

@test "lint: untouched misformatted lines are not judged" {
	printf '/* SPDX-License-Identifier: MIT */\nint  old =1;\n' >a.c
	commit_all "a: add a.c"
	printf 'int new_one;\n' >>a.c
	commit_all "a: add new_one"
	run "$LINT" --skip=tidy,cppcheck
	echo "$output"
	[ "$status" -eq 0 ]
	# the whole tree is another matter
	run "$LINT" --all --skip=tidy,cppcheck
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"fix: clang-format-14 -i a.c"* ]]
}

@test "lint: BASE defaults to HEAD~1 without an upstream" {
	printf '/* SPDX-License-Identifier: MIT */\nint  old =1;\n' >a.c
	commit_all "a: add a.c"
	good_c f >b.c
	commit_all "b: add b.c"
	run "$LINT" --skip=tidy,cppcheck
	[ "$status" -eq 0 ]
	run "$LINT" --skip=tidy,cppcheck HEAD~2
	[ "$status" -eq 1 ]
}

@test "lint: uncommitted work-tree changes count" {
	good_c f >a.c
	commit_all "a: add a.c"
	printf 'int  late =2;\n' >>a.c
	run "$LINT" --skip=tidy,cppcheck HEAD
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"+int late = 2;"* ]]
}

@test "lint: refuses a clang-format of another major" {
	good_c f >a.c
	commit_all "a: add a.c"
	fake_clang_format 15.0.7
	run "$LINT" --skip=tidy,cppcheck
	echo "$output"
	[ "$status" -eq 2 ]
	[[ "$output" == *"major version 15"* ]]
	[[ "$output" == *"--any-clang-format"* ]]
	run "$LINT" --skip=tidy,cppcheck --any-clang-format
	[ "$status" -eq 0 ]
	SVSM_LINT_ANY_CLANG_FORMAT=1 run "$LINT" --skip=tidy,cppcheck
	[ "$status" -eq 0 ]
}

@test "lint: the pinned major (faked) is accepted" {
	good_c f >a.c
	commit_all "a: add a.c"
	fake_clang_format 14.0.6
	run "$LINT" --skip=tidy,cppcheck
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "lint: clang-tidy reports a finding" {
	printf '/* SPDX-License-Identifier: MIT */\nint f(int x);\n\nint f(int x)\n{\n\tint z = 0;\n\n\treturn x / z;\n}\n' >a.c
	commit_all "a: divide by zero"
	run "$LINT" --skip=cppcheck
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"a.c:8:11: error: Division by zero [clang-analyzer-core.DivideZero,-warnings-as-errors] (hosted)"* ]]
	[[ "$output" == *"failed: tidy"* ]]
}

@test "lint: cppcheck reports a finding once, with each flavour" {
	mkdir -p svsm/mm
	printf '/* SPDX-License-Identifier: MIT */\nint f(void);\n\nint f(void)\n{\n\tint a[4] = { 0 };\n\n\treturn a[4];\n}\n' >svsm/mm/oob.c
	commit_all "mm: out of bounds"
	run "$LINT" --skip=tidy
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"svsm/mm/oob.c:8:10: error: Array 'a[4]' accessed at index 4, which is out of bounds. [arrayIndexOutOfBounds] (hosted, kernel)"* ]]
	[[ "$output" == *"FAILED: 1 finding(s)"* ]]
}

@test "lint: cppcheck knows that a _Noreturn panic ends a path" {
	printf '/* SPDX-License-Identifier: MIT */\n_Noreturn void panic(void);\nstruct s {\n\tint used;\n};\nstruct s *get(void);\nvoid f(void);\n\nvoid f(void)\n{\n\tstruct s *p = get();\n\n\tif (p == 0) {\n\t\tpanic();\n\t}\n\tp->used = 1;\n}\n' >a.c
	commit_all "a: panic on NULL"
	run "$LINT" --skip=tidy
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "lint: kernel files get the kernel flavour's include paths" {
	mkdir -p svsm/lib/include svsm/kernel svsm/mm
	printf '/* SPDX-License-Identifier: MIT */\n#pragma once\n#define KONLY 1\n' >svsm/lib/include/konly.h
	printf '/* SPDX-License-Identifier: MIT */\n#include <konly.h>\n\nint k(void);\n\nint k(void)\n{\n\treturn KONLY;\n}\n' >svsm/kernel/k.c
	commit_all "kernel: add k"
	run "$LINT"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" != *"(hosted)"* ]]
	# common code is analysed as both flavours: the hosted one has no konly.h
	cp svsm/kernel/k.c svsm/mm/k.c
	commit_all "mm: add k"
	run "$LINT" --skip=cppcheck
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"svsm/mm/k.c:2:10: error: 'konly.h' file not found [clang-diagnostic-error] (hosted)"* ]]
	[[ "$output" != *"(kernel)"* ]]
}

@test "lint: shellcheck finds scripts by shebang" {
	mkdir -p tests/x
	# shellcheck disable=SC2016 # the script text itself
	printf '#!/bin/sh\n# SPDX-License-Identifier: MIT\nrm -rf $1/x\n' >tests/x/run-me
	# shellcheck disable=SC2016 # the file text itself
	printf 'not a script $1\n' >tests/x/notes
	commit_all "tests: add run-me"
	run "$LINT"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"tests/x/run-me:3:8: note: Double quote to prevent globbing"* ]]
	[[ "$output" != *"tests/x/notes"* ]]
	[[ "$output" == *"failed: shellcheck"* ]]
}

@test "lint: a changed script is checked with the files it sources" {
	mkdir -p ci/lib
	# shellcheck disable=SC2016 # the library text itself
	printf '#!/bin/sh\n# SPDX-License-Identifier: MIT\nGREETING=hi\n' >ci/lib/common.sh
	commit_all "ci: add a library"
	# shellcheck disable=SC2016 # the script text itself
	printf '#!/bin/sh\n# SPDX-License-Identifier: MIT\n# shellcheck source-path=SCRIPTDIR\n. "$(dirname "$0")/lib/common.sh"\necho "$GREETING"\n' >ci/tool
	chmod +x ci/tool
	commit_all "ci: add a tool using the library"
	run "$LINT" --skip=tidy,cppcheck HEAD~1
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"ok: 1 script(s) clean"* ]]
}

@test "lint: a missing SPDX line fails" {
	mkdir -p svsm/mm mk
	printf 'int f(void);\n' >svsm/mm/nospdx.h
	printf '#!/bin/sh\necho hi\n' >ci/nospdx
	printf 'X := 1\n' >mk/x.mk
	printf '#!/bin/sh\n# SPDX-License-Identifier: MIT\necho hi\n' >ci/withspdx
	commit_all "x: add files"
	run "$LINT" --skip=tidy,cppcheck
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"svsm/mm/nospdx.h:1: missing '/* SPDX-License-Identifier: MIT */'"* ]]
	[[ "$output" == *"ci/nospdx:1: missing '# SPDX-License-Identifier: MIT'"* ]]
	[[ "$output" == *"mk/x.mk:1: missing"* ]]
	[[ "$output" != *"ci/withspdx"* ]]
	[[ "$output" == *"FAILED: 3 file(s) without an SPDX line"* ]]
}

@test "lint: SPDX is judged on changed files only, all with --all" {
	printf 'int f(void);\n' >old.h
	commit_all "x: old header without SPDX"
	good_c g >new.c
	commit_all "x: add new.c"
	run "$LINT" --skip=tidy,cppcheck
	[ "$status" -eq 0 ]
	run "$LINT" --all --skip=tidy,cppcheck
	[ "$status" -eq 1 ]
	[[ "$output" == *"old.h:1: missing"* ]]
}

@test "lint: usage errors exit 2" {
	run "$LINT" --bogus
	[ "$status" -eq 2 ]
	run "$LINT" no-such-ref
	[ "$status" -eq 2 ]
	run "$LINT" --all HEAD
	[ "$status" -eq 2 ]
}

@test "lint: --each judges every commit, not only the sum" {
	good_c f >a.c
	commit_all "a: add a.c"
	base=$(git rev-parse HEAD)
	printf 'int  bad =1;\n' >>a.c
	commit_all "a: add bad, misformatted"
	bad=$(git rev-parse --short HEAD)
	clang-format-14 -i a.c
	commit_all "a: format bad"
	run "$LINT" --skip=tidy,cppcheck "$base"
	[ "$status" -eq 0 ]
	run "$LINT" --each --skip=tidy,cppcheck "$base"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"--- commit $bad a: add bad, misformatted"* ]]
	[[ "$output" == *"commit(s) with unformatted changed lines: $bad"* ]]
	# the printed fix rewrites the series clean
	git rebase -q -x 'git clang-format-14 HEAD~1 && git commit -qa --amend --no-edit' "$base" || true
	run "$LINT" --each --skip=tidy,cppcheck "$base"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "lint: tests may use rand() and system(), product code may not" {
	mkdir -p tests/unit svsm/mm
	printf '/* SPDX-License-Identifier: MIT */\n#include <stdlib.h>\n\nint t(void);\n\nint t(void)\n{\n\tsrand(1);\n\treturn rand() + system("true");\n}\n' >tests/unit/t.c
	commit_all "tests: rand and system"
	run "$LINT" --skip=cppcheck
	echo "$output"
	[ "$status" -eq 0 ]
	cp tests/unit/t.c svsm/mm/t.c
	commit_all "mm: rand and system"
	run "$LINT" --skip=cppcheck
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"svsm/mm/t.c:9:9: error: rand() has limited randomness [cert-msc30-c,cert-msc50-cpp,-warnings-as-errors]"* ]]
	[[ "$output" == *"svsm/mm/t.c:9:18: error: calling 'system' uses a command processor [cert-env33-c,-warnings-as-errors]"* ]]
}

@test "lint: banned calls on added lines, and only there" {
	printf '/* SPDX-License-Identifier: MIT */\n#include <string.h>\n\nvoid c(char *d, const char *s);\n\nvoid c(char *d, const char *s)\n{\n\tstrcpy(d, s);\n}\n' >old.c
	commit_all "x: old strcpy"
	printf '/* SPDX-License-Identifier: MIT */\n#include <stdio.h>\n#include <stdlib.h>\n\nint n(const char *s, char *b);\n\nint n(const char *s, char *b)\n{\n\tsprintf(b, "%%s", s);\n\treturn atoi(s) + my_atoi(s);\n}\n' >new.c
	commit_all "x: new sprintf"
	run "$LINT" --skip=tidy,cppcheck
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"new.c:9: sprintf(b, \"%s\", s);"* ]]
	[[ "$output" == *"new.c:10: return atoi(s) + my_atoi(s);"* ]]
	[[ "$output" == *"FAILED: 2 line(s) call a banned function"* ]]
	[[ "$output" != *"old.c"* ]]
	run "$LINT" --all --skip=tidy,cppcheck
	[[ "$output" == *"old.c:8: strcpy(d, s);"* ]]
}

@test "lint: file names with spaces" {
	mkdir 'a dir'
	printf '/* SPDX-License-Identifier: MIT */\nint f(char *d);\n\nint f(char *d)\n{\n\treturn atoi(d);\n}\n' >'a dir/b c.c'
	commit_all "x: spaced name"
	run "$LINT" --skip=tidy,cppcheck
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"a dir/b c.c:6: return atoi(d);"* ]]
	[[ "$output" == *"passed: format spdx;"* ]]
}

@test "lint: the build's per-object flags and source lists are used" {
	mkdir -p mk release tests/lint svsm/x special
	cp "$SRC/Makefile" .
	cp "$SRC"/mk/*.mk mk/
	cp "$SRC/release/VERSION" release/
	cp "$SRC/tests/lint/build.mk" tests/lint/
	# shellcheck disable=SC2016 # make syntax
	printf '# SPDX-License-Identifier: MIT\nsvsm-kernel-y += svsm/x/k.c\n$(BUILD)/kernel/svsm/x/k.o: EXTRA_CFLAGS += -I$(SRCDIR)/special\n' >svsm/x/build.mk
	printf '/* SPDX-License-Identifier: MIT */\n#pragma once\n#define ONLY 1\n' >special/only.h
	printf '/* SPDX-License-Identifier: MIT */\n#include <only.h>\n\nint k(void);\n\nint k(void)\n{\n\treturn ONLY;\n}\n' >svsm/x/k.c
	commit_all "x: add k, built with -Ispecial"
	run "$LINT" --skip=cppcheck
	echo "$output"
	[ "$status" -eq 0 ]
	# without the build, svsm/x/k.c would be common code without -Ispecial
	git rm -q Makefile
	commit_all "x: no build"
	run "$LINT" --skip=cppcheck HEAD~2
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"svsm/x/k.c:2:10: error: 'only.h' file not found [clang-diagnostic-error] (hosted, kernel)"* ]]
}

@test "lint: CLANG_FORMAT naming no program says not found" {
	good_c f >a.c
	commit_all "a: add a.c"
	CLANG_FORMAT=/nonexistent run "$LINT" --skip=tidy,cppcheck
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"/nonexistent not found"* ]]
	[[ "$output" != *"version unknown"* ]]
}
