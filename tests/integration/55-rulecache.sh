#!/bin/bash
# The session supervisor's ruleset cache, attacked: a ruleset built by one
# call is reused by the next with the same policy in the same place only
# while nothing the walk looked at has changed.  The attacks change the
# filesystem between two calls (a new entry, a directory renamed onto a
# denied path, a symlink retargeted) and the policy (the config, the
# directory a call starts in); after each, the next call must decide as a
# fresh walk would.  Every check that a stale ruleset would pass has a
# partner showing the cache was in use just before (the debug line).
#
# The script is its own agent: it reruns itself under
# `landstrip-supervisor --`, so every shim below is in session mode.  It
# does so before tap.sh gives it a HOME of its own: --no-wrappers keeps the
# wrappers of the user running the tests, if any, out of its PATH.
if [ -z "${LANDSTRIP_SUPERVISOR_FD:-}" ]; then
	exec "$(dirname "$LS")/landstrip-supervisor" --no-wrappers -- bash "$0" "$@"
fi
. "$(dirname "$0")/../lib/tap.sh"

H=$HOME
mkdir -p "$H/notes" "$H/real" "$T/proj/sub"
echo note >"$H/notes/x"
echo key >"$H/key"
write_config <<INI
[sandbox]
allowWrite = .
denyRead = $H/key
denyRead = $H/secret
INI
# The cache keeps only rulesets whose directories have not changed for
# 50 ms (a change within the filesystem's timestamp granularity could leave
# a ctime unchanged): let the setup above settle.
settle() { sleep 0.1; }
HIT='ruleset from the session supervisor.s cache'
# debug_run CMD...: the call under LANDSTRIP_DEBUG, like check.
debug_run() { LANDSTRIP_DEBUG=1 "$@"; }
# expect_hit DESC CMD...: CMD (which must succeed) gets the kept ruleset,
# within fifteen tries: anything else changing a directory on the way (/tmp
# is shared, and other test suites may be busy in it) only costs a walk,
# and the next call keeps the ruleset again.
expect_hit() {
	local desc=$1 try
	shift
	for try in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
		LANDSTRIP_DEBUG=1 "$@" >"$T/out" 2>"$T/err" </dev/null &&
			grep -q "$HIT" "$T/err" && break
		settle
		[ "$try" -gt 5 ] && settle # a busier /tmp: wait longer
	done
	check_err "$desc" "$HIT"
}
# back_to_base_policy: the plain policy again, and one call that offers
# its ruleset (the next may then find it kept).
back_to_base_policy() {
	write_config <<INI
[sandbox]
allowWrite = .
denyRead = $H/key
INI
	settle
	"$LS" -- "$TRY" read "$H/notes/x" >/dev/null 2>&1
}
# offer: settle, one call that offers its ruleset, settle again (the next
# call may then find it kept).
offer() {
	settle
	"$LS" -- true >/dev/null 2>&1
	settle
}
# repo_with_dirs DIR SUB N: a repository at DIR with src/ and N directories
# under SUB (two levels down), and DIR the current directory.
repo_with_dirs() {
	mkdir -p "$1/src"
	git init -q "$1"
	for i in $(seq "$3"); do mkdir -p "$1/$2/p$i"; done
	cd "$1" || exit 1
}
# expect_miss DESC: the last call did not get a kept ruleset.
expect_miss() {
	if grep -q "$HIT" "$T/err"; then _tap_result "not ok" "$1"
	else _tap_result ok "$1"; fi
}
: >"$T/out" 2>"$T/err" # check's files: made now, they change no dep later
settle

# ---- a hit: same decisions as the walk -------------------------------------
# The first call offers what it built, unless a directory it walked
# changed in the last 50 ms (/tmp is shared): then the next call offers.
for try in 1 2 3 4 5; do
	debug_run "$LS" -- "$TRY" read "$H/notes/x" >"$T/out" 2>"$T/err" </dev/null
	status=$?
	grep -q 'not offered to the cache: a directory changed' "$T/err" || break
	settle
done
if [ "$status" = 0 ]; then _tap_result ok "first call: walks, reads an allowed file"
else _tap_result "not ok" "first call: walks, reads an allowed file"; fi
check_err "first call: offers its ruleset to the cache" 'ruleset offered'
expect_miss "first call: no ruleset in the cache yet"
check "second call: reads the same file" 0 "$LS" -- "$TRY" read "$H/notes/x"
expect_hit "a later call uses the kept ruleset" "$LS" -- "$TRY" read "$H/notes/x"
check "second call (kept ruleset): a denied file stays denied" 1 "$LS" -- "$TRY" read "$H/key"
check_out "a denied file: EACCES" '^EACCES$'
check "kept ruleset: writes in the project" 0 "$LS" -- "$TRY" write "$T/proj/sub/w"
check "kept ruleset: no write outside it" 1 "$LS" -- "$TRY" write "$H/notes/w"
check_out "a write outside: EACCES" '^EACCES$'

