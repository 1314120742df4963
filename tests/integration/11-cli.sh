#!/bin/bash
# The command line, wrapper mode and transparency: same PID, arguments,
# environment, fds and exit status as the real tool.
. "$(dirname "$0")/../lib/tap.sh"

write_config <<'INI'
[sandbox]
allowWrite = .
[tool.mytool]
[tool.pinned]
program = /bin/echo
[tool.tilde]
program = ~/bin/tilde-real
INI

check "--version" 0 "$LS" --version
check_out "--version prints the version" '^landstrip-exec [0-9]+\.[0-9]+\.[0-9]+$'
check "--help" 0 "$LS" --help
check_out "--help prints the usage" '^usage: landstrip-exec'
check "no command is a usage error" 2 "$LS"
check_err "usage error says what is wrong" '^landstrip: no COMMAND given'
check "unknown option is a usage error" 2 "$LS" --frobnicate true
check "-c without an argument is a usage error" 2 "$LS" -c
check "--check with a command is a usage error" 2 "$LS" --check true

check "exit status is the tool's" 42 "$LS" -- sh -c 'exit 42'
check "death by signal is the tool's (128+n through sh)" 143 sh -c "\"$LS\" -- sh -c 'kill -TERM \$\$'; exit \$?"
check "command not found: 127" 127 "$LS" -- no-such-command-xyz
check_err "not found names the command" 'landstrip: no-such-command-xyz: command not found'
printf '#!/bin/sh\necho hi\n' >"$T/outside/noexec"
check "not executable: 126" 126 "$LS" -- "$T/outside/noexec"
check "a directory: 126" 126 "$LS" -- /tmp
printf 'echo "no shebang: $1"\n' >"$T/outside/plain"
chmod +x "$T/outside/plain"
check "a script without #! runs through sh, as from a shell" 0 "$LS" -- "$T/outside/plain" arg
check_out "and gets its arguments" '^no shebang: arg$'

# Same PID: the tool replaces the shim.
check "exec in place keeps the PID" 0 bash -c "pid=\$BASHPID; exec \"$LS\" -- bash -c \"test \\\$\\\$ = \$pid\""

# Arguments and environment pass untouched, including odd ones.
check "arguments untouched" 0 "$LS" -- "$TRY" exec /bin/sh -c 'test "$1" = "a  b" && test "$2" = "" && test "$3" = "--check"' sh "a  b" "" --check
check "environment untouched" 0 env FOO='x y' "$LS" -- sh -c 'test "$FOO" = "x y"'
# One variable is added: LANDSTRIP_PROJECT_DIR, what "." means to nested
# shims (the directory the outermost one started in).
env -i PATH="$PATH" HOME="$HOME" LANDSTRIP_CONFIG="$LANDSTRIP_CONFIG" "$LS" -- env >"$T/env.out"
if [ "$(sort "$T/env.out")" = "$(printf 'HOME=%s\nLANDSTRIP_CONFIG=%s\nLANDSTRIP_PROJECT_DIR=%s\nPATH=%s\n' "$HOME" "$LANDSTRIP_CONFIG" "$PWD" "$PATH" | sort)" ]; then
	_tap_result ok "no variable added or removed"
else
	_tap_result "not ok" "no variable added or removed"
fi
check "stdin passes through" 0 sh -c "echo piped | \"$LS\" -- grep -q piped"

# Wrapper mode: a symlink named after the tool.
wrap="$T/wrappers"
mkdir -p "$wrap" "$T/realbin"
ln -s "$LS" "$wrap/mytool"
printf '#!/bin/sh\necho "real mytool: $*"\n' >"$T/realbin/mytool"
chmod +x "$T/realbin/mytool"
# argv[0] becomes the real program's path, so that a tool finding itself by
# a PATH search for argv[0] (gcc for cc1, Python for sys.executable) finds
# itself, not the wrapper.
printf '#!/bin/sh\necho "argv0=$0"\n' >"$T/realbin/whoami0"; chmod +x "$T/realbin/whoami0"
ln -s "$LS" "$wrap/whoami0"
PATH="$wrap:$T/realbin:$PATH" check "a wrapped tool gets argv[0]" 0 whoami0
check_out "argv[0] is the real program, not the wrapper" "^argv0=$T/realbin/whoami0\$"
PATH="$wrap:$T/realbin:$PATH" check "wrapper runs the next tool on PATH" 0 mytool --check -c x
check_out "wrapper passes options to the tool untouched" '^real mytool: --check -c x$'
PATH="$wrap:$wrap:.::$T/realbin:$PATH" check "wrapper dir twice, '.' and empty entries" 0 mytool a
(cd "$wrap" && PATH=".:$T/realbin:$PATH" "$wrap/mytool" >"$T/out" 2>"$T/err")
check_out "wrapper found through '.' is skipped" '^real mytool: $'
PATH="$wrap:/usr/bin:/bin" check "no real tool: 127, never a loop" 127 mytool
check_err "the message says only the wrapper was found" 'only the landstrip wrapper itself was found'
ln -s "$LS" "$wrap/pinned"
PATH="$wrap:$PATH" check "program = pins the real binary" 0 pinned hello
check_out "pinned program ran" '^hello$'
mkdir -p "$HOME/bin"
printf '#!/bin/sh\necho tilde ok\n' >"$HOME/bin/tilde-real"; chmod +x "$HOME/bin/tilde-real"
ln -s "$LS" "$wrap/tilde"
PATH="$wrap:$PATH" check "program = ~/... is expanded from HOME" 0 tilde
check_out "the pinned program under HOME ran" '^tilde ok$'
ln -s "$LS" "$wrap/unlisted"
printf '#!/bin/sh\necho unlisted\n' >"$T/realbin/unlisted"; chmod +x "$T/realbin/unlisted"
PATH="$wrap:$T/realbin:$PATH" check "a tool without a section gets [sandbox]" 0 unlisted
PATH="$wrap:$T/realbin:$PATH" LANDSTRIP_DEBUG=1 check "LANDSTRIP_DEBUG=1 in wrapper mode" 0 mytool
check_err "debug output shows the lowered policy" '^landlock: kernel ABI [0-9]+'
check_err "debug output shows the policy section" 'policy: \[sandbox\] \+ \[tool.mytool\]'
# The project holds entries of the built-in protected set (.mcp.json...):
# it is a mediated root, listed as such.
check_err "debug output shows every root" "^  $T/proj\$"

# Wrapper mode confines too.
ln -s "$LS" "$wrap/sh"
PATH="$wrap:$PATH" check "wrapped sh cannot write outside" 2 sh -c "echo x > $T/outside/f"
test -e "$T/outside/f" && _tap_result "not ok" "no file outside" || _tap_result ok "no file outside"

# fds the shim opens never reach the tool; the caller's all do.
"$TRY" fds >"$T/fds.direct" 5</dev/null 6>"$T/fd6"
"$LS" -- "$TRY" fds >"$T/fds.shim" 5</dev/null 6>"$T/fd6"
if [ "$(cat "$T/fds.shim")" = "$(cat "$T/fds.direct")" ] && grep -q ' 5 6' "$T/fds.shim"; then
	_tap_result ok "the tool sees exactly the caller's fds ($(cat "$T/fds.shim"))"
else
	echo "#   direct: $(cat "$T/fds.direct")  through the shim: $(cat "$T/fds.shim")"
	_tap_result "not ok" "the tool sees exactly the caller's fds"
fi
