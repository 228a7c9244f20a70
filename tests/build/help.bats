#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# `make help` lists every target a fragment registers in HELP, each with its
# whole description, and every target it lists exists.

load helpers

setup_file() {
	prepare_base
}

# help_table: `make help` as "target<TAB>description" lines in $BATS_TEST_TMPDIR/help.
help_table() {
	mk O="$BATS_TEST_TMPDIR/out" help >"$BATS_TEST_TMPDIR/help.raw"
	sed -n 's/^  \([^ ][^ ]*\)  *\(.*\)$/\1\t\2/p' "$BATS_TEST_TMPDIR/help.raw" \
		>"$BATS_TEST_TMPDIR/help"
}

# registered: every `HELP += target|description` of the clone's make files,
# with the description expanded by make as the build expands it, one
# "target<TAB>description" a line.
registered() {
	local extra=$BATS_TEST_TMPDIR/expand.mk
	# shellcheck disable=SC2016 # $(info) is for make
	git -C "$CLONE" ls-files -z --cached --others --exclude-standard 'Makefile' '*.mk' |
		(cd "$CLONE" && xargs -0 sed -n 's/^HELP *+= *\([^|]*\)|\(.*\)$/$(info \1\t\2)/p') \
			>"$extra"
	printf '_build_test_expand: ; @:\n' >>"$extra"
	make --no-print-directory -C "$CLONE" -f Makefile -f "$extra" \
		O="$BATS_TEST_TMPDIR/out" _build_test_expand
}

@test "make help: exit 0, the version, then every registered entry whole" {
	clone_tree
	run mk O="$BATS_TEST_TMPDIR/out" help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "SVSM $(cat "$CLONE/release/VERSION"): make [V=1] [O=DIR] <target>" ]
	help_table
	registered >"$BATS_TEST_TMPDIR/registered"
	# the suites of issue 2 and the top-level targets are among them
	grep -q "^test-dco	ci/dco-check: " "$BATS_TEST_TMPDIR/registered"
	grep -q "^distclean	remove the build directory ($BATS_TEST_TMPDIR/out)$" \
		"$BATS_TEST_TMPDIR/registered"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/registered")" -ge 10 ]
	missing=$(grep -vxFf "$BATS_TEST_TMPDIR/help" "$BATS_TEST_TMPDIR/registered" || true)
	echo "registered but not listed whole: $missing"
	[ -z "$missing" ]
	# and nothing listed that no fragment registered
	extra=$(grep -vxFf "$BATS_TEST_TMPDIR/registered" "$BATS_TEST_TMPDIR/help" || true)
	echo "listed but not registered: $extra"
	[ -z "$extra" ]
	# one line per target
	[ -z "$(cut -f1 "$BATS_TEST_TMPDIR/help" | sort | uniq -d)" ]
}

@test "make help: a description with quotes, parentheses, % and \$(O) is printed whole" {
	clone_tree
	mkdir -p "$CLONE/tests/zz-help-probe"
	# shellcheck disable=SC2016 # $(O) is for make to expand
	printf '%s\n' '# SPDX-License-Identifier: MIT' \
		'HELP += zz-probe|it'\''s a "probe": 100% whole, *not* cut ($(O)/x) \n' \
		'HELP += zz-bare|one' >"$CLONE/tests/zz-help-probe/build.mk"
	help_table
	grep -qxF "zz-probe	it's a \"probe\": 100% whole, *not* cut ($BATS_TEST_TMPDIR/out/x) \\n" \
		"$BATS_TEST_TMPDIR/help"
	grep -qxF "zz-bare	one" "$BATS_TEST_TMPDIR/help"
}

@test "make help: every listed target exists, every suite and benchmark is listed" {
	clone_tree
	help_table
	run mk O="$BATS_TEST_TMPDIR/out" -pq help
	# the rule database: a target is a "name: prerequisites" line with
	# prerequisites or a recipe (a tab line) in its block; names make only
	# saw as prerequisites or as .PHONY's do not count.
	targets=$(awk '
		function done() { if (cur != "" && ok) print cur; cur = ""; ok = 0 }
		/^# Not a target:$/ { nt = 1; next }
		/^[A-Za-z0-9_.%\/-]+::? *($|[^=])/ {
			done()
			if (!nt) {
				cur = $0; sub(/:.*/, "", cur)
				rest = $0; sub(/^[^:]*::? */, "", rest)
				ok = rest != ""
			}
			nt = 0; next
		}
		/^\t/ { if (cur != "") ok = 1; next }
		/^$/ { done(); nt = 0 }
		END { done() }' <<<"$output" | sort -u)
	[ -n "$targets" ]
	while IFS=$'\t' read -r t _; do
		grep -qxF "$t" <<<"$targets" || {
			echo "make help lists $t but there is no such target"
			false
		}
	done <"$BATS_TEST_TMPDIR/help"
	# shellcheck disable=SC2016 # for make to expand
	printf '%s\n' '$(info $(CHECK_TARGETS) $(BENCH_TARGETS))' '_build_test_lists: ; @:' \
		>"$BATS_TEST_TMPDIR/lists.mk"
	run make --no-print-directory -C "$CLONE" -f Makefile -f "$BATS_TEST_TMPDIR/lists.mk" \
		O="$BATS_TEST_TMPDIR/out" _build_test_lists
	[ "$status" -eq 0 ]
	# shellcheck disable=SC2086 # a word list
	set -- $output
	[ "$#" -ge 5 ]
	for t in "$@"; do
		cut -f1 "$BATS_TEST_TMPDIR/help" | grep -qxF "$t" || {
			echo "suite or benchmark $t has no HELP line"
			false
		}
	done
}
