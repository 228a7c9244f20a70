#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# Checks of the kernel's QEMU runs: `make run-native` shows the banner with every
# CPU online and quits cleanly, and every failure path of the test kernel
# (a failing test, a panic, a fatal exception, a hang) makes the run fail.
#
# Environment (set by `make check-kernel`): SRCDIR, BUILD, KERNEL_ELF,
# KERNEL_TEST_ELF. These checks are about behaviour, not speed: they use
# TCG unless SVSM_ACCEL says otherwise.

setup() {
	: "${SRCDIR:?}" "${BUILD:?}" "${KERNEL_ELF:?}" "${KERNEL_TEST_ELF:?}"
	QEMU_SH="$SRCDIR/svsm/kernel/qemu.sh"
	export SVSM_ACCEL="${SVSM_ACCEL:-tcg}"
}

@test "make run-native boots, prints the banner with all 4 CPUs online, quits with 0" {
	run make --no-print-directory -C "$SRCDIR" O="$BUILD" run-native \
		SMP=4 KERNEL_APPEND=poweroff </dev/null
	[ "$status" -eq 0 ]
	version=$(cat "$SRCDIR/release/VERSION")
	[[ "$output" == *"SVSM $version, platform native"* ]]
	[[ "$output" == *"CPUs: 4 of 4 online"* ]]
	[[ "$output" == *"memory: 255 MiB RAM"* ]]
	[[ "$output" == *"CPU 3 (APIC ID 3) online"* ]]
	[[ "$output" == *"svsm: ready"* ]]
}

@test "the banner reports the vTPM started, with its start time" {
	run make --no-print-directory -C "$SRCDIR" O="$BUILD" run-native \
		SMP=2 KERNEL_APPEND=poweroff </dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"vtpm: started in "*" ms (TPM 2.0, EKs made)"* ]]
	[[ "$output" == *"vTPM: available"* ]]
	[[ "$output" != *"vTPM: not available"* ]]
}

@test "without RDRAND the vTPM stays off and the boot still completes" {
	run env SVSM_ACCEL=tcg SVSM_QEMU_CPU=qemu64 "$QEMU_SH" --smp 2 \
		--append poweroff "$KERNEL_ELF" </dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"vtpm: no RDRAND, so no entropy for libcrypto: vTPM off"* ]]
	[[ "$output" == *"vTPM: not available"* ]]
	[[ "$output" == *"svsm: ready"* ]]
}

@test "make run-native on a terminal quits cleanly with Ctrl-A X" {
	run "$SRCDIR/tests/kernel/pty-quit.py" "svsm: ready" 60 \
		make --no-print-directory -C "$SRCDIR" O="$BUILD" run-native SMP=2
	[ "$status" -eq 0 ]
	[[ "$output" == *"CPUs: 2 of 2 online"* ]]
	[[ "$output" == *"QEMU: Terminated"* ]]
}

@test "the kernel boots on a single CPU" {
	run "$QEMU_SH" --smp 1 --timeout 60 --append poweroff "$KERNEL_ELF"
	[ "$status" -eq 0 ]
	[[ "$output" == *"CPUs: 1 of 1 online"* ]]
}

@test "the test kernel passes with 2 vCPUs as well" {
	run "$QEMU_SH" --test --smp 2 --timeout 100 "$KERNEL_TEST_ELF"
	[ "$status" -eq 0 ]
	[[ "$output" == *"ktest: smp_all_cpus_online ok"* ]]
	[[ "$output" == *"2 CPUs online"* ]]
	[[ "$output" == *"ktest: SUCCESS"* ]]
}

@test "a failing in-kernel test makes the run fail (ktest.fail)" {
	run "$QEMU_SH" --test --smp 4 --timeout 100 \
		--append "ktest.fail" "$KERNEL_TEST_ELF"
	[ "$status" -ne 0 ]
	[[ "$output" == *"deliberate_failure FAILED"* ]]
	[[ "$output" == *"1 failed"* ]]
	[[ "$output" == *"ktest: FAILURE"* ]]
}

@test "make test-in-svsm fails when a kernel test fails" {
	run make --no-print-directory -C "$SRCDIR" O="$BUILD" test-in-svsm \
		KERNEL_APPEND="ktest.fail ktest.only=string_functions"
	[ "$status" -ne 0 ]
	[[ "$output" == *"deliberate_failure FAILED"* ]]
}

@test "a panic wipes the secrets, reports and fails the run (ktest.panic)" {
	run "$QEMU_SH" --test --smp 4 --timeout 60 \
		--append "ktest.panic" "$KERNEL_TEST_ELF"
	[ "$status" -ne 0 ]
	[[ "$output" == *"PANIC: ktest.panic: deliberate panic"* ]]
	[[ "$output" == *"secrets wiped: 1 region(s)"* ]]
	[[ "$output" != *"not-a-real-key"* ]]
}

@test "a fatal exception prints registers and a backtrace (ktest.crash)" {
	run "$QEMU_SH" --test --smp 4 --timeout 60 \
		--append "ktest.crash" "$KERNEL_TEST_ELF"
	[ "$status" -ne 0 ]
	[[ "$output" == *"exception 6 (#UD invalid opcode) on CPU 0"* ]]
	[[ "$output" == *"RIP ffffffff8"* ]]
	[[ "$output" == *"RAX "*"R15 "* ]]
	[[ "$output" == *"backtrace:"* ]]
	[[ "$output" == *"ktest_task+0x"* ]]
	[[ "$output" == *"PANIC: unhandled exception 6"* ]]
}

