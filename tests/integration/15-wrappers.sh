#!/bin/bash
# The wrapper set: --install-wrappers syncs one link per [tool.NAME] section
# and touches nothing else, --remove-wrappers removes only links to the shim,
# and --doctor says what is wrong with a setup, and how to fix it.
#
# The "real tools" are scripts in $T/realbin, so that the results do not
# depend on what this machine has installed.
. "$(dirname "$0")/../lib/tap.sh"

W="$HOME/.local/share/landstrip/bin"
mkdir -p "$T/realbin"
for t in tool-a tool-b tool-c; do
	printf '#!/bin/sh\necho "real %s $*"\n' "$t" >"$T/realbin/$t"
	chmod +x "$T/realbin/$t"
done
export PATH="$T/realbin:/usr/local/bin:/usr/bin:/bin"
self=$(readlink -f "$LS")

# The links in DIR, one "name -> target" per line; other files by type.
listing() {
	local f
	for f in "$1"/* "$1"/.[!.]*; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		if [ -L "$f" ]; then echo "${f##*/} -> $(readlink "$f")"
		else echo "${f##*/} $(stat -c '%F %i %s' "$f")"; fi
	done
}
# is_wrapper PATH: a link whose target is the shim
is_wrapper() { [ -L "$1" ] && [ "$(readlink -f "$1")" = "$self" ]; }
# out_lacks / err_lacks DESC REGEX: the last stdout / stderr has no match.
out_lacks() {
	if grep -Eq -- "$2" "$T/out"; then echo "#   stdout matches: $2"; _tap_result "not ok" "$1"
	else _tap_result ok "$1"; fi
}
err_lacks() {
	if grep -Eq -- "$2" "$T/err"; then echo "#   stderr matches: $2"; _tap_result "not ok" "$1"
	else _tap_result ok "$1"; fi
}
pass_if() { # DESC CMD...: a result from a plain shell test
	local desc=$1
	shift
	if "$@"; then _tap_result ok "$desc"; else _tap_result "not ok" "$desc"; fi
}

# =============================================================================
# --install-wrappers: add
# =============================================================================
write_config <<'INI'
[sandbox]
allowWrite = .

[tool.tool-a]

[tool.tool-b]
allowWrite = /tmp

[tool.tool-c]
INI
check "install: exit 0" 0 "$LS" --install-wrappers
check_out "install: says it added tool-a" "^added $W/tool-a -> "
check_out "install: counts" '^3 added, 0 removed, 0 already there$'
check_out "install: prints the PATH line" "^  export PATH=$W:\\\$PATH$"
for t in tool-a tool-b tool-c; do
	pass_if "install: $t is a link to the shim" is_wrapper "$W/$t"
done
check "install: one link per section, nothing else" 0 sh -c '[ "$(ls -A "$0" | wc -l)" = 3 ]' "$W"
PATH="$W:$PATH" check "install: the wrapper runs the real tool" 0 tool-a hello
check_out "install: with its arguments" '^real tool-a hello$'

# =============================================================================
# idempotent: a second run changes nothing
# =============================================================================
listing "$W" >"$T/before"
ls -li "$W" >"$T/before-inodes"
check "again: exit 0" 0 "$LS" --install-wrappers
check_out "again: nothing added or removed" '^0 added, 0 removed, 3 already there$'
out_lacks "again: no added line" '^added'
listing "$W" >"$T/after"
ls -li "$W" >"$T/after-inodes"
check "again: the directory is unchanged (same links, same inodes)" 0 \
	sh -c 'cmp -s "$0" "$1" && cmp -s "$2" "$3"' "$T/before" "$T/after" "$T/before-inodes" "$T/after-inodes"

# =============================================================================
# foreign files are left alone; a removed section's link is removed
# =============================================================================
echo "my notes" >"$W/notes.txt"
ln -s /bin/true "$W/other-tool"
ln -s "$T/realbin/tool-a" "$W/not-ours"
mkdir "$W/subdir"
echo "#!/bin/sh" >"$W/.hidden"
listing "$W" | grep -v '^tool-' >"$T/foreign-before"
write_config <<'INI'
[sandbox]
allowWrite = .

