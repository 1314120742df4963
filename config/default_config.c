/* The policy used when no config file exists at the default places.
 *
 * It is INI text run through the same parser as a user's file, so what
 * --check prints for it is exactly what applies.  It lets common tools work
 * in the current project (new files at its top level, git init, npm install)
 * while secrets stay unreadable and everything outside the project, the
 * temporary directories and the user's caches stays unwritable. */
#include "config.h"

const char embedded_default_config[] =
	"[sandbox]\n"
	"allowWrite = .\n"
	"allowWrite = /tmp\n"
	"allowWrite = /var/tmp\n"
	"allowWrite = /dev/shm\n"
	"allowWrite = ~/.cache\n"
	"allowWrite = ~/.npm\n"
	"denyRead = ~/.ssh\n"
	"denyRead = ~/.gnupg\n"
	"denyRead = ~/.aws\n"
	"denyRead = ~/.azure\n"
	"denyRead = ~/.config/gcloud\n"
	"denyRead = ~/.kube\n"
	"denyRead = ~/.docker\n"
	"denyRead = ~/.netrc\n"
	"denyRead = ~/.git-credentials\n"
	"denyRead = ~/.config/gh\n"
	"denyRead = ~/.npmrc\n"
	"denyRead = ~/.pypirc\n"
	"denyRead = ~/.cargo/credentials\n"
	"denyRead = ~/.cargo/credentials.toml\n"
	"denyRead = ~/.gem/credentials\n"
	"denyRead = ~/.password-store\n"
	"denyRead = ~/.local/share/keyrings\n"
	"denyRead = ~/.vault-token\n"
	"denyRead = ~/.terraform.d/credentials.tfrc.json\n"
	"allowNetwork = false\n";
