#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# ci/install-deps against a fake apt-get, sudo and id alone on PATH: the
# command probes are fake commands there. The file probes (headers, the
# libFuzzer archive) are this machine's files: the script has no way to point
# them elsewhere, so a package probed by a file missing here is expected in
# every "missing" list, and the nothing-missing cases are skipped.

load helpers

INSTALL_DEPS=$SRC_TOP/ci/install-deps

setup() {
	FAKE=$BATS_TEST_TMPDIR/bin
	LOG=$BATS_TEST_TMPDIR/apt.log
	export LOG
	mkdir -p "$FAKE"
	: >"$LOG"
	cat >"$FAKE/apt-get" <<-'EOF'
		#!/bin/sh
		echo "apt-get $* [DEBIAN_FRONTEND=${DEBIAN_FRONTEND:-}]" >>"$LOG"
		[ "$1" != install ] || [ -z "${APT_FAIL:-}" ]
	EOF
	printf '#!/bin/sh\nexec "$@"\n' >"$FAKE/sudo"
	ln -s "$(command -v tr)" "$FAKE/tr"
	chmod +x "$FAKE"/*
	# package:probe pairs as the script declares them
	sed -n '/^DEPS="/,/^"$/p' "$INSTALL_DEPS" | grep -E '^[A-Za-z0-9.+-]+:[^ ]+$' \
		>"$BATS_TEST_TMPDIR/deps"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/deps")" -ge 10 ]
	local d
	while IFS= read -r d; do
		case ${d#*:} in
		/*) ;;
		*)
			printf '#!/bin/sh\nexit 0\n' >"$FAKE/${d#*:}"
			chmod +x "$FAKE/${d#*:}"
			;;
		esac
	done <"$BATS_TEST_TMPDIR/deps"
}

# as_uid UID ARGS: run ci/install-deps as UID (0 is root) with only $FAKE on PATH.
as_uid() {
	local uid=$1
	shift
	printf '#!/bin/sh\necho %s\n' "$uid" >"$FAKE/id"
	chmod +x "$FAKE/id"
	run env -i PATH="$FAKE" LOG="$LOG" APT_FAIL="${APT_FAIL:-}" "$INSTALL_DEPS" "$@"
	# a command the script needs and the fakes lack is a broken test
	if grep -E ': (not found|Permission denied)' <<<"$output"; then
		return 1
	fi
}

# remove PKG...: make each package's command probe fail.
remove() {
	local p probe
	for p in "$@"; do
		probe=$(sed -n "s|^$p:||p" "$BATS_TEST_TMPDIR/deps")
		[ -n "$probe" ] && [ "${probe#/}" = "$probe" ]
		rm "$FAKE/$probe"
	done
}

# expected_missing PKG...: the packages reported missing once PKG... are
# removed, in the script's order: PKG... and those whose file probe is absent.
expected_missing() {
	local d pkg probe out=
	while IFS= read -r d; do
		pkg=${d%%:*}
		probe=${d#*:}
		case " $* " in
		*" $pkg "*) out="$out $pkg" ;;
		*) case $probe in /*) [ -e "$probe" ] || out="$out $pkg" ;; esac ;;
		esac
	done <"$BATS_TEST_TMPDIR/deps"
	echo "${out# }"
}

# need_all_files: skip when a file probe is absent on this machine.
need_all_files() {
	[ -z "$(expected_missing)" ] ||
		skip "packages probed by files are missing here: $(expected_missing)"
}

# packages_of LINE: the words of an apt-get install command that are not options.
packages_of() {
	local w out=
	# shellcheck disable=SC2086 # a command line, split into words
	set -- ${1#*apt-get install}
	for w in "$@"; do
		case $w in -* | "[DEBIAN_FRONTEND="*) ;; *) out="$out $w" ;; esac
	done
	echo "${out# }"
}

@test "install-deps: nothing missing, as non-root: exit 0, apt-get never called" {
	need_all_files
	for arg in --if-missing ""; do
		as_uid 1000 ${arg:+"$arg"}
		[ "$status" -eq 0 ]
		[ -z "$output" ]
	done
	[ ! -s "$LOG" ]
}

@test "install-deps: nothing missing, as root: exit 0, nothing installed or upgraded" {
	need_all_files
	for arg in --if-missing ""; do
		as_uid 0 ${arg:+"$arg"}
		[ "$status" -eq 0 ]
	done
	[ ! -s "$LOG" ]
}

@test "install-deps: missing as non-root: prints the exact apt-get command, exit 1" {
	remove jq swtpm
	want=$(expected_missing jq swtpm)
	for arg in --if-missing ""; do
		as_uid 1000 ${arg:+"$arg"}
		[ "$status" -eq 1 ]
		cmd=$(grep 'apt-get install' <<<"$output")
		[ "$(wc -l <<<"$cmd")" -eq 1 ]
		[ "$(packages_of "$cmd")" = "$want" ]
		[ ! -s "$LOG" ]
	done
	# the command runs as printed (sudo is a pass-through here) and
	# installs exactly the missing packages after an update
	run env -i PATH="$FAKE" LOG="$LOG" /bin/sh -c "$cmd"
	[ "$status" -eq 0 ]
	[ "$(wc -l <"$LOG")" -eq 2 ]
	[[ $(sed -n 1p "$LOG") == "apt-get update"* ]]
	[ "$(packages_of "$(sed -n 2p "$LOG")")" = "$want" ]
	grep -q -- ' -y ' "$LOG"
}

@test "install-deps: missing as root: apt-get update, then install --no-upgrade of the missing only" {
	remove jq swtpm gcc
	want=$(expected_missing jq swtpm gcc)
	for arg in --if-missing ""; do
		: >"$LOG"
		as_uid 0 ${arg:+"$arg"}
		[ "$status" -eq 0 ]
		[ "$(wc -l <"$LOG")" -eq 2 ]
		[[ $(sed -n 1p "$LOG") == "apt-get update"* ]]
		install=$(sed -n 2p "$LOG")
		[[ $install == "apt-get install "* ]]
		grep -q -- ' --no-upgrade ' <<<"$install"
		grep -q -- ' -y ' <<<"$install"
		grep -q 'DEBIAN_FRONTEND=noninteractive' <<<"$install"
		[ "$(packages_of "$install")" = "$want" ]
	done
}

@test "install-deps: a failing apt-get install fails the script" {
	remove jq
	APT_FAIL=1 as_uid 0
	[ "$status" -ne 0 ]
	grep -q '^apt-get install' "$LOG"
}

@test "install-deps --list: every package, one a line, installing nothing" {
	remove jq swtpm
	as_uid 0 --list
	[ "$status" -eq 0 ]
	[ "$output" = "$(cut -d: -f1 "$BATS_TEST_TMPDIR/deps")" ]
	for p in gcc make clang bats jq qemu-system-x86 swtpm libcmocka-dev libssl-dev; do
		grep -qx "$p" <<<"$output"
	done
	[ ! -s "$LOG" ]
}

@test "install-deps: an unknown argument is a usage error (exit 2)" {
	remove jq
	for arg in --bogus --install list; do
		as_uid 0 "$arg"
		[ "$status" -eq 2 ]
		grep -q 'usage' <<<"$output"
	done
	[ ! -s "$LOG" ]
}
