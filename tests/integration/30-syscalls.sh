#!/bin/bash
# The seccomp filter attacked (THREATS.md #3, #6, #7, #8, #9): other syscall
# ABIs, 64-bit arguments the kernel truncates, io_uring (new and
# inherited), a seccomp listener of the tool's own, and keystroke injection
# into a terminal.
. "$(dirname "$0")/../lib/tap.sh"

# check_out_not DESC REGEX: pass when the last stdout does NOT match.
check_out_not() {
	if grep -Eq -- "$2" "$T/out"; then
		echo "#   stdout matches: $2"
		_tap_result "not ok" "$1"
	else _tap_result ok "$1"; fi
}

# in_shell CMD...: run CMD from a child shell, which reports a death by
# signal on the test's stderr file instead of the runner's terminal.
in_shell() {
	bash -c '"$@"; exit $?' in_shell "$@"
}

write_config <<'INI'
[sandbox]
allowWrite = .
allowNetwork = false
INI

# ---- other syscall ABIs --------------------------------------------------------
# i386 getpid through int 0x80: its numbers and socketcall(2) walk past
# every rule written for x86_64, so the filter kills the process.  Where
# IA32 emulation is off, int 0x80 is a SIGSEGV unconfined too: skipped.
if needs_i386 "int 0x80 inside is killed by SIGSYS"; then
	check "baseline: int 0x80 works unconfined" 0 "$TRY" i386
	check_out "baseline: the i386 call returned" '^ok$'
	check "int 0x80 inside" 2 "$LS" -- "$TRY" i386
	check_out "int 0x80 killed by SIGSYS" '^killed SIGSYS$'
fi
# x32 getpid: this kernel may not have x32 (ENOSYS) but must not get to say.
if needs_x32 "x32 syscalls inside are killed by SIGSYS"; then
	"$TRY" x32 >"$T/out" 2>"$T/err" </dev/null
	case $? in
	0 | 1) _tap_result ok "baseline: an x32 syscall is answered unconfined ($(head -n 1 "$T/out"))" ;;
	*) _tap_result "not ok" "baseline: an x32 syscall is answered unconfined" ;;
	esac
	check "x32 syscall inside" 2 "$LS" -- "$TRY" x32
	check_out "x32 syscall killed by SIGSYS" '^killed SIGSYS$'
	# The tool itself is killed, not only a fork of it: the caller sees
	# 128+SIGSYS from the shim's pid.
	x32_py='import ctypes; ctypes.CDLL(None).syscall(0x40000000 | 39)'
	if needs_tool "the tool itself dies of SIGSYS" python3; then
		check "baseline: python's x32 syscall is not fatal unconfined" 0 python3 -c "$x32_py"
		check "the tool itself making an x32 syscall dies of SIGSYS" $((128 + 31)) \
			in_shell "$LS" -- python3 -c "$x32_py"
	fi
fi

# ---- 64-bit arguments ----------------------------------------------------------
# socket((1<<32)|AF_INET, (1<<32)|SOCK_DGRAM): the kernel truncates both to
# int; a filter comparing 64 bits would not recognise AF_INET.
check "baseline: a 64-bit UDP socket() call works unconfined" 0 "$TRY" socket-wide inet dgram
check "64-bit UDP socket() call" 1 "$LS" -- "$TRY" socket-wide inet dgram
check_out "64-bit family masked: EACCES (the inet rule), not EAFNOSUPPORT" '^EACCES$'
check "baseline: 64-bit AF_INET6 dgram unconfined" 0 "$TRY" socket-wide inet6 dgram
check "64-bit AF_INET6 dgram" 1 "$LS" -- "$TRY" socket-wide inet6 dgram
check_out "64-bit AF_INET6 dgram refused with EACCES" '^EACCES$'
check "64-bit MPTCP socket()" 1 "$LS" -- "$TRY" socket-wide inet stream mptcp
check_out "64-bit MPTCP refused with EACCES" '^EACCES$'
check "64-bit netlink other than ROUTE" 1 "$LS" -- "$TRY" socket-wide netlink raw 4
check_out "64-bit NETLINK_SOCK_DIAG refused with EACCES" '^EACCES$'
# Where the rule must say "any other family", it compares all 64 bits, so
# a widened family the kernel would take as an allowed one is refused as
# well (the generated filter fails closed; shim/gen_filters.c), while the
# plain call still works.
check "baseline: a 64-bit TCP socket() works unconfined" 0 "$TRY" socket-wide inet stream
check "64-bit TCP socket() is refused" 1 "$LS" -- "$TRY" socket-wide inet stream
check_out "64-bit TCP socket() refused with EAFNOSUPPORT" '^EAFNOSUPPORT$'
check "64-bit NETLINK_ROUTE socket() is refused" 1 "$LS" -- "$TRY" socket-wide netlink raw 0
check_out "64-bit NETLINK_ROUTE refused with EAFNOSUPPORT" '^EAFNOSUPPORT$'
check "a plain TCP socket() is allowed" 0 "$LS" -- "$TRY" socket inet stream
check "a plain NETLINK_ROUTE socket() is allowed" 0 "$LS" -- "$TRY" socket netlink raw 0

