# TAP helpers for landstrip's integration tests.  Source this file from a
# test script; it sets up an isolated HOME and project and counts results.
#
#   $LS    the shim under test (landstrip-exec)
#   $TRY   tests/helpers/try: one syscall per call, prints "ok" or the errno
#   $T     a fresh temporary directory for this script (removed at exit)
#   $HOME  $T/home; the current directory is $T/proj
#
# check DESC STATUS CMD...   run CMD, pass when its exit status is STATUS;
#                            stdout/stderr are kept in $T/out and $T/err.
# check_out DESC REGEX       pass when the last stdout matches REGEX (grep -E)
# check_err DESC REGEX       likewise for the last stderr
# write_config               read INI text from stdin into $T/cfg/config.ini
#                            and point LANDSTRIP_CONFIG at it
set -u
: "${LS:?LS must name landstrip-exec}"
: "${TRY:?TRY must name the try helper}"
T=$(mktemp -d "${TMPDIR:-/tmp}/landstrip-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
export HOME="$T/home"
unset XDG_CONFIG_HOME LANDSTRIP_CONFIG LANDSTRIP_DEBUG
mkdir -p "$HOME" "$T/proj" "$T/outside" "$T/cfg"
cd "$T/proj" || exit 1
_tap_n=0
_tap_fail=0
_tap_skip=0

_tap_result() { # ok|not ok, desc
	_tap_n=$((_tap_n + 1))
	echo "$1 $_tap_n - $2"
	if [ "$1" = "not ok" ]; then
		_tap_fail=$((_tap_fail + 1))
		sed 's/^/#   stdout: /' "$T/out" 2>/dev/null | head -5
		sed 's/^/#   stderr: /' "$T/err" 2>/dev/null | head -5
	fi
}

check() {
	local desc=$1 want=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err" </dev/null
	local got=$?
	if [ "$got" = "$want" ]; then
		_tap_result ok "$desc"
	else
		echo "#   expected status $want, got $got: $*"
		_tap_result "not ok" "$desc"
	fi
}

check_out() {
	if grep -Eq -- "$2" "$T/out"; then _tap_result ok "$1"
	else echo "#   stdout does not match: $2"; _tap_result "not ok" "$1"; fi
}

check_err() {
	if grep -Eq -- "$2" "$T/err"; then _tap_result ok "$1"
	else echo "#   stderr does not match: $2"; _tap_result "not ok" "$1"; fi
}

skip() {
	_tap_n=$((_tap_n + 1))
	_tap_skip=$((_tap_skip + 1))
	echo "ok $_tap_n - $1 # SKIP $2"
}

# refused_via DESC ERRNO RUNNER... ::: ARG...: `$TRY ARG...` is refused
# with ERRNO when run as `RUNNER... $TRY ARG...`.  Unconfined it must
# succeed, or (when this machine or this user cannot do it at all) fail
# with another errno, so that ERRNO inside is the sandbox's answer and not
# the kernel's.  Without such a baseline the check could not fail, and is
# skipped.
refused_via() {
	local desc=$1 errno=$2 runner=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != ":::" ]; do runner+=("$1"); shift; done
	shift
	"$TRY" "$@" >"$T/out" 2>"$T/err" </dev/null
	local rc=$? got
	got=$(head -n 1 "$T/out")
	if [ "$rc" = 0 ]; then
		_tap_result ok "baseline: $desc works unconfined"
	elif [ "$rc" = 1 ] && [ "$got" != "$errno" ]; then
		_tap_result ok "baseline: $desc fails unconfined only with $got"
	else
		skip "$desc refused with $errno" "unconfined it already fails with '$got'"
		return
	fi
	check "$desc: refused inside" 1 "${runner[@]}" "$TRY" "$@"
	check_out "$desc: refused with $errno" "^$errno\$"
}

# kernel_answer DESC WANT GOT: pass when GOT, the first line the sandboxed
# call printed, is WANT, what the kernel answered unconfined.
kernel_answer() {
	if [ -n "$2" ] && [ "$3" = "$2" ]; then
		_tap_result ok "$1: '$3' as unconfined"
	else
		echo "#   unconfined: '$2', inside: '$3'"
		_tap_result "not ok" "$1: the kernel's answer"
	fi
}

write_config() {
	cat >"$T/cfg/config.ini"
	export LANDSTRIP_CONFIG="$T/cfg/config.ini"
}

# Called by the runner through the EXIT path of each script.
_tap_done() {
	echo "1..$_tap_n"
	echo "$((_tap_n - _tap_fail - _tap_skip)) $_tap_fail $_tap_skip" >"${TAP_RESULTS:-/dev/null}"
	rm -rf "$T"
}
trap _tap_done EXIT
