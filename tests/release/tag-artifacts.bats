#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# `tag` and `artifacts`: annotated and signed tags, reproducible tarballs,
# images, SHA256SUMS and detached signatures; version strings consistent
# from VERSION through commit, tag, notes and tarball.

load helpers

# prepared_repo: a scratch repo with the 2026.11-devel release commit.
prepared_repo() {
	make_repo
	start_server milestone-clear common
	svsm_release prepare 2026.11-devel >/dev/null
}

# make_key: a throw-away GPG key in a short GNUPGHOME.
make_key() {
	GNUPGHOME=$(mktemp -d /tmp/svsm-release-gpg.XXXXXX)
	export GNUPGHOME
	gpg --batch --quiet --passphrase '' --quick-gen-key \
		'Release Tester <release@example.org>' ed25519 sign never 2>/dev/null
	KEY=$(gpg --list-keys --with-colons | awk -F: '/^fp/ { print $10; exit }')
}

teardown() {
	stop_server
	if [ -n "${GNUPGHOME-}" ]; then
		gpgconf --kill gpg-agent 2>/dev/null || true
		rm -rf "$GNUPGHOME"
	fi
}

@test "tag: annotated tag with the derived message, not pushed" {
	prepared_repo
	run svsm_release tag 2026.11-devel
	[ "$status" -eq 0 ]
	grep -q 'not pushed' <<<"$output"
	[ "$(git cat-file -t v2026.11-devel)" = tag ]
	[ "$(git rev-parse 'v2026.11-devel^{commit}')" = "$(git rev-parse HEAD)" ]
	[ "$(git tag -l --format='%(contents:subject)' v2026.11-devel)" = "SVSM Release 2026.11-devel" ]
	# Idempotent: a second run finds the tag at HEAD.
	run svsm_release tag 2026.11-devel
	[ "$status" -eq 0 ]
	grep -q 'already exists at HEAD' <<<"$output"
}

@test "tag: refuses when HEAD is not the release commit" {
	make_repo
	run svsm_release tag 2026.11-devel
	[ "$status" -eq 1 ]
	grep -q "run 'svsm-release prepare 2026.11-devel' first" <<<"$output"
	! git rev-parse -q --verify refs/tags/v2026.11-devel || false
}

@test "tag: signed and verified when a key is configured" {
	prepared_repo
	make_key
	git config user.signingkey "$KEY"
	run svsm_release tag 2026.11-devel
	[ "$status" -eq 0 ]
	grep -q 'good signature' <<<"$output"
	git tag -v v2026.11-devel
}

@test "tag: --push pushes the tag only; --dry-run prints the commands" {
	prepared_repo
	git init -q --bare "$BATS_TEST_TMPDIR/remote.git"
	git remote add origin "$BATS_TEST_TMPDIR/remote.git"
	run svsm_release --dry-run --push tag 2026.11-devel
	[ "$status" -eq 0 ]
	grep -q '^dry-run: git tag -a -F .* v2026.11-devel$' <<<"$output"
	grep -q '^dry-run: git push origin refs/tags/v2026.11-devel$' <<<"$output"
	! git rev-parse -q --verify refs/tags/v2026.11-devel || false
	run svsm_release tag --push 2026.11-devel
	[ "$status" -eq 0 ]
	[ "$(git --git-dir="$BATS_TEST_TMPDIR/remote.git" for-each-ref --format='%(refname)')" = \
		refs/tags/v2026.11-devel ]
}

@test "artifacts: the tarball is byte-identical when built twice" {
	prepared_repo
	svsm_release tag 2026.11-devel >/dev/null
	run svsm_release artifacts 2026.11-devel --output "$BATS_TEST_TMPDIR/a"
	[ "$status" -eq 0 ]
	sleep 1
	touch README.md
	svsm_release artifacts 2026.11-devel --output "$BATS_TEST_TMPDIR/b"
	cmp "$BATS_TEST_TMPDIR/a/svsm-2026.11-devel.tar.gz" "$BATS_TEST_TMPDIR/b/svsm-2026.11-devel.tar.gz"
	cmp "$BATS_TEST_TMPDIR/a/SHA256SUMS" "$BATS_TEST_TMPDIR/b/SHA256SUMS"
	# Fixed mtime (the commit's), fixed owner, prefix, and the commit id.
	tar -tvzf "$BATS_TEST_TMPDIR/a/svsm-2026.11-devel.tar.gz" >"$BATS_TEST_TMPDIR/list"
	! grep -v ' root/root ' "$BATS_TEST_TMPDIR/list" || false
	! grep -v ' svsm-2026.11-devel/' "$BATS_TEST_TMPDIR/list" || false
	when=$(TZ=UTC0 git log -1 --format=%cd --date=format-local:'%Y-%m-%d %H:%M' v2026.11-devel)
	! TZ=UTC0 tar -tvzf "$BATS_TEST_TMPDIR/a/svsm-2026.11-devel.tar.gz" | grep -v " ${when} " || false
	[ "$(gzip -dc "$BATS_TEST_TMPDIR/a/svsm-2026.11-devel.tar.gz" | git get-tar-commit-id)" = \
		"$(git rev-parse 'v2026.11-devel^{commit}')" ]
	(cd "$BATS_TEST_TMPDIR/a" && sha256sum -c SHA256SUMS)
}

