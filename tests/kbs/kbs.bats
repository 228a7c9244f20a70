#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# The SVSM attests to the test KBS through kbs-proxy and receives its vTPM
# state key; every failure case is refused without a crash and without the
# secret. SVSM_SIM and KBS_PROXY are the binaries under test.

load helpers

setup() {
	kbs_setup
}

teardown() {
	kbs_teardown
}

@test "the SVSM attests and receives the resource (SHA-384, Trustee's)" {
	start_kbs
	sim_kbs --url "$KBS_URL"
	[ "$status" -eq 0 ]
	[[ "$output" == *"secret-sha256: $SECRET_SHA"* ]]
	[[ "$output" == *"vtpm-state-key: installed"* ]]
	[[ "$output" == *"vtpm: on"* ]]
	[[ "$output" == *"secret-bytes: 32"* ]]
	[[ "$output" != *"$SECRET_HEX"* ]]
	grep -q "attest: verified" "$KBS_LOG"
	grep -q "resource: released default/vtpm/key" "$KBS_LOG"
}

@test "the released key makes, then reopens the vTPM state; another key is refused" {
	local state=$T/state first
	start_kbs
	run "$SVSM_SIM" --state "$state" -v kbs --measurement-out "$T/allow" \
		--resource default/vtpm/key --url "$KBS_URL"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"vtpm state: $state/vtpm.state: new, empty"* ]]
	[[ "$output" == *"vtpm: on"* ]]
	[ -s "$state/vtpm.state" ]
	# the state is sealed: the secret's bytes are not in it
	python3 -c 'import sys; d = open(sys.argv[1], "rb").read()
sys.exit(open(sys.argv[2], "rb").read() in d)' "$state/vtpm.state" "$T/secret.bin"
	first=$(sha256sum <"$state/vtpm.state")
	# the same KBS key opens it again, without making a new TPM
	run "$SVSM_SIM" --state "$state" -v kbs --measurement-out "$T/allow" \
		--resource default/vtpm/key --url "$KBS_URL"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" != *"new, empty"* ]]
	[[ "$output" == *"vtpm: on"* ]]
	# a KBS that releases another key: refused, the state left as it was
	kill "$KBS_PID"
	wait "$KBS_PID" 2>/dev/null || true
	head -c 32 /dev/urandom >"$T/secret.bin"
	first=$(sha256sum <"$state/vtpm.state")
	rm -f "$T/kbs.port"
	start_kbs
	run "$SVSM_SIM" --state "$state" -v kbs --measurement-out "$T/allow" \
		--resource default/vtpm/key --url "$KBS_URL"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"vtpm state: $state/vtpm.state: refused"* ]]
	[[ "$output" == *"does not open with the released key: the vTPM stays off"* ]]
	[[ "$output" == *"vtpm: off"* ]]
	[ "$(sha256sum <"$state/vtpm.state")" = "$first" ]
}

@test "REPORT_DATA with SHA-512 when the KBS hashes so, refused otherwise" {
	start_kbs --hash sha512
	sim_kbs --url "$KBS_URL" --hash sha512
	[ "$status" -eq 0 ]
	[[ "$output" == *"secret-sha256: $SECRET_SHA"* ]]
	sim_kbs --url "$KBS_URL"
	refused
	grep -q "REPORT_DATA is not the hash of runtime_data" "$KBS_LOG"
}

@test "a running proxy (kbs-proxy --listen) serves svsm-sim kbs --proxy" {
	start_kbs
	"$KBS_PROXY" --url "$KBS_URL" --listen 127.0.0.1:0 --once \
		>"$T/proxy.out" &
	pid=$!
	port=$(for _ in $(seq 100); do
		sed -n 's/.*127.0.0.1:\([0-9]*\)$/\1/p' "$T/proxy.out"
		sleep 0.05
	done | head -n 1)
	sim_kbs --proxy "127.0.0.1:$port"
	wait "$pid"
	[ "$status" -eq 0 ]
	[[ "$output" == *"secret-sha256: $SECRET_SHA"* ]]
}

@test "a measurement not in the allowlist is refused" {
	start_kbs
	DENY=1 sim_kbs --url "$KBS_URL"
	refused
	[[ "$output" == *"the KBS refused the attestation"* ]]
	grep -q "measurement $(cat "$T/other-measurement") not allowed" "$KBS_LOG"
}

@test "a replayed challenge (an old attest body) is refused" {
	start_kbs
	start_evil replay --record "$T/recorded"
	sim_kbs --proxy "$EVIL_ADDR"
	[ "$status" -eq 0 ]
	sim_kbs --proxy "$EVIL_ADDR"
	refused
	grep -q "nonce is not this session's challenge" "$KBS_LOG"
}

