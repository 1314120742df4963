#!/bin/bash
# The built-in protected set (issue 15, THREATS.md #16): with the embedded
# default or a plain `allowWrite = .`, a tool may write the project but not
# what other software runs or reads later outside any sandbox: git's hooks
# and config (the project's repository, nested ones, submodules, worktrees),
# agent and editor settings, the shells' start-up files.  Every way in is
# tried; each refusal has an unconfined baseline where one means something.
# Then the workflows that must keep working, and the relax line.
. "$(dirname "$0")/../lib/tap.sh"
needs_per_tool "every check of this script (mediated policies)" || exit 0
needs_tool "every check of this script (real git)" git || exit 0

p="$T/proj"
export TMPDIR="$T/tmp" GIT_CONFIG_NOSYSTEM=1 npm_config_update_notifier=false
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_TEMPLATE_DIR
mkdir -p "$TMPDIR"
printf '[user]\n\tname = t\n\temail = t@t.invalid\n[init]\n\tdefaultBranch = master\n[advice]\n\tdetachedHead = false\n[protocol "file"]\n\tallow = always\n' \
	>"$HOME/.gitconfig"
printf '[sandbox]\nallowWrite = .\n' >"$T/cfg/plain.ini"
# The embedded default: no config in $HOME.  $T is under /tmp, a write
# root of the default, so the whole tree ($HOME included) is writable but
# for the protected set.
def() { timeout 120 "$LS" -- "$@"; }
plain() { timeout 120 "$LS" -c "$T/cfg/plain.ini" -- "$@"; }
nonzero() { "$@"; local rc=$?; [ "$rc" != 0 ] && [ "$rc" != 124 ] && [ "$rc" -le 128 ]; }
absent() { [ ! -e "$1" ] && [ ! -L "$1" ]; }
same() { cmp -s "$1" "$2"; }

# The project: a repository with a commit, a submodule, a nested
# repository two levels down; a baseline copy to show what unconfined
# tools do.
git init -q "$T/subsrc" && git -C "$T/subsrc" commit -q --allow-empty -m s
git init -q "$p" && echo a >"$p/a" && git -C "$p" add a && git -C "$p" commit -qm a
git -C "$p" submodule -q add "$T/subsrc" sub >/dev/null 2>&1 && git -C "$p" commit -qm sub
mkdir -p "$p/n1/n2" && git init -q "$p/n1/n2"
git clone -q "$p" "$T/base" 2>/dev/null
mkdir -p "$p/.claude" "$p/.vscode"
cp "$p/.git/config" "$T/config.before"
cd "$p" || exit 1
# After each attack: undo whatever it did, so that each one is tried on an
# untouched tree (against a build without the protection, each fails alone).
restore() {
	cd "$p" || exit 1
	[ -d git-moved ] && [ ! -e .git ] && mv git-moved .git
	[ -d .git/hooks-moved ] && [ ! -e .git/hooks ] && mv .git/hooks-moved .git/hooks
	[ -d .git/hooks/n2 ] && "$TRY" rename-exchange .git/hooks n1 >/dev/null
	rm -rf git-moved .git/hooks-moved
	rm -f .git/hooks/pre-commit .git/modules/sub/hooks/pre-commit n1/n2/.git/hooks/pre-commit \
		.git/config.worktree .claude/settings.json .claude/settings.local.json .mcp.json \
		.vscode/tasks.json .envrc "$HOME/.bashrc" "$HOME/.profile"
	cp "$T/config.before" .git/config
	git -C sub config --unset core.hooksPath 2>/dev/null
	git -C n1/n2 config --unset core.hooksPath 2>/dev/null
	echo evil >"$p/evil"
}
check "setup: the submodule's git dir is .git/modules/sub" 0 test -d .git/modules/sub/hooks

check "baseline: unconfined git config core.hooksPath writes .git/config" 0 git -C "$T/base" config core.hooksPath /tmp/x
check "baseline: unconfined, a hook can be planted" 0 "$TRY" write "$T/base/.git/hooks/pre-commit"