[tool.tool-a]

[tool.tool-c]
INI
check "section removed: exit 0" 0 "$LS" --install-wrappers
check_out "section removed: says so" "^removed $W/tool-b$"
check_out "section removed: counts" '^0 added, 1 removed, 2 already there$'
pass_if "section removed: tool-b's link is gone" test ! -e "$W/tool-b" -a ! -L "$W/tool-b"
pass_if "section removed: tool-a's link stays" is_wrapper "$W/tool-a"
listing "$W" | grep -v '^tool-' >"$T/foreign-after"
check "section removed: the foreign files are untouched" 0 cmp -s "$T/foreign-before" "$T/foreign-after"
check "section removed: notes.txt keeps its content" 0 grep -qx 'my notes' "$W/notes.txt"

# A file of the user's under a section's name is not replaced.
write_config <<'INI'
[tool.tool-a]
[tool.mine]
INI
echo "user's own script" >"$W/mine"
check "a foreign file under a section's name: exit 0" 0 "$LS" --install-wrappers
check_err "it is left alone, with a warning" "^landstrip: warning: $W/mine exists and is not a landstrip wrapper: left alone$"
check_out "and tool-c's link, whose section is gone, is removed" "^removed $W/tool-c$"
check "its content is untouched" 0 grep -qx "user's own script" "$W/mine"
rm "$W/mine"

# =============================================================================
# a name that resolves to nothing
# =============================================================================
write_config <<'INI'
[tool.tool-a]
[tool.ghost]
INI
check "ghost: exit 0" 0 "$LS" --install-wrappers
check_err "ghost: a warning says the wrapper will fail" \
	"^landstrip: warning: ghost: ghost: command not found in PATH.*: the wrapper will fail until the real tool is installed \(or program = is set in \[tool\.ghost\]\)$"
err_lacks "ghost: no warning for tool-a" 'tool-a'
pass_if "ghost: the link is made anyway" is_wrapper "$W/ghost"
PATH="$W:$PATH" check "ghost: the wrapper says command not found (127)" 127 ghost
check_err "ghost: and why" 'ghost: command not found in PATH \(only the landstrip wrapper itself was found'
write_config <<INI
[tool.tool-a]
[tool.ghost]
program = $T/realbin/tool-b
INI
check "ghost with program =: exit 0" 0 "$LS" --install-wrappers
err_lacks "ghost with program =: no warning" '.'
PATH="$W:$PATH" check "ghost with program =: the wrapper runs that program" 0 ghost x
check_out "ghost with program =: which answers" '^real tool-b x$'

# =============================================================================
# a directory named on the command line, and wrapperDir
# =============================================================================
check "--install-wrappers DIR" 0 "$LS" --install-wrappers "$T/elsewhere"
check_out "--install-wrappers DIR: the PATH line names it" "^  export PATH=$T/elsewhere:\\\$PATH$"
pass_if "--install-wrappers DIR: the links are there" is_wrapper "$T/elsewhere/tool-a"
write_config <<INI
[landstrip]
wrapperDir = $T/configured
[tool.tool-a]
INI
check "wrapperDir: --install-wrappers uses it" 0 "$LS" --install-wrappers
pass_if "wrapperDir: the link is there" is_wrapper "$T/configured/tool-a"
check_out "wrapperDir: and the PATH line names it" "^  export PATH=$T/configured:\\\$PATH$"
check "wrapperDir: it is write-protected in the sandbox" 1 "$LS" -- "$TRY" write "$T/configured/planted"

# =============================================================================
# --remove-wrappers removes only links to the shim
# =============================================================================
write_config <<'INI'
[tool.tool-a]
[tool.ghost]
INI
ln -s "$LS" "$W/stale"  # a link to the shim with no section
listing "$W" | grep -Ev '^(tool-a|ghost|stale) ' >"$T/foreign-before"
check "remove: exit 0" 0 "$LS" --remove-wrappers
check_out "remove: counts" '^3 removed$'
check_out "remove: names each" "^removed $W/stale$"
for t in tool-a ghost stale; do
	pass_if "remove: $t is gone" test ! -e "$W/$t" -a ! -L "$W/$t"
