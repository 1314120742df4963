#!/bin/bash
# The skips themselves (tests/lib/tap.sh, "what this machine lacks"): a
# group of checks is skipped only when its unconfined probe shows the
# feature absent, and runs otherwise, failure included.  This machine
# cannot be made to lack IA32 emulation or ptrace rights, so fake `try`s
# pretend it does: each answers one subcommand itself and hands the rest to
# the real one.
here="$(cd "$(dirname "$0")" && pwd)"
lib="$here/../lib/tap.sh"
. "$lib"

# fake NAME SUBCOMMAND SH...: $T/NAME/try runs the shell code SH for
# SUBCOMMAND (any number of pairs), the real try for anything else.
fake() {
	local name=$1
	shift
	mkdir -p "$T/$name"
	{
		echo '#!/bin/sh'
		echo 'case $1 in'
		while [ $# -ge 2 ]; do echo "$1) $2 ;;"; shift 2; done
		echo 'esac'
		echo "exec '$TRY' \"\$@\""
	} >"$T/$name/try"
	chmod +x "$T/$name/try"
}
# A kernel without IA32 emulation: int 0x80 is a SIGSEGV.  `try i386`
# reports it as "killed SIGSEGV"; a plain death by the signal must do too.
fake no-ia32 i386 'echo "killed SIGSEGV"; exit 2'
fake segv i386 'ulimit -c 0; kill -SEGV $$'
fake ia32 i386 'echo ok; exit 0'
# int 0x80 failing in a way that is not the feature's absence.
fake broken-ia32 i386 'echo EINVAL; exit 1'
fake abi5 landlock-abi 'echo 5; exit 0'
# No ptrace rights (Yama ptrace_scope 3), on Landlock ABI 5.  Taking the
# fds of a process it did not start refused (Yama ptrace_scope 1), or not.
fake no-getfd pidfd-getfd 'echo EPERM; exit 1'
fake getfd pidfd-getfd 'echo ok; exit 0'
fake no-ptrace-abi5 ptrace 'echo EPERM; exit 1' landlock-abi 'echo 5; exit 0'

# in_tap TRY CODE: run the bash CODE in a child script that sources tap.sh
# with TRY as $TRY.  Its TAP output lands in $T/out, its "pass fail skip"
# counts in $T/res, its skip list in $T/skips.
in_tap() {
	: >"$T/res"
	: >"$T/skips"
	TRY=$1 TAP_RESULTS="$T/res" TAP_SKIPS="$T/skips" \
		bash -c '. "$0"; '"$2" "$lib" >"$T/out" 2>"$T/err" </dev/null
}
# run_script TRY NAME: run tests/integration/NAME with TRY, the same way.
run_script() {
	: >"$T/res"
	: >"$T/skips"
	TRY=$1 TAP_RESULTS="$T/res" TAP_SKIPS="$T/skips" \
		bash "$here/$2" >"$T/out" 2>"$T/err" </dev/null
}
# has FILE DESC LINE: pass when FILE has LINE (a whole line, fixed).
has() {
	if grep -Fxq -- "$3" "$1"; then _tap_result ok "$2"
	else echo "#   no line: $3"; sed 's/^/#   has: /' "$1" | head -5; _tap_result "not ok" "$2"; fi
}
# lacks FILE DESC REGEX: pass when no line of FILE matches REGEX.  (A
# skip's line ends in "# SKIP reason": `[^#]*$` keeps such lines out.)
lacks() {
	if grep -Eq -- "$3" "$1"; then
		echo "#   matches $3:"; grep -E -- "$3" "$1" | sed 's/^/#   /' | head -5
		_tap_result "not ok" "$2"
	else _tap_result ok "$2"; fi
}
ran='needs_i386 "the i386 checks" && echo RAN'

# ---- needs: the probe decides ------------------------------------------------
in_tap "$T/no-ia32/try" "$ran"
has "$T/out" "no IA32: the i386 checks are skipped, with the reason" \
	"ok 1 - the i386 checks # SKIP IA32 emulation is off on this kernel (unconfined, 'try i386' says 'killed SIGSEGV')"
lacks "$T/out" "no IA32: and do not run" '^RAN$'
has "$T/res" "no IA32: counted as 0 passed, 0 failed, 1 skipped" "0 0 1"
has "$T/skips" "no IA32: listed for the runner" \
	"the i386 checks: IA32 emulation is off on this kernel (unconfined, 'try i386' says 'killed SIGSEGV')"
in_tap "$T/segv/try" "$ran"
has "$T/out" "a probe killed by SIGSEGV itself: skipped the same" \
	"ok 1 - the i386 checks # SKIP IA32 emulation is off on this kernel (unconfined, 'try i386' says 'killed SIGSEGV')"
lacks "$T/err" "and bash's report of the signal stays out of the runner's output" 'Segmentation'
in_tap "$T/ia32/try" "$ran"
has "$T/out" "IA32 works: the i386 checks run" "RAN"
lacks "$T/out" "IA32 works: nothing skipped" 'SKIP'
in_tap "$T/broken-ia32/try" "$ran"
has "$T/out" "int 0x80 failing otherwise: the checks run (and will fail), not skipped" "RAN"
lacks "$T/out" "int 0x80 failing otherwise: nothing skipped" 'SKIP'

in_tap "$T/abi5/try" 'needs_abi "scoped signals" 6 "signal scoping" && echo RAN'
has "$T/out" "Landlock ABI 5: a check needing 6 is skipped" \
	"ok 1 - scoped signals # SKIP this needs Landlock ABI 6 (signal scoping); the kernel has ABI 5"
lacks "$T/out" "Landlock ABI 5: and does not run" '^RAN$'
in_tap "$T/abi5/try" 'needs_abi "TCP port rules" 5 "network rules" && echo RAN'
has "$T/out" "Landlock ABI 5: a check needing 5 runs" "RAN"

in_tap "$T/no-getfd/try" 'needs_per_tool "mediated checks" && echo RAN'
has "$T/out" "per-tool supervisors cannot reach their tool: mediated checks skipped" \
	"ok 1 - mediated checks # SKIP per-tool supervisors cannot take their tool's fds: $(ptrace_why) (unconfined, 'take_a_siblings_fd' says 'EPERM')"
lacks "$T/out" "per-tool supervisors cannot reach their tool: they do not run" '^RAN$'
in_tap "$T/getfd/try" 'needs_per_tool "mediated checks" && echo RAN'
has "$T/out" "per-tool supervisors reach their tool: mediated checks run" "RAN"

in_tap "$TRY" 'needs_tool "a missing program" sh landstrip-no-such-program && echo RAN'
has "$T/out" "a missing program: skipped, naming it" \
	"ok 1 - a missing program # SKIP landstrip-no-such-program is not installed"
lacks "$T/out" "a missing program: does not run" '^RAN$'
in_tap "$TRY" 'needs_tool "present programs" sh cat && echo RAN'
has "$T/out" "present programs: run" "RAN"

# ---- the scripts use them --------------------------------------------------------
# 30-syscalls.sh on a kernel without IA32 emulation: the i386 checks are
# one skip, none of them runs or fails.
run_script "$T/no-ia32/try" 30-syscalls.sh
has "$T/skips" "30-syscalls.sh without IA32: the i386 checks are listed as skipped" \
	"int 0x80 inside is killed by SIGSYS: IA32 emulation is off on this kernel (unconfined, 'try i386' says 'killed SIGSEGV')"
lacks "$T/out" "30-syscalls.sh without IA32: no i386 check runs" '^(not )?ok [0-9]+ - (baseline: )?(int 0x80|the i386)[^#]*$'
# With int 0x80 answered unconfined they run: here the fake answers "ok"
# inside too, so the sandboxed check fails, which shows that it ran.
run_script "$T/ia32/try" 30-syscalls.sh
has "$T/out" "30-syscalls.sh with IA32: the baseline runs" "ok 1 - baseline: int 0x80 works unconfined"
lacks "$T/skips" "30-syscalls.sh with IA32: nothing about int 0x80 skipped" 'int 0x80'
grep -Eq '^not ok [0-9]+ - int 0x80 inside$' "$T/out" &&
	_tap_result ok "30-syscalls.sh with IA32: the sandboxed check runs (and fails against the fake)" ||
	_tap_result "not ok" "30-syscalls.sh with IA32: the sandboxed check runs (and fails against the fake)"

# 40-process.sh where this user may not attach to other processes, on a
# kernel with Landlock ABI 5: the attach and signal checks are skipped,
# the /proc reads (not an attach) still run.
run_script "$T/no-ptrace-abi5/try" 40-process.sh
has "$T/skips" "40-process.sh without ptrace rights: attaching skipped" \
	"attaching to a process outside the sandbox: $(ptrace_why) (unconfined, 'try ptrace' says 'EPERM')"
has "$T/skips" "40-process.sh without ptrace rights: tracing a child skipped" \
	"ptrace of a child: $(ptrace_why) (unconfined, 'trace_a_child' says 'EPERM')"
has "$T/skips" "40-process.sh on ABI 5: the signal checks skipped" \
	"signals to processes outside the sandbox: this needs Landlock ABI 6 (signal scoping); the kernel has ABI 5"
lacks "$T/out" "40-process.sh: none of them runs" \
	' - (baseline: )?(ptrace|pidfd_getfd|process_vm_readv|signal 0|SIGTERM|SIGKILL|/proc/PID/mem)[^#]*$'
grep -Eq '^ok [0-9]+ - /proc/PID/environ of an outside process$' "$T/out" &&
	_tap_result ok "40-process.sh: the /proc reads still run" ||
	_tap_result "not ok" "40-process.sh: the /proc reads still run"

# A script of mediated policies where no per-tool supervisor can reach its
# tool: one skip, and nothing else runs.
run_script "$T/no-getfd/try" 13-nesting.sh
has "$T/skips" "13-nesting.sh without per-tool mediation: skipped whole, with the reason" \
	"every check of this script (mediated policies): per-tool supervisors cannot take their tool's fds: $(ptrace_why) (unconfined, 'take_a_siblings_fd' says 'EPERM')"
has "$T/res" "13-nesting.sh without per-tool mediation: 0 passed, 0 failed, 1 skipped" "0 0 1"