restore
for mode in def plain; do
	check "$mode: git config core.hooksPath is refused" 0 nonzero $mode git config core.hooksPath /tmp/x
	check_err "  the refusal names the protection and the line to add" \
		"refused .*$p/\.git/config.*: protected \(built-in: git reads it outside the sandbox\); to allow it: allowWrite = $p/\.git/config"
	check "  .git/config is unchanged" 0 same .git/config "$T/config.before"
	restore
	check "$mode: git config core.fsmonitor is refused" 0 nonzero $mode git config core.fsmonitor /tmp/x
	restore
	check "$mode: git config alias.st is refused" 0 nonzero $mode git config alias.st '!sh /tmp/x'
	check "  .git/config is unchanged" 0 same .git/config "$T/config.before"
	restore
	check "$mode: .git/hooks/pre-commit, a new file, refused" 1 $mode "$TRY" write .git/hooks/pre-commit
	check_err "  the refusal names the protection" "protected \(built-in: git runs it outside the sandbox\); to allow it: allowWrite = $p/\.git/hooks"
	restore
	check "$mode: creat() of it refused" 1 $mode "$TRY" creat .git/hooks/pre-commit
	restore
	check "$mode: openat with a dirfd of .git refused" 1 $mode "$TRY" at .git openat hooks/pre-commit wronly,creat
	restore
	check "$mode: create via /proc/self/fd/N of .git/hooks refused" 1 $mode "$TRY" at .git/hooks create @pre-commit
	restore
	check "$mode: create via /proc/self/fd/N of .git refused" 1 $mode "$TRY" at .git create @hooks/pre-commit
	restore
	check "$mode: rename over .git/hooks/pre-commit refused" 1 $mode "$TRY" rename evil .git/hooks/pre-commit
	restore
	check "$mode: rename of .git (an ancestor moved) refused" 1 $mode "$TRY" rename .git git-moved
	restore
	check "$mode: rename of .git/hooks refused" 1 $mode "$TRY" rename .git/hooks .git/hooks-moved
	restore
	check "$mode: a directory put in place of .git/hooks refused" 1 $mode "$TRY" rename-exchange .git/hooks "$p/n1"
	restore
	$mode "$TRY" symlink "$p/.git/hooks/pre-commit" "$p/lnk-$mode" >/dev/null 2>&1
	check "$mode: a write through a symlink to .git/hooks/pre-commit refused" 1 $mode "$TRY" write "lnk-$mode"
	restore
	check "$mode: .git/config by hand refused" 1 $mode "$TRY" write .git/config x
	restore
	check "$mode: .git/config.worktree refused" 1 $mode "$TRY" write .git/config.worktree x
	check "  no hook was planted" 0 absent .git/hooks/pre-commit
	check "  .git and its hooks are where they were" 0 test -d .git/hooks -a ! -e git-moved -a ! -e .git/hooks-moved
	restore

	# a repository nested two levels down
	check "$mode: nested repo n1/n2: git config refused" 0 nonzero $mode git -C n1/n2 config core.hooksPath /tmp/x
	restore
	check "$mode: nested repo n1/n2: a hook refused" 1 $mode "$TRY" write n1/n2/.git/hooks/pre-commit
	restore
	# a submodule: its git dir is .git/modules/sub
	check "$mode: submodule .git/modules/sub/hooks refused" 1 $mode "$TRY" write .git/modules/sub/hooks/pre-commit
	restore
	check "$mode: git -C sub config refused" 0 nonzero $mode git -C sub config core.hooksPath /tmp/x
	check "  the submodule's config is unchanged" 1 grep -q hooksPath .git/modules/sub/config
	restore

	# agents, editors, shells
	check "$mode: .claude/settings.json refused" 1 $mode "$TRY" write .claude/settings.json '{}'
	check_err "  the refusal names the protection" "protected \(built-in: agents and editors run what it names outside the sandbox\)"
	restore
	check "$mode: .claude/settings.local.json refused" 1 $mode "$TRY" write .claude/settings.local.json '{}'
	restore
	check "$mode: .mcp.json refused" 1 $mode "$TRY" write .mcp.json '{}'
	restore
	check "$mode: .vscode/tasks.json refused" 1 $mode "$TRY" write .vscode/tasks.json '{}'
	restore
	check "$mode: .envrc refused" 1 $mode "$TRY" write .envrc 'curl x | sh'
	restore
	check "$mode: .envrc by rename refused" 1 $mode "$TRY" rename evil .envrc
	check "  none of them was created" 0 test ! -e .claude/settings.json -a ! -e .mcp.json -a ! -e .vscode/tasks.json -a ! -e .envrc
	restore
	rm -f "$p/evil"
