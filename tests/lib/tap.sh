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
# pass DESC CMD...           pass when CMD (a check of the script's own) succeeds
# write_config               read INI text from stdin into $T/cfg/config.ini
#                            and point LANDSTRIP_CONFIG at it
# skip DESC REASON           record DESC as not tested, and why
# await_debug_line           wait for the supervisor's --debug closing line
# needs..., needs_tool, needs_abi, needs_i386...: probe what this machine
#                            lacks and skip instead (see below)
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

# pass DESC CMD...: a result the script computes itself (a test, not a
# sandboxed call): pass when CMD succeeds.
pass() {
	local desc=$1
	shift
	if "$@"; then _tap_result ok "$desc"; else _tap_result "not ok" "$desc"; fi
}

skip() {
	_tap_n=$((_tap_n + 1))
	_tap_skip=$((_tap_skip + 1))
	echo "ok $_tap_n - $1 # SKIP $2"
	# The runner lists every skip with its reason at the end.
	echo "$1: $2" >>"${TAP_SKIPS:-/dev/null}"
}

# ---- what this machine lacks ------------------------------------------------
# Some baselines rest on a feature the machine may not have (IA32
# emulation, io_uring, ptrace rights, a Landlock ABI, a program).  Such a
# group of checks first probes the feature unconfined and, when it is
# absent, records one skip with the reason instead of failing.  Only the
# unconfined probe decides, never a sandboxed run, and only the feature's
# known absence skips: any other answer runs the checks, whose baselines
# then fail and show it.  Where the feature is present the checks run
# exactly as on any machine.
#
# needs DESC ABSENT REASON CMD...: run CMD unconfined.  When it fails and
#   what it said (its first line of output, else "killed SIGxxx" for a
#   death by signal) matches ABSENT (grep -E), skip DESC with REASON and
#   return 1; otherwise return 0.  $probe_rc and $probe_said are kept.
# needs_tool DESC PROGRAM...: skip DESC and return 1 unless every PROGRAM
#   is on PATH.
# needs_abi DESC N WHAT: skip DESC and return 1 when the kernel's Landlock
#   ABI is below N, the ABI that brought WHAT.
needs() {
	local desc=$1 absent=$2 reason=$3
	shift 3
	# A group, so that bash's own "Segmentation fault" line goes to the
	# file and not to the runner's terminal.
	{ "$@"; } >"$T/probe.out" 2>"$T/probe.err" </dev/null
	probe_rc=$?
	probe_said=$(head -n 1 "$T/probe.out")
	if [ -z "$probe_said" ] && [ "$probe_rc" -gt 128 ]; then
		probe_said="killed SIG$(kill -l $((probe_rc - 128)))"
	fi
	[ "$probe_rc" != 0 ] && grep -Eq -- "$absent" <<<"$probe_said" || return 0
	skip "$desc" "$reason (unconfined, '${1##*/}${2:+ $2}' says '$probe_said')"
	return 1
}

needs_tool() {
	local desc=$1 p
	shift
	for p; do
		command -v "$p" >/dev/null 2>&1 && continue
		skip "$desc" "$p is not installed"
		return 1
	done
}

needs_abi() {
	local abi
	abi=$("$TRY" landlock-abi 2>/dev/null)
	# No number (no Landlock at all) is not a lower ABI: run, and fail.
	case $abi in '' | *[!0-9]*) return 0 ;; esac
	[ "$abi" -ge "$2" ] && return 0
	skip "$1" "this needs Landlock ABI $2 ($3); the kernel has ABI $abi"
	return 1
}

# await_debug_line: wait (up to 5 s) for the supervisor's --debug closing
# line in $T/err.  The supervisor writes it when the sandbox ends, which
# is after the tool's exit, and later still when a nested sandbox's
# witness (polling each tenth of a second) must go first.
await_debug_line() {
	local i
	for i in $(seq 100); do
		grep -q 'debug: .* file-system calls trapped' "$T/err" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# Probes shared by several scripts.
# needs_i386 DESC: int 0x80 works unconfined.  Where IA32 emulation is
# compiled out, or off at run time (ia32_emulation=0), the kernel answers
# int 0x80 with SIGSEGV, and the checks that the filter kills it with
# SIGSYS cannot be made.
needs_i386() {
	needs "$1" '^killed SIGSEGV$' \
		"IA32 emulation is off on this kernel" \
		"$TRY" i386
}
# needs_x32 DESC: an x32 syscall is answered unconfined (ENOSYS where the
# kernel has no x32 is an answer).  Killed there, the runner itself is
# under a filter, and a kill inside would prove nothing.
needs_x32() {
	needs "$1" '^killed ' \
		"x32 syscalls are fatal outside the sandbox: this runner is already confined" \
		"$TRY" x32
}
# needs_io_uring DESC: a ring can be made unconfined.  The kernel may be
# built without io_uring (ENOSYS), or kernel.io_uring_disabled forbid it
# (EPERM; at 1 only for users outside io_uring_group without
# CAP_SYS_ADMIN).
needs_io_uring() {
	local why v
	v=$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null)
	case $v in
	'') why="this kernel is built without io_uring" ;;
	0) why="io_uring_setup is refused outside the sandbox: this runner is already confined" ;;
	*) why="io_uring is disabled on this machine (kernel.io_uring_disabled = $v)" ;;
	esac
	needs "$1" '^(ENOSYS|EPERM)$' "$why" "$TRY" io-uring
}

# needs_per_tool DESC: a per-tool supervisor can reach its tool here.  It
# is not the tool's ancestor, yet takes the tool's fds (pidfd_getfd): where
# this user may not do that to a process it did not start (Yama
# ptrace_scope 1, or 2 without CAP_SYS_PTRACE, or 3), every mediated policy
# is refused, the default one included, and only session mode works.  The
# probe does just that: try takes an fd of a sleep it did not start.
needs_per_tool() {
	needs "$1" '^EPERM$' \
		"per-tool supervisors cannot take their tool's fds: $(ptrace_why)" \
		take_a_siblings_fd
}
take_a_siblings_fd() {
	local pid rc
	# Started by a throwaway sh, not by this shell: a child of this shell
	# killed before its exec would run the EXIT trap, and remove $T.
	pid=$(sh -c 'sleep 30 </dev/null >/dev/null 2>&1 & echo $!')
	"$TRY" pidfd-getfd "$pid" 1
	rc=$?
	kill "$pid" 2>/dev/null
	return "$rc"
}

# ptrace_why: why this user may not attach to a process, for a skip's
# reason.
ptrace_why() {
	local scope
	scope=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null)
	if [ -n "$scope" ]; then
		echo "Yama ptrace_scope is $scope here"
	else
		echo "ptrace is refused here (not by Yama: another security module?)"
	fi
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