@test "a stack overflow hits the guard page and reports #DF (ktest.overflow)" {
	run "$QEMU_SH" --test --smp 2 --timeout 60 \
		--append "ktest.overflow" "$KERNEL_TEST_ELF"
	[ "$status" -ne 0 ]
	[[ "$output" == *"exception 8 (#DF double fault) on CPU 0"* ]]
	[[ "$output" == *"recurse+0x"* ]]
	[[ "$output" == *"PANIC: unhandled exception 8"* ]]
}

@test "a hang is a failure after the timeout" {
	# The normal kernel idles forever without `poweroff`.
	run "$QEMU_SH" --test --smp 1 --timeout 3 "$KERNEL_ELF"
	[ "$status" -eq 124 ]
	[[ "$output" == *"timed out"* ]]
}

@test "loglevel=4 shows the memory map and the command line" {
	run "$QEMU_SH" --smp 1 --timeout 60 --append "loglevel=4 poweroff" \
		"$KERNEL_ELF"
	[ "$status" -eq 0 ]
	[[ "$output" == *"command line: 'loglevel=4 poweroff'"* ]]
	[[ "$output" == *"memory 0000000000100000-"*" type 1"* ]]
}

@test "the image is a PVH ELF linked in the upper half with W^X segments" {
	run readelf -lnW "$KERNEL_ELF"
	[ "$status" -eq 0 ]
	# XEN_ELFNOTE_PHYS32_ENTRY (18) in a "Xen" note.
	[[ "$output" == *"Xen"*"0x00000008"*"Unknown note type: (0x00000012)"* ]]
	load=$(readelf -lW "$KERNEL_ELF" | awk '$1 == "LOAD"')
	[ "$(echo "$load" | wc -l)" -eq 3 ]
	# Every segment is linked at 0xffffffff8..., none is writable and executable.
	[ "$(echo "$load" | awk '$3 !~ /^0xffffffff8/' | wc -l)" -eq 0 ]
	[ "$(echo "$load" | awk '/RWE/' | wc -l)" -eq 0 ]
	echo "$load" | grep -q ' R E '
	echo "$load" | grep -q ' RW '
}

@test "the image names its SNP entry in an SVSM note, loaded at 128 MiB" {
	run readelf -nW "$KERNEL_ELF"
	[ "$status" -eq 0 ]
	# Name "SVSM", type 1, 8-byte descriptor = physical address of snp_start.
	note=$(echo "$output" | grep -A1 '^ *SVSM ')
	[[ "$note" == *"0x00000008"* ]]
	entry=$(nm "$KERNEL_ELF" | awk '$3 == "snp_start" { print $1 }')
	[ -n "$entry" ]
	pa=$((0x$entry - 0xffffffff80000000))
	bytes=""
	for i in 0 1 2 3 4 5 6 7; do
		bytes="$bytes $(printf '%02x' $(((pa >> (8 * i)) & 0xff)))"
	done
	[[ "$note" == *"description data:$bytes"* ]]
	# Every PT_LOAD is at physical 128 MiB or above.
	for p in $(readelf -lW "$KERNEL_ELF" | awk '$1 == "LOAD" { print $4 }'); do
		[ $((p)) -ge $((0x8000000)) ]
	done
}

@test "gen-ksyms.sh makes an empty table and one per text symbol" {
	gen="$SRCDIR/svsm/kernel/gen-ksyms.sh"
	run "$gen"
	[ "$status" -eq 0 ]
	[[ "$output" == *"ksyms_count:"*".quad 0"* ]]
	run "$gen" "$KERNEL_ELF"
	[ "$status" -eq 0 ]
	want=$(nm -n --defined-only "$KERNEL_ELF" | awk '$2 ~ /^[tT]$/ && $3 !~ /^\./' | wc -l)
	[[ "$output" == *"ksyms_count:"*".quad $want"* ]]
	[[ "$output" == *'.asciz "kernel_main"'* ]]
}

@test "bench-kernel prints size and boot-time ratios against the floor" {
	floor="$BUILD/bench/floor.elf"
	make --no-print-directory -C "$SRCDIR" O="$BUILD" "$floor" >/dev/null
	run "$SRCDIR/tests/kernel/bench-kernel.sh" "$KERNEL_ELF" "$floor" 1
	[ "$status" -eq 0 ]
	[[ "$output" == *"image size ratio (kernel/floor): file "*", loaded "* ]]
	[[ "$output" =~ boot\ time\ ratio\ \(kernel/floor\):\ [0-9]+\.[0-9][0-9] ]]
}

@test "qemu.sh rejects a missing image and bad options" {
	run "$QEMU_SH" "$BUILD/does-not-exist.elf"
	[ "$status" -eq 2 ]
	run "$QEMU_SH" --bogus "$KERNEL_ELF"
	[ "$status" -eq 2 ]
	run env SVSM_ACCEL=hvf "$QEMU_SH" "$KERNEL_ELF"
	[ "$status" -eq 2 ]
}