done
check "baseline: unconfined, .mcp.json can be created" 0 "$TRY" write "$T/base/.mcp.json" '{}'

# ~/.bashrc: protected where a write root covers it (the default's /tmp
# covers $HOME here).
case $HOME in
/tmp/* | /var/tmp/* | /dev/shm/*)
	check "def: ~/.bashrc refused (HOME inside a write root)" 1 def "$TRY" write "$HOME/.bashrc" 'curl x | sh'
	restore
	check "def: ~/.profile refused" 1 def "$TRY" write "$HOME/.profile" x
	restore
	check "def: ~/.gitconfig refused" 1 def "$TRY" append "$HOME/.gitconfig" x
	check "  ~/.bashrc was not created" 0 absent "$HOME/.bashrc"
	restore
	check "def: another file in HOME is writable" 0 def "$TRY" write "$HOME/notes" x
	restore
	;;
*) skip "~/.bashrc under the default" "HOME ($HOME) is not under /tmp, /var/tmp or /dev/shm" ;;
esac

# A worktree: its .git is a file naming .git/worktrees/wt, whose commondir
# is the main repository's .git.
git -C "$p" worktree add -q "$T/wt" -b wtb 2>/dev/null
cd "$T/wt" || exit 1
check "setup: the worktree's .git is a file" 0 test -f .git
check "worktree: its git dir's config.worktree refused" 1 def "$TRY" write "$p/.git/worktrees/wt/config.worktree" x
check "worktree: its git dir's hooks refused" 1 def "$TRY" write "$p/.git/worktrees/wt/hooks" x
check "worktree: the common config refused" 0 nonzero def git config core.hooksPath /tmp/x
check "  the common config is unchanged" 0 same "$p/.git/config" "$T/config.before"
check "worktree: the common hooks refused" 1 def "$TRY" write "$p/.git/hooks/pre-commit" x
check "worktree: a commit works" 0 def git commit -q --allow-empty -m wt
# The .git file names the git dir: rewritten, git would run the hooks of
# one the tool made (checked with real git, unconfined, first).
cp .git "$T/wt-dotgit.before"
git init -q "$T/evil" &&
	printf '#!/bin/sh\necho EVIL\n' >"$T/evil/.git/hooks/pre-commit" &&
	chmod +x "$T/evil/.git/hooks/pre-commit"
printf 'gitdir: %s\n' "$T/evil/.git" >.git
pass "baseline: with .git rewritten unconfined, git runs the tool's hook" \
	sh -c "git commit -q --allow-empty -m x 2>&1 | grep -q EVIL"
cp "$T/wt-dotgit.before" .git
check "worktree: its .git file rewritten refused" 2 def sh -c "printf 'gitdir: $T/evil/.git\\n' >.git"
check "worktree: its .git file replaced by rename refused" 1 def sh -c "printf 'gitdir: $T/evil/.git\\n' >g && mv -f g .git"
check "  the .git file is unchanged" 0 same .git "$T/wt-dotgit.before"
check "worktree: its git dir's commondir refused" 1 def "$TRY" write "$p/.git/worktrees/wt/commondir" x
cd "$p" || exit 1
check "main checkout: the worktree's config.worktree refused" 1 def "$TRY" write "$p/.git/worktrees/wt/config.worktree" x
check "main checkout: the worktree's commondir refused" 1 def "$TRY" write "$p/.git/worktrees/wt/commondir" x

# --check lists the set; the relax line.
check "--check shows the protected set" 0 timeout 120 "$LS" --check
check_out "  .git/hooks (built-in)" "$p/\.git/hooks +\(built-in\) git runs it"
check_out "  .git/config (built-in)" "$p/\.git/config +\(built-in\) git reads it"
check_out "  .mcp.json (built-in)" "$p/\.mcp\.json +\(built-in\)"
cat >"$T/cfg/relax.ini" <<INI
[sandbox]
allowWrite = .

[tool.git]
allowWrite = .git/config
INI
check "relaxed: allowWrite = .git/config in [tool.git]: git config user.email works" 0 \
	timeout 120 "$LS" -c "$T/cfg/relax.ini" -p git -- git config user.email x@y
check "  it is written" 0 test "$(git config user.email)" = x@y
check "  the hooks stay protected" 1 timeout 120 "$LS" -c "$T/cfg/relax.ini" -p git -- "$TRY" write .git/hooks/pre-commit
check "  without -p git the config stays protected" 1 timeout 120 "$LS" -c "$T/cfg/relax.ini" -- "$TRY" write .git/config x
check "--check -p git shows the relax line" 0 "$LS" -c "$T/cfg/relax.ini" -p git --check
check_out "  relaxed by the line in [tool.git]" "$p/\.git/config +\(built-in, relaxed by allowWrite = \.git/config +\($T/cfg/relax\.ini:5\)\)"
git config --unset user.email
cp "$p/.git/config" "$T/config.before"

# Workflows that must keep working.
for mode in def plain; do
	check "$mode: git init of a new repository in the project" 0 $mode git init -q "new-$mode"
	check "  its config and sample hooks were written" 0 test -f "new-$mode/.git/config" -a -f "new-$mode/.git/hooks/pre-commit.sample"
	# Within the start that made it, the repository is the tool's own; a
	# later start finds its git dir and protects it like any other.
	check "  within the same start its config can be changed" 0 $mode sh -c "git init -q new2-$mode && git -C new2-$mode config core.autocrlf false"
	check "  a later start protects it" 0 nonzero $mode git -C "new-$mode" config core.autocrlf false
	check "$mode: git clone of a new repository in the project" 0 $mode git clone -q "$T/subsrc" "clone-$mode"
	check "  it has its config" 0 test -f "clone-$mode/.git/config"
	echo "$mode" >"$p/f-$mode"
	check "$mode: git add" 0 $mode git add "f-$mode"
	check "$mode: git commit" 0 $mode git commit -qm "$mode"
	check "$mode: git checkout -b" 0 $mode git checkout -qb "br-$mode"
	echo x >>"$p/a"
	check "$mode: git commit -a on the branch" 0 $mode git commit -qam "a-$mode"
	check "$mode: git branch" 0 $mode git branch "other-$mode" master
	echo y >>"$p/a"
	check "$mode: git stash" 0 $mode git stash -q
	check "$mode: git stash pop" 0 $mode git stash pop -q
	check "$mode: git checkout -- a" 0 $mode git checkout -q -- a
	check "$mode: git checkout master" 0 $mode git checkout -q master
	echo z >"$p/m-$mode" && git add "m-$mode" && git commit -qm "m-$mode"
	check "$mode: git rebase" 0 $mode git rebase -q master "br-$mode"
	check "$mode: git checkout master again" 0 $mode git checkout -q master
	check "$mode: git gc" 0 $mode git gc -q
	check "  .git/config is unchanged by all of it" 0 same .git/config "$T/config.before"
	check "$mode: files and directories anywhere else" 0 $mode sh -c "mkdir -p d-$mode/e/f && echo x > d-$mode/e/f/g && echo y > top-$mode && mv top-$mode d-$mode/ && mkdir .claude/x-$mode"
done

if command -v npm >/dev/null && command -v node >/dev/null; then
	mkdir -p "$T/outside/localpkg" "$p/app"
	echo '{"name":"localpkg","version":"1.0.0","main":"index.js"}' >"$T/outside/localpkg/package.json"
	echo 'module.exports = 42' >"$T/outside/localpkg/index.js"
	echo '{"name":"app","version":"1.0.0","private":true}' >"$p/app/package.json"
	cd "$p/app" || exit 1
	check "def: npm install of a local package into a missing node_modules" 0 \
		env npm_config_cache="$T/tmp/npm" timeout 180 "$LS" -- npm install --offline --no-audit --no-fund --install-links "$T/outside/localpkg"
	check "  it loads" 0 node -e 'process.exit(require("localpkg") === 42 ? 0 : 1)'
	cd "$p" || exit 1
else
	skip "npm install" "npm or node not installed"
fi
