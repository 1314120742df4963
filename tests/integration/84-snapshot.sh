#!/bin/bash
# The fast path inside a mediated root (issue 15): Landlock grants a
# snapshot of what lies beside the path to each deny, and a trapped call
# there is left to the kernel (CONTINUE), which decides it under that
# ruleset.  Where Landlock cannot decide (new entries beside a deny, a
# directory made or replaced after the start), the supervisor still
# performs the call.  --debug's closing line counts which was which, so
# each check below knows which path it took; the attacks then try to get a
# write past the protected set through the continued calls.
. "$(dirname "$0")/../lib/tap.sh"
needs_per_tool "every check of this script (mediated policies)" || exit 0
needs_tool "every check of this script (real git)" git || exit 0

p="$T/proj"
export GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_TEMPLATE_DIR
git init -q "$p"
mkdir -p "$p/src" "$p/lib" "$p/A"
for i in 1 2 3 4 5; do echo "v$i" >"$p/src/f$i"; done
printf '[sandbox]\nallowWrite = .\n' >"$T/cfg/plain.ini"
cp -a "$p/.git/hooks" "$T/hooks.before"
cp "$p/.git/config" "$T/config.before"
# plain CMD...: the tool under `allowWrite = .` with --debug; the closing
# line of the supervisor is in $T/err.
plain() { timeout 120 "$LS" --debug -c "$T/cfg/plain.ini" -- "$@"; }
# left N M: the supervisor's line says N calls were left to Landlock and
# M decided or performed by the supervisor (a number, or a regex).
left_line() { await_debug_line && grep -Eq "debug: [^:]*: [0-9]+ file-system calls trapped, $1 of them left to Landlock .* $2 decided or performed" "$T/err"; }
hooks_unchanged() { diff -r "$T/hooks.before" "$p/.git/hooks" >/dev/null && cmp -s "$T/config.before" "$p/.git/config"; }

check "--check: the project is mediated (the protected set)" 0 "$LS" -c "$T/cfg/plain.ini" --check
check_out "the root is listed as mediated" "^  $p\$"

# Rewriting existing files in a directory that existed at the start: every
# open is left to Landlock.
check "rewriting files in an existing directory" 0 \
	plain sh -c 'for i in 1 2 3 4 5; do echo new$i >src/f$i; done'
pass "the files were rewritten" grep -qx new3 "$p/src/f3"
pass "all five opens were left to Landlock, none performed" left_line 5 0
check "unlink and create again (git's checkout does so)" 0 \
	plain sh -c 'rm src/f1 && echo again >src/f1 && mv src/f2 lib/f2 && ln lib/f2 src/f2 && chmod 600 src/f1'
pass "unlink, create, rename across two granted directories, link, chmod: done" \
	sh -c "grep -qx again '$p/src/f1' && test -f '$p/lib/f2' && test \$(stat -c %a '$p/src/f1') = 600"
pass "the entry calls were left to Landlock" left_line '[1-9][0-9]*' '[0-9]+'
# Landlock has no right for chmod, chown, xattrs or times: those are the
# supervisor's wherever they are (a chmod of a protected file must fail).
check "chmod in a granted directory" 0 plain chmod 640 src/f1
pass "it was decided by the supervisor, not left to Landlock" left_line 0 '[1-9]'

# New entries directly in the project (on the path to .git/hooks and the
# agent files that do not exist yet): Landlock grants no create there, so
# the supervisor performs them; and inside a directory made after the
# start, which is in no ruleset.
check "a new file at the top of the project" 0 plain sh -c 'echo top >newtop'
pass "it exists" grep -qx top "$p/newtop"
pass "performed by the supervisor" left_line 0 '[1-9][0-9]*'
# Files beside the path to a deny are not in the snapshot (directories
# are: a rule each costs every exec, and such files are mostly replaced by
# a rename, an entry the supervisor performs anyway).
echo old >"$p/README"
check "an existing file at the top of the project, rewritten" 0 plain sh -c 'echo new >README'
pass "it was rewritten" grep -qx new "$p/README"
pass "performed by the supervisor" left_line 0 1
check "files in a directory made after the start" 0 \
	plain sh -c 'mkdir -p made/sub && for i in 1 2 3; do echo $i >made/sub/f$i; done'
pass "they exist" test -f "$p/made/sub/f3"
pass "none was left to Landlock" left_line 0 '[1-9][0-9]*'
# A directory of the snapshot removed and made again by the tool: the
# ruleset holds the old inode, so the new one is the supervisor's.  Left
# to Landlock, these writes would fail with EACCES.
rm -rf "$p/lib" && mkdir "$p/lib"
check "a granted directory removed and made again, then written" 0 \
	plain sh -c 'rmdir lib && mkdir lib && echo x >lib/new && echo y >lib/new2'