done
listing "$W" >"$T/foreign-after"
check "remove: every other file is untouched" 0 cmp -s "$T/foreign-before" "$T/foreign-after"
pass_if "remove: the symlink to another program stays" test "$(readlink "$W/other-tool")" = /bin/true
pass_if "remove: the symlink to a real tool stays" test "$(readlink "$W/not-ours")" = "$T/realbin/tool-a"
check "remove: again, nothing to do" 0 "$LS" --remove-wrappers
check_out "remove: again counts 0" '^0 removed$'
check "remove: a directory that does not exist is fine" 0 "$LS" --remove-wrappers "$T/nowhere"
pass_if "remove: and is not created" test ! -e "$T/nowhere"
rm -rf "$W/notes.txt" "$W/other-tool" "$W/not-ours" "$W/subdir" "$W/.hidden"

# =============================================================================
# --doctor
# =============================================================================
# problem_fix DESC PROBLEM-REGEX FIX-REGEX: the last stdout has a PROBLEM
# line matching the first regex, followed by a fix line matching the second.
problem_fix() {
	if awk -v p="$2" -v f="$3" '
		found && $0 ~ "^ +fix: " f { ok = 1; exit }
		{ found = ($0 ~ "^  PROBLEM  " p) }
		END { exit !ok }' "$T/out"; then
		_tap_result ok "$1"
	else
		echo "#   no PROBLEM line /$2/ followed by fix: /$3/"
		sed 's/^/#   stdout: /' "$T/out" | grep -E 'PROBLEM|fix:' | head -8
		_tap_result "not ok" "$1"
	fi
}
esc() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g'; }

write_config <<'INI'
[sandbox]
allowWrite = .
allowNetwork = false

[tool.tool-a]
[tool.tool-b]
INI
check "doctor: wrappers installed" 0 "$LS" --install-wrappers
export PATH="$W:$T/realbin:/usr/local/bin:/usr/bin:/bin"
check "doctor: healthy: exit 0" 0 "$LS" --doctor
check_out "doctor: healthy: says so" '^landstrip doctor: healthy$'
out_lacks "doctor: healthy: no PROBLEM line" PROBLEM
check_out "doctor: healthy: the wrapper directory is in PATH" "^  ok       wrapper directory $(esc "$W") is in PATH$"
check_out "doctor: healthy: tool-a goes to the real tool" "^  ok       tool-a -> $(esc "$T/realbin/tool-a")$"
check_out "doctor: healthy: tool-b too" "^  ok       tool-b -> $(esc "$T/realbin/tool-b")$"
check_out "doctor: healthy: names the config" "config: $(esc "$T/cfg/config.ini") \(2 tool sections\)"

# The wrapper directory does not exist.
mv "$W" "$W.away"
check "doctor: no wrapper directory: exit 1" 1 "$LS" --doctor
problem_fix "doctor: no wrapper directory: PROBLEM and fix" \
	"wrapper directory $(esc "$W") does not exist" 'landstrip-exec --install-wrappers$'
check_out "doctor: no wrapper directory: counted" '^landstrip doctor: 1 problem$'
mv "$W.away" "$W"

# The wrapper directory is not in PATH.
PATH="$T/realbin:/usr/local/bin:/usr/bin:/bin" check "doctor: not in PATH: exit 1" 1 "$LS" --doctor
problem_fix "doctor: not in PATH: PROBLEM and fix" \
	"wrapper directory $(esc "$W") is not in PATH" \
	"start the agent with: landstrip-supervisor -- AGENT .*, or export PATH=$(esc "$W"):\\\$PATH$"

# A tool is shadowed: PATH finds the real one before the wrapper.
PATH="$T/realbin:$W:/usr/local/bin:/usr/bin:/bin" check "doctor: shadowed: exit 1" 1 "$LS" --doctor
problem_fix "doctor: shadowed: PROBLEM and fix" \
	"tool-a: PATH finds $(esc "$T/realbin/tool-a") before the wrapper" "export PATH=$(esc "$W"):\\\$PATH$"