# ---- io_uring --------------------------------------------------------------------
# Answered ENOSYS, so that runtimes fall back.  Where the kernel has no
# io_uring, ENOSYS is its answer too and these are skipped; where
# kernel.io_uring_disabled refuses it (EPERM), ENOSYS is still the filter's.
refused_via "io_uring_setup" ENOSYS "$LS" -- ::: io-uring
write_config <<'INI'
[sandbox]
allowWrite = .
allowNetwork = true
INI
refused_via "io_uring_setup with allowNetwork = true" ENOSYS "$LS" -- ::: io-uring
write_config <<'INI'
[sandbox]
allowWrite = .
INI

# An io_uring fd inherited across exec is a side door past every filter.
# The fd list without it is the baseline: whatever else this runner
# inherited must be there unchanged.  The ring is made outside the
# sandbox, so these need io_uring there.
base=$("$TRY" fds </dev/null 2>/dev/null)
with_fd() { # FD: $base with FD added, sorted
	printf '%s\n' $base "$1" | sort -n | tr '\n' ' ' | sed 's/ $//'
}
if needs_io_uring "an inherited io_uring fd is closed before the tool runs"; then
	check "baseline: the ring reaches a program unconfined" 0 "$TRY" with-uring 7 "$TRY" fds
	check_out "baseline: fd 7 is listed" "^$(with_fd 7)\$"
	check "an inherited io_uring fd" 0 "$TRY" with-uring 7 "$LS" -- "$TRY" fds
	check_out "the inherited io_uring fd 7 is closed before the tool runs" "^$base\$"
	check "an inherited io_uring fd at a high number" 0 "$TRY" with-uring 300 "$LS" -- "$TRY" fds
	check_out "the inherited io_uring fd 300 is closed too" "^$base\$"
	# Open fds are found by poll(2) in windows up to fd 4096 (shim/fds.c);
	# beyond them, or where RLIMIT_NOFILE is below a window, /proc/self/fd is
	# listed instead.  Both ways must find the ring.
	if (ulimit -n 8192) 2>/dev/null; then
		check "an inherited io_uring fd beyond the poll windows" 0 \
			bash -c 'ulimit -n 8192 && exec "$@"' _ "$TRY" with-uring 5000 "$LS" -- "$TRY" fds
		check_out "the inherited io_uring fd 5000 is closed too" "^$base\$"
	else
		skip "an inherited io_uring fd beyond the poll windows" "cannot raise RLIMIT_NOFILE to 8192"
	fi
	check "an inherited io_uring fd under RLIMIT_NOFILE 200" 0 \
		bash -c 'ulimit -n 200 && exec "$@"' _ "$TRY" with-uring 7 "$LS" -- "$TRY" fds
	check_out "the inherited io_uring fd 7 is closed with no poll window" "^$base\$"
fi
# ...while an ordinary inherited fd at the same number is kept.
check "an inherited /dev/null on fd 7" 0 "$LS" -- "$TRY" fds 7</dev/null
check_out "fd 7 reaches the tool" "^$(with_fd 7)\$"

# ---- seccomp ------------------------------------------------------------------
# A runner already under a filter with a listener gets EBUSY unconfined:
# EPERM inside is still the filter's answer.
refused_via "a seccomp listener (SECCOMP_FILTER_FLAG_NEW_LISTENER)" EPERM "$LS" -- ::: seccomp-listener
check "a plain seccomp filter inside (tools sandboxing themselves)" 0 "$LS" -- "$TRY" seccomp-filter
check_out "plain filter installed" '^ok$'