pass "the files exist" test -f "$p/lib/new2"
pass "the writes in the new directory were performed" left_line 0 '[1-9][0-9]*'
check "a granted directory renamed away and back" 0 \
	plain sh -c 'mv src src.old && mv src.old src && echo z >src/after'
pass "the file exists" grep -qx z "$p/src/after"

# Attacks: through the continued calls, into the protected set.
check "a granted directory replaced by a symlink to .git/hooks, written through" 2 \
	plain sh -c 'mv A A.old && ln -s .git/hooks A && echo pwn >A/pre-commit'
pass ".git/hooks unchanged" hooks_unchanged
rm -f "$p/A" && mv "$p/A.old" "$p/A"
check "a granted file replaced by a hard link to .git/config, then truncated" 1 \
	plain sh -c 'rm src/f3 && ln .git/config src/f3'
pass ".git/config unchanged" hooks_unchanged
check "a symlink in a granted directory to .git/config, opened for writing" 2 \
	plain sh -c 'ln -s ../.git/config src/cfg && echo "[core] hooksPath = /tmp" >src/cfg'
pass ".git/config unchanged" hooks_unchanged
rm -f "$p/src/cfg"
check "a granted directory moved into .git/hooks" 1 plain mv "$p/A" "$p/.git/hooks/A"
pass ".git/hooks unchanged" hooks_unchanged

# The race the design rests on: a thread of the tool swaps a granted
# directory's entry A/x between a real directory and a symlink to
# .git/hooks while another creates files through A/x.  The supervisor
# may see the directory and continue; the kernel then resolves the path
# again, maybe through the symlink, and Landlock refuses.
race_baseline() {
	"$TRY" race-symlink 500 "$T/base" "$T/base-denied" >"$T/out" 2>"$T/err" </dev/null
}
mkdir -p "$T/base" "$T/base-denied"
race_baseline
case $? in
3) _tap_result ok "baseline: the symlink race lands files in the target unconfined"
	check "race: A/x swapped with a symlink to .git/hooks while files are created through it" 0 \
		plain "$TRY" race-symlink 1500 "$p/A" "$p/.git/hooks"
	check_out "the racer flipped, creates landed in A/x and were refused through the link" \
		'^ok escapes=0 flips=[1-9][0-9]* created=[1-9][0-9]* refused=[1-9]'
	pass "calls were left to Landlock during the race" left_line '[1-9][0-9]*' '[0-9]+'
	pass ".git/hooks unchanged" hooks_unchanged
	# The same names relative to the working directory: the supervisor
	# names those from the cwd's name and one open refusing symlinks.
	check "race: the same, the names relative to the working directory" 0 \
		plain "$TRY" race-symlink 1500 "$p/A" "$p/.git/hooks" relative
	check_out "relative: creates landed in A/x and were refused through the link" \
		'^ok escapes=0 flips=[1-9][0-9]* created=[1-9][0-9]* refused=[1-9]'
	pass ".git/hooks unchanged" hooks_unchanged
	;;
0) skip "the symlink race through a granted directory" "unconfined the race never won: $(head -n 1 "$T/out")" ;;
*) _tap_result "not ok" "baseline: the symlink race (status $?)" ;;
esac

# The working directory is the real directory while its name flips
# between it and a symlink to .git/hooks: every bare name belongs in it,
# whatever its name when the supervisor reads it.  None is refused, none
# lands in .git/hooks.
mkdir "$p/C" # granted: it exists when the tool starts
check "race: bare names in a working directory whose name flips with a symlink to .git/hooks" 0 \
	plain "$TRY" race-symlink 1500 "$p/C" "$p/.git/hooks" cwd
check_out "cwd: every create landed in the directory, none refused" \
	'^ok escapes=0 flips=[1-9][0-9]* created=1500 refused=0 other=0'
pass ".git/hooks unchanged" hooks_unchanged

# Real git on the fast path: a checkout that rewrites every file.
git -C "$p" add -A >/dev/null 2>&1
git -C "$p" -c user.name=t -c user.email=t@t.invalid commit -qm one
git -C "$p" checkout -q -b two
for f in "$p"/src/f*; do echo changed >>"$f"; done
git -C "$p" -c user.name=t -c user.email=t@t.invalid commit -qam two
git -C "$p" checkout -q master
check "git checkout of a branch that rewrites the files" 0 plain git checkout -q two
pass "the work tree is the branch" sh -c "git -C '$p' diff --quiet HEAD && grep -q changed '$p/src/f4'"
pass "its writes were left to Landlock" left_line '[1-9][0-9]*' '[0-9]+'
pass ".git/hooks and .git/config unchanged" hooks_unchanged