check_out "doctor: shadowed: the directory itself is in PATH" "^  ok       wrapper directory $(esc "$W") is in PATH$"

# A section's link is missing.
rm "$W/tool-b"
check "doctor: missing link: exit 1" 1 "$LS" --doctor
problem_fix "doctor: missing link: PROBLEM and fix" \
	"tool-b: no wrapper in $(esc "$W")" 'landstrip-exec --install-wrappers$'
check "doctor: fixed by --install-wrappers" 0 "$LS" --install-wrappers
check "doctor: healthy again" 0 "$LS" --doctor

# A tool with no real binary.
write_config <<'INI'
[sandbox]
allowWrite = .
[tool.tool-a]
[tool.tool-b]
[tool.ghost]
INI
"$LS" --install-wrappers >/dev/null 2>&1
check "doctor: no real binary: exit 1" 1 "$LS" --doctor
problem_fix "doctor: no real binary: PROBLEM and fix" \
	'ghost: ghost: command not found in PATH \(only the landstrip wrapper itself was found' \
	'install it, or set program = in its \[tool\] section$'
check_out "doctor: no real binary: the others are fine" "^  ok       tool-a -> "
check_out "doctor: no real binary: counted" '^landstrip doctor: 1 problem$'
write_config <<INI
[sandbox]
allowWrite = .
[tool.tool-a]
[tool.tool-b]
[tool.ghost]
program = $T/realbin/tool-c
INI
check "doctor: program = fixes it" 0 "$LS" --doctor
check_out "doctor: program = is what the wrapper runs" "^  ok       ghost -> $(esc "$T/realbin/tool-c")$"
"$LS" --remove-wrappers >/dev/null

# A policy that needs more than the kernel has: allowNetwork = false needs
# ABI 4 (TCP port rules); LANDSTRIP_TEST_ABI pretends an older kernel.
write_config <<'INI'
[sandbox]
allowWrite = .
allowNetwork = false
[tool.tool-a]
INI
"$LS" --install-wrappers >/dev/null 2>&1
if needs_abi "doctor: this policy can be enforced here" 4 "TCP port rules"; then
	check "doctor: ABI 4 here" 0 "$LS" --doctor
fi
LANDSTRIP_TEST_ABI=2 check "doctor: ABI 2 for a policy that needs 4: exit 1" 1 "$LS" --doctor
check_out "doctor: ABI 2: reports the kernel's ABI" '^  ok       Landlock ABI 2: files, cross-directory renames$'
problem_fix "doctor: ABI 2: PROBLEM and fix" \
	'this policy needs ABI 4 \(TCP port rules \(allowNetwork = false\)\); the kernel has 2' \
	'a newer kernel \(ABI 4 is Linux 6\.7\), or allowNetwork = true if the tool may use the network$'
check_out "doctor: ABI 2: the policy cannot be enforced" \
	'^  PROBLEM  the policy can be enforced here: this policy needs Landlock ABI 4'
LANDSTRIP_TEST_ABI=2 check "--check: ABI 2 for a policy that needs 4: exit 1" 1 "$LS" --check
check_err "--check: ABI 2: says why" 'cannot enforce: this policy needs Landlock ABI 4'
write_config <<'INI'
[sandbox]
allowWrite = .
allowNetwork = true
[tool.tool-a]
INI
LANDSTRIP_TEST_ABI=3 check "doctor: ABI 3 is enough with allowNetwork = true" 0 "$LS" --doctor
check_out "doctor: ABI 3: says what it needs" '^  ok       this policy needs ABI 3'
LANDSTRIP_TEST_ABI=2 check "doctor: ABI 2 is not" 1 "$LS" --doctor
problem_fix "doctor: ABI 2, allowNetwork = true: PROBLEM and fix" \
	'this policy needs ABI 3 .*the kernel has 2' 'a newer kernel'
LANDSTRIP_TEST_ABI=2 check "LANDSTRIP_TEST_ABI does not weaken a real run" 0 "$LS" -- true