# ---- a new entry next to what the walk granted ------------------------------
# The walk grants every entry of $HOME but the denied ones, one by one: a
# file made later is in no rule of the kept ruleset.  The fresh walk the
# change must trigger grants it.
expect_hit "before a new entry: the ruleset is kept" "$LS" -- "$TRY" read "$H/notes/x"
echo new >"$H/new"
check "a file made after the ruleset was kept is readable" 0 debug_run "$LS" -- "$TRY" read "$H/new"
expect_miss "a changed directory: the kept ruleset is dropped"
settle
check "and kept again" 0 "$LS" -- "$TRY" read "$H/new"
expect_hit "once settled, the new ruleset is kept" "$LS" -- "$TRY" read "$H/new"

# ---- a granted directory renamed onto a denied path --------------------------
# $HOME/secret is denied but does not exist: the walk granted $HOME/notes
# as a sibling.  Renamed to $HOME/secret, its inode is the one the kept
# ruleset grants; a stale reuse would read the denied path.
expect_hit "before the rename: the ruleset is kept" "$LS" -- "$TRY" read "$H/notes/x"
mv "$H/notes" "$H/secret"
check "baseline: the renamed file is readable unconfined" 0 "$TRY" read "$H/secret/x"
check "a granted directory renamed onto a denied path: denied" 1 "$LS" -- "$TRY" read "$H/secret/x"
check_out "renamed onto a denied path: EACCES" '^EACCES$'
mv "$H/secret" "$H/notes"
settle

# ---- the policy and the starting directory are the key ------------------------
"$LS" -- "$TRY" read "$H/notes/x" >/dev/null 2>&1
expect_hit "before the config changes: the ruleset is kept" "$LS" -- "$TRY" read "$H/notes/x"
write_config <<INI
[sandbox]
allowWrite = .
denyRead = $H/key
denyRead = $H/secret
denyRead = $H/notes
INI
check "a line added to the config applies at once" 1 "$LS" -- "$TRY" read "$H/notes/x"
check_out "the new denyRead: EACCES" '^EACCES$'
back_to_base_policy
expect_hit "from the project: the ruleset is kept" "$LS" -- "$TRY" write "$T/proj/w2"
check "allowWrite = . from another directory is that directory" 0 \
	bash -c 'cd "$1" && exec "$2" -- "$3" write "$1/w3"' _ "$H/real" "$LS" "$TRY"
check "... and no longer the project" 1 \
	bash -c 'cd "$1" && exec "$2" -- "$3" write "$4/w4"' _ "$H/real" "$LS" "$TRY" "$T/proj"
check_out "the project from elsewhere: EACCES" '^EACCES$'

# ---- what the recording cannot follow is never kept ---------------------------
ln -s "$H/real" "$H/link"
write_config <<INI
[sandbox]
allowWrite = $H/link
denyRead = $H/key
INI
settle
check "a symlink in a policy path: runs" 0 debug_run "$LS" -- "$TRY" write "$H/real/s1"
check_err "a symlink in a policy path: the ruleset is not offered" 'not offered to the cache: a symlink'
check "(second call)" 0 debug_run "$LS" -- "$TRY" write "$H/real/s2"
expect_miss "a symlink in a policy path: never from the cache"
ln -sfn "$H/notes" "$H/link"
check "the symlink retargeted: the new target is the write root" 0 "$LS" -- "$TRY" write "$H/notes/s3"
check "... and the old one no longer" 1 "$LS" -- "$TRY" write "$H/real/s4"
check_out "the old target: EACCES" '^EACCES$'

# ---- another mount namespace gets nothing from the cache ----------------------
back_to_base_policy
expect_hit "this namespace: the ruleset is kept" "$LS" -- "$TRY" read "$H/notes/x"
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	# Two calls in one other namespace: the first offers, the second
	# would get it back if the supervisor kept what it cannot check.
	check "in another mount namespace: runs" 0 \
		unshare -m bash -c '"$1" -- "$2" read "$3" && sleep 0.1 &&
			LANDSTRIP_DEBUG=1 "$1" -- "$2" read "$3"' _ "$LS" "$TRY" "$H/notes/x"
	expect_miss "another mount namespace: not from the cache"
else
	skip "another mount namespace: not from the cache" "unshare -m needs root here"
fi

