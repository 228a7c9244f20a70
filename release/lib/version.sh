# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# The one place that turns a version (release/VERSION) into every string a
# release uses: tag, commit subject and body, tag message, notes title,
# milestone, tarball name. Nothing else in the tooling builds these strings.
#
# Format (see docs/RELEASE-PROCESS.md):
#   YYYY.MM-devel   monthly development release       2026.11-devel
#   YYYY.MM-rcN     release candidate N of a stable   2026.11-rc2
#   YYYY.MM         stable release                    2026.11
#   YYYY.MM.N       stable update N (N >= 1)          2026.11.3

# version_valid V: true when V follows the format above.
version_valid() {
	printf '%s\n' "$1" | grep -Eqx \
		'[0-9]{4}\.(0[1-9]|1[0-2])(-devel|-rc[1-9][0-9]*|\.[1-9][0-9]*)?'
}

# version_parse V: sets V_VERSION V_YEAR V_MONTH V_SERIES V_TYPE (devel, rc,
# stable) and V_NUM (rc number or stable update, 0 for none). Dies when V is
# malformed.
version_parse() {
	version_valid "$1" ||
		die "malformed version '$1' (expected YYYY.MM-devel, YYYY.MM-rcN, YYYY.MM or YYYY.MM.N)" 2
	V_VERSION=$1
	V_YEAR=${1%%.*}
	_rest=${1#*.}
	V_MONTH=$(printf '%s' "$_rest" | cut -c1-2)
	V_SERIES=$V_YEAR.$V_MONTH
	case $1 in
	*-devel)
		V_TYPE=devel
		V_NUM=0
		;;
	*-rc*)
		V_TYPE=rc
		V_NUM=${1##*-rc}
		;;
	"$V_SERIES")
		V_TYPE=stable
		V_NUM=0
		;;
	*)
		V_TYPE=stable
		V_NUM=${1##*.}
		;;
	esac
}

# version_next_devel V: the development version of the month after V.
version_next_devel() {
	version_parse "$1"
	_y=$V_YEAR
	_m=$((${V_MONTH#0} + 1))
	if [ "$_m" -gt 12 ]; then
		_m=1
		_y=$((_y + 1))
	fi
	printf '%04d.%02d-devel\n' "$_y" "$_m"
}

# version_init: read the configuration version_field needs (name, tarball
# base, release weekday) once; call it after setting CONFIG_FILE.
version_init() {
	VF_NAME=$(cfg_get name SVSM)
	VF_BASE=$(cfg_get tarball_base svsm)
	VF_WD=$(weekday_number "$(cfg_get release_weekday tue)") ||
		die "release_weekday in $CONFIG_FILE is not a weekday name"
}

# version_field V FIELD: print one derived string. `version_fields` lists them.
version_field() {
	version_parse "$1"
	[ -n "${VF_WD-}" ] || version_init
	_name=$VF_NAME
	_base=$VF_BASE
	_wd=$VF_WD
	_mon=$(month_name "${V_MONTH#0}")
	case $V_TYPE in
	devel) _kind="Development release for $_mon $V_YEAR." ;;
	rc) _kind="Release candidate $V_NUM of the $V_SERIES stable release." ;;
	stable)
		if [ "$V_NUM" = 0 ]; then
			_kind="Stable release $V_SERIES."
		else
			_kind="Stable update $V_NUM of the $V_SERIES release."
		fi
		;;
	esac
	case $2 in
	version) echo "$V_VERSION" ;;
	tag) echo "v$V_VERSION" ;;
	series) echo "$V_SERIES" ;;
	year) echo "$V_YEAR" ;;
	month) echo "$V_MONTH" ;;
	type) echo "$V_TYPE" ;;
	number) echo "$V_NUM" ;;
	subject) echo "release: $_name $V_VERSION" ;;
	body) echo "$_kind" ;;
	tag-message) echo "$_name Release $V_VERSION" ;;
	notes-title) echo "$_name $V_VERSION" ;;
	notes-file) echo "release/notes/$V_VERSION.md" ;;
	milestone) echo "$V_VERSION" ;;
	prefix) echo "$_base-$V_VERSION/" ;;
	tarball) echo "$_base-$V_VERSION.tar.gz" ;;
	next) version_next_devel "$V_VERSION" ;;
	planned) last_weekday "$V_YEAR" "${V_MONTH#0}" "$_wd" ;;
	planned-rule) echo "last $(weekday_name "$_wd") of $_mon $V_YEAR" ;;
	c-define) printf '#define SVSM_VERSION "%s"\n' "$V_VERSION" ;;
	*) return 1 ;;
	esac
}

version_fields() {
	echo version tag series year month type number subject body tag-message \
		notes-title notes-file milestone prefix tarball next planned \
		planned-rule c-define
}
