#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# verify/fc-gate (make verify's gate) against a stand-in for frama-c that
# prints a log and writes the property CSV it is asked for: a clean run
# passes, the goals of every WP phase are added up, and a property left
# "Invalid or unreachable" (which Frama-C's Report plugin does not count
# as an error) fails the job.

SRC=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
GATE=$SRC/verify/fc-gate

setup() {
	FAKE=$BATS_TEST_TMPDIR/frama-c
	cat >"$FAKE" <<'EOS'
#!/bin/sh
# Writes $FAKE_CSV_ROWS (status<TAB>property lines) to the -report-csv file.
while [ $# -gt 0 ]; do
	if [ "$1" = -report-csv ]; then
		csv=$2
	fi
	shift
done
printf 'directory\tfile\tline\tfunction\tproperty kind\tstatus\tproperty\n' >"$csv"
printf '%s\n' "$FAKE_CSV_ROWS" |
	awk -F'\t' 'NF == 2 { printf "svsm/mm\tslab.c\t1\tf\tpostcondition\t%s\t%s\n", $1, $2 }' >>"$csv"
echo '[wp] Proved goals:   12 / 12'
echo '[wp] Proved goals:    5 / 5'
echo '[eva:summary] No alarm'
EOS
	chmod +x "$FAKE"
	export FRAMA_C=$FAKE
}

@test "a run whose every property is valid passes, goals of all phases added" {
	rows=$(printf 'Valid\tmagic\nValid\tlink')
	run env FAKE_CSV_ROWS="$rows" "$GATE" job "$BATS_TEST_TMPDIR/out" -- -any -args
	[ "$status" -eq 0 ]
	[[ "$output" == *"job:"*"PASS  goals 17/17  alarms 0  errors 0"* ]]
	[[ "$output" == *"slab.c:"*"2/2"* ]]
}

@test "a property invalid on a path EVA then cut fails the job" {
	rows=$(printf 'Valid\tlink\nInvalid or unreachable\tmagic')
	run env FAKE_CSV_ROWS="$rows" "$GATE" job "$BATS_TEST_TMPDIR/out" -- -any -args
	[ "$status" -eq 1 ]
	[[ "$output" == *"FAIL  goals 17/17  alarms 0  errors 1"* ]]
	[[ "$output" == *"[INVALID] slab.c:1: f: postcondition: magic"* ]]
}