# ---- only a Landlock ruleset is kept --------------------------------------------
# From outside any sandbox (the session socket is the agent's): a CACHE_PUT
# with no directory to watch, then a CACHE_GET of its key.  A real ruleset
# is kept (the baseline); /dev/null offered as one is not.
check "a Landlock ruleset offered: kept" 0 "$TRY" session-junk cache-ruleset
check_out "a Landlock ruleset offered: the same key hits" '^hit$'
check "a file offered as a ruleset" 0 "$TRY" session-junk cache-file
check_out "a file offered as a ruleset: not kept" '^miss$'

# ---- the snapshot of a mediated root is kept too ------------------------------
# No denyRead: the protected set alone (a repository in the project) makes
# the project a mediated root, whose snapshot the walk takes each time
# unless the ruleset is kept.  A kept one leaves writes in a directory of
# the snapshot to Landlock; a directory replaced since is a miss, and its
# new inode is the one granted.
mkdir -p "$T/proj/.git/hooks" "$T/proj/lib"
write_config <<INI
[sandbox]
allowWrite = .
INI
offer
expect_hit "a mediated root without denyRead: the ruleset is kept" "$LS" -- "$TRY" write "$T/proj/lib/a"
await_debug_line
check_err "the kept snapshot leaves the write to Landlock" 'trapped, 1 of them left to Landlock'
rm -r "$T/proj/lib" && mkdir "$T/proj/lib"
settle
check "a granted directory replaced since: not from the cache" 0 debug_run "$LS" -- "$TRY" write "$T/proj/lib/b"
expect_miss "a granted directory replaced since: not from the cache"
settle
expect_hit "the new directory's ruleset is kept" "$LS" -- "$TRY" write "$T/proj/lib/c"
await_debug_line
check_err "and the new directory is the one granted" 'trapped, 1 of them left to Landlock'

# ---- the protected set is scanned with the walk, and kept with it ---------------
# In a session a run asks the cache before it scans for repositories; a
# kept ruleset must therefore be given up when anything the scan looked
# at changes: a repository made since in a subdirectory, or a .git file
# rewritten in place to name another git dir (a file's content, not a
# directory entry: its own ctime is watched).
check "a repository made since the ruleset was kept" 0 git init -q "$T/proj/sub/r"
settle
check "its hooks are protected at once" 1 debug_run "$LS" -- "$TRY" write "$T/proj/sub/r/.git/hooks/pre-commit"
expect_miss "  (not from the cache)"
settle
expect_hit "kept again" "$LS" -- "$TRY" write "$T/proj/lib/d"
check "and still protected from the kept ruleset" 1 "$LS" -- "$TRY" write "$T/proj/sub/r/.git/hooks/pre-commit"
git init -q "$T/proj/sub/deep/er/other" # below the scan's two levels
mkdir -p "$T/proj/sub/wk"
printf 'gitdir: %s\n' "$T/proj/sub/r/.git" >"$T/proj/sub/wk/.git"
# A checkout whose .git file names sub/r, as the project itself (the .git
# file is read at each scan), in a write root that holds the other
# repository too.
write_config <<INI
[sandbox]
allowWrite = $T/proj
INI
cd "$T/proj/sub/wk" || exit 1
offer
expect_hit "a checkout whose .git file names sub/r: kept" "$LS" -- "$TRY" write "$T/proj/lib/e"
printf 'gitdir: %s\n' "$T/proj/sub/deep/er/other/.git" >.git # in place
settle
check "the .git file rewritten to name another git dir: its hooks protected" 1 \
	debug_run "$LS" -- "$TRY" write "$T/proj/sub/deep/er/other/.git/hooks/pre-commit"
expect_miss "  (not from the cache)"
cd "$T/proj" || exit 1

# ---- a scan too wide to watch ---------------------------------------------------
# 300 directories two levels down, each looked into for a .git, are more
# than the cache follows: the ruleset is then kept under what the scan
# found (it runs at every call), with only the walk watched.
write_config <<INI
[sandbox]
allowWrite = .
INI
repo_with_dirs "$T/wide" vendor 300
offer
expect_hit "a scan of 300 directories: the ruleset is kept all the same" "$LS" -- "$TRY" write "$T/wide/src/a"
check_err "  keyed on what the scan found" 'scan is not watched'
git init -q "$T/wide/vendor/p7"
settle
check "a repository made since in one of them: its hooks protected at once" 1 \
	"$LS" -- "$TRY" write "$T/wide/vendor/p7/.git/hooks/pre-commit"
# A node_modules is not looked into (package managers leave no repository
# there): 300 packages keep the scan narrow, and watched.
repo_with_dirs "$T/js" node_modules 300
offer
expect_hit "a node_modules of 300 packages: the ruleset is kept" "$LS" -- "$TRY" write "$T/js/src/a"
if grep -q 'scan is not watched' "$T/err"; then _tap_result "not ok" "  with the scan watched"
else _tap_result ok "  with the scan watched"; fi
cd "$T/proj" || exit 1