@test "artifacts: default output honours O= and images come from --images" {
	prepared_repo
	svsm_release tag 2026.11-devel >/dev/null
	mkdir -p "$BATS_TEST_TMPDIR/img/kernel"
	echo elf >"$BATS_TEST_TMPDIR/img/kernel/svsm.elf"
	O=$BATS_TEST_TMPDIR/out run svsm_release artifacts 2026.11-devel --images "$BATS_TEST_TMPDIR/img"
	[ "$status" -eq 0 ]
	out=$BATS_TEST_TMPDIR/out/release/2026.11-devel
	[ -f "$out/svsm.elf" ]
	[ "$(cut -d' ' -f3 "$out/SHA256SUMS" | tr '\n' ' ')" = "svsm-2026.11-devel.tar.gz svsm.elf " ]
	(cd "$out" && sha256sum -c SHA256SUMS)
	# An --images directory without any image is an error.
	run svsm_release artifacts 2026.11-devel --images "$BATS_TEST_TMPDIR" --output "$BATS_TEST_TMPDIR/x"
	[ "$status" -eq 1 ]
	grep -q 'no kernel image' <<<"$output"
}

@test "artifacts: detached signatures verify with gpg --verify" {
	prepared_repo
	make_key
	git config user.signingkey "$KEY"
	svsm_release tag 2026.11-devel >/dev/null
	run svsm_release artifacts 2026.11-devel --output "$BATS_TEST_TMPDIR/s"
	[ "$status" -eq 0 ]
	gpg --verify "$BATS_TEST_TMPDIR/s/SHA256SUMS.asc" "$BATS_TEST_TMPDIR/s/SHA256SUMS"
	gpg --verify "$BATS_TEST_TMPDIR/s/svsm-2026.11-devel.tar.gz.asc" \
		"$BATS_TEST_TMPDIR/s/svsm-2026.11-devel.tar.gz"
	echo tampered >>"$BATS_TEST_TMPDIR/s/SHA256SUMS"
	! gpg --verify "$BATS_TEST_TMPDIR/s/SHA256SUMS.asc" "$BATS_TEST_TMPDIR/s/SHA256SUMS" || false
}

@test "artifacts: refuses an untagged version; --dry-run writes nothing" {
	prepared_repo
	run svsm_release artifacts 2026.11-devel --output "$BATS_TEST_TMPDIR/n"
	[ "$status" -eq 1 ]
	grep -q "run 'svsm-release tag 2026.11-devel' first" <<<"$output"
	svsm_release tag 2026.11-devel >/dev/null
	run svsm_release --dry-run artifacts 2026.11-devel --output "$BATS_TEST_TMPDIR/n"
	[ "$status" -eq 0 ]
	grep -q '^dry-run: git -c tar.umask=0022 archive' <<<"$output"
	[ ! -e "$BATS_TEST_TMPDIR/n" ]
}

@test "version strings: VERSION, commit, tag, notes and tarball agree" {
	prepared_repo
	svsm_release tag 2026.11-devel >/dev/null
	svsm_release artifacts 2026.11-devel --output "$BATS_TEST_TMPDIR/v" >/dev/null
	v=$(cat release/VERSION)
	[ "$v" = 2026.11-devel ]
	field() { "$VERSION_TOOL" -v "$v" "$1"; }
	[ "$(git log -1 --format=%s)" = "$(field subject)" ]
	git rev-parse -q --verify "refs/tags/$(field tag)"
	[ "$(git tag -l --format='%(contents:subject)' "$(field tag)")" = "$(field tag-message)" ]
	[ "$(head -n 1 "$(field notes-file)")" = "# $(field notes-title)" ]
	[ -f "$BATS_TEST_TMPDIR/v/$(field tarball)" ]
	tar -tzf "$BATS_TEST_TMPDIR/v/$(field tarball)" | grep -qx "$(field prefix)release/VERSION"
	[ "$(tar -xzOf "$BATS_TEST_TMPDIR/v/$(field tarball)" "$(field prefix)release/VERSION")" = "$v" ]
}