# ---- terminal injection -----------------------------------------------------------
# tiocsti makes a fresh pty its controlling terminal, so the kernel's own
# checks pass unconfined and only the filter can refuse.  Where
# dev.tty.legacy_tiocsti is 0 the kernel answers EIO to a caller without
# CAP_SYS_ADMIN (bit 21 of CapEff): still not EPERM.
cap_sys_admin() {
	local eff
	eff=$(awk '$1 == "CapEff:" { print $2 }' /proc/self/status)
	[ $(((16#${eff:-0} >> 21) & 1)) = 1 ]
}
if [ "$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null || echo 1)" = 1 ] || cap_sys_admin; then
	tiocsti_unconfined=ok
	check "baseline: TIOCSTI works unconfined" 0 "$TRY" tiocsti
else
	tiocsti_unconfined=EIO
	check "baseline: TIOCSTI unconfined" 1 "$TRY" tiocsti
	check_out "baseline: the kernel answers EIO" '^EIO$'
fi
check "TIOCSTI on a pty inside" 1 "$LS" -- "$TRY" tiocsti
check_out "TIOCSTI refused with EPERM" '^EPERM$'
# The real attack: TIOCSTI on the terminal the tool inherited (fd 0), which
# Landlock's IOCTL_DEV right does not cover.  script(1) gives us one.
if command -v script >/dev/null; then
	if [ "$tiocsti_unconfined" = ok ]; then
		check "baseline: TIOCSTI on the inherited terminal unconfined" 0 \
			script -qec "\"$TRY\" tiocsti-fd 0" /dev/null
	else
		check "baseline: TIOCSTI on the inherited terminal unconfined" 1 \
			script -qec "\"$TRY\" tiocsti-fd 0" /dev/null
		check_out "baseline: the kernel answers EIO" '^EIO'
	fi
	check "TIOCSTI on the inherited terminal inside" 1 \
		script -qec "\"$LS\" -- \"$TRY\" tiocsti-fd 0" /dev/null
	check_out "inherited terminal: TIOCSTI refused with EPERM" '^EPERM'
	check "baseline: TIOCLINUX on a pty unconfined" 1 \
		script -qec "\"$TRY\" tioclinux 0" /dev/null
	check_out_not "baseline: the kernel refuses, but not with EPERM" '^EPERM'
	check "TIOCLINUX on the inherited terminal inside" 1 \
		script -qec "\"$LS\" -- \"$TRY\" tioclinux 0" /dev/null
	check_out "TIOCLINUX refused with EPERM" '^EPERM'
else
	skip "TIOCSTI/TIOCLINUX on an inherited terminal" "no script(1)"
fi
# On any fd, the ioctl number alone decides.
check "baseline: TIOCSTI on /dev/null unconfined" 1 "$TRY" tiocsti-fd 0
check_out "baseline: /dev/null is not a tty (ENOTTY)" '^ENOTTY$'
check "TIOCSTI on /dev/null inside" 1 "$LS" -- "$TRY" tiocsti-fd 0
check_out "TIOCSTI refused with EPERM before the driver" '^EPERM$'
check "TIOCLINUX on /dev/null inside" 1 "$LS" -- "$TRY" tioclinux 0
check_out "TIOCLINUX refused with EPERM" '^EPERM$'
# Other terminal ioctls still work (isatty uses TCGETS).
if command -v script >/dev/null; then
	check "ordinary terminal ioctls still work inside" 0 \
		script -qec "\"$LS\" -- sh -c 'test -t 0 && stty size >/dev/null'" /dev/null
fi

# Inode flags through an ioctl on a read-only descriptor: Landlock checks
# nothing there, so the static filter refuses them (EPERM), in every
# sandbox.
if command -v chattr >/dev/null && echo x >"$T/outside/flags" &&
	chattr +A "$T/outside/flags" 2>/dev/null; then
	chattr -A "$T/outside/flags"
	_tap_result ok "baseline: chattr +A works unconfined here"
	check "chattr +A on a file outside the write roots" 1 "$LS" -- chattr +A "$T/outside/flags"
	check_err "refused: Operation not permitted" 'Operation not permitted'
	check "the flag is not set" 1 sh -c "lsattr '$T/outside/flags' | grep -q '^[^ ]*A'"
else
	skip "chattr on a read-only descriptor" "no chattr, or this file system has no flags"
fi