@test "a proxy that swaps the challenge nonce is refused" {
	start_kbs
	start_evil swap-nonce
	sim_kbs --proxy "$EVIL_ADDR"
	refused
	grep -q "nonce is not this session's challenge" "$KBS_LOG"
}

@test "a tampered report is refused" {
	start_kbs
	start_evil tamper-evidence
	sim_kbs --proxy "$EVIL_ADDR"
	refused
	grep -q "report signature does not verify" "$KBS_LOG"
}

@test "a proxy altering the runtime_data (tee-pubkey) is refused" {
	start_kbs
	start_evil tamper-runtime
	sim_kbs --proxy "$EVIL_ADDR"
	refused
	grep -q "REPORT_DATA is not the hash of runtime_data" "$KBS_LOG"
}

@test "a proxy altering the resource in flight releases nothing" {
	start_kbs
	start_evil tamper-resource
	sim_kbs --proxy "$EVIL_ADDR"
	refused
	[[ "$output" == *"does not decrypt with the SVSM's key"* ]]
}

@test "a resource for another key, or with a bad tag, releases nothing" {
	start_kbs --mode wrong-key
	sim_kbs --url "$KBS_URL"
	refused
	[[ "$output" == *"does not decrypt"* ]]
	kbs_teardown
	rm -f "$T/kbs.port"
	start_kbs --mode bad-tag
	sim_kbs --url "$KBS_URL"
	refused
	[[ "$output" == *"does not decrypt"* ]]
}

@test "a KBS that answers garbage is a clear error" {
	start_kbs --mode garbage
	sim_kbs --url "$KBS_URL"
	refused
	[[ "$output" == *"the KBS sent a malformed response"* ]]
}

@test "a KBS that hangs times out in the proxy" {
	start_kbs --mode hang
	sim_kbs --url "$KBS_URL" --timeout 1
	refused
	[[ "$output" == *"unreachable or timed out"* ]]
}

@test "a proxy that hangs times out in the SVSM" {
	start_kbs
	start_evil hang
	sim_kbs --proxy "$EVIL_ADDR" --timeout 1
	refused
	[[ "$output" == *"unreachable or timed out"* ]]
}

@test "a KBS that is down, a missing resource, a bad path" {
	sim_kbs --url http://127.0.0.1:1
	refused
	[[ "$output" == *"unreachable or timed out"* ]]
	start_kbs
	RESOURCE=default/vtpm/other sim_kbs --url "$KBS_URL"
	refused
	grep -q "attest: verified" "$KBS_LOG"
	[[ "$output" == *"refused the resource"* ]]
	RESOURCE=default/../key sim_kbs --url "$KBS_URL"
	refused
	[[ "$output" == *"bad KBS configuration"* ]]
	run "$SVSM_SIM" kbs --url "$KBS_URL"
	[ "$status" -eq 2 ]
}

@test "the proxy refuses paths outside /kbs/v0 and oversized frames" {
	start_kbs
	python3 - "$KBS_PROXY" "$KBS_URL" <<'PY'
import socket, struct, subprocess, sys
a, b = socket.socketpair()
p = subprocess.Popen([sys.argv[1], "--url", sys.argv[2], "--fd",
                      str(b.fileno()), "--idle", "2"], pass_fds=[b.fileno()])
b.close()
def frame(method, path, body=b""):
    pl = bytes([1, method]) + struct.pack("<H", len(path)) + path + body
    return struct.pack("<I", len(pl)) + pl
a.sendall(frame(2, b"/kbs/v0/auth", b'{"version":"0.4.0","tee":"snp","extra-params":""}'))
n = struct.unpack("<I", a.recv(4))[0]
resp = b""
while len(resp) < n:
    resp += a.recv(n - len(resp))
assert struct.unpack("<H", resp[2:4])[0] == 200, resp
a.sendall(frame(1, b"/admin/x"))
assert a.recv(4) == b"", "the proxy forwarded a path outside /kbs/v0/"
p.wait(timeout=5)
a2, b2 = socket.socketpair()
p = subprocess.Popen([sys.argv[1], "--url", sys.argv[2], "--fd",
                      str(b2.fileno()), "--idle", "2"], pass_fds=[b2.fileno()])
b2.close()
a2.sendall(struct.pack("<I", 1 << 30))
assert a2.recv(4) == b"", "the proxy accepted an oversized frame"
p.wait(timeout=5)
PY
}
