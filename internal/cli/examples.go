package cli

import (
	"strings"

	"github.com/spf13/cobra"
)

// examples are the Examples sections of the commands' help and man pages,
// by command path (exec keeps its own beside its flags): a list, not a
// map, so that nothing is built when azc starts. A command added without
// examples fails TestEveryCommandHasExamples, as does an entry here that
// names no command or a command named twice.
var examples = []struct{ path, text string }{
	{"azc", `
azc login                          # sign in; one context per subscription
azc context list                   # the contexts, the current one marked
azc use 'Contoso Prod'             # switch (name, subscription id or unique prefix)
azc exec -- terraform plan         # run a program under the current context
eval "$(azc init bash)"            # in ~/.bashrc: a session per shell, completion, prompt`},

	{"azc help", `
azc help                           # the commands
azc help context set               # one command's help, as azc context set --help`},

	{"azc login", `
azc login                                        # browser sign-in (device code when none opens)
azc login --device-code                          # sign in on another device
azc login --tenant contoso.onmicrosoft.com --subscription 'Contoso Prod'
azc login --service-principal --client-id APP_ID --tenant TENANT --client-secret-file secret.txt
azc login --service-principal --client-id APP_ID --tenant TENANT --certificate cert.pem
azc login --service-principal --client-id APP_ID --tenant TENANT --federated-token-file "$AZURE_FEDERATED_TOKEN_FILE"
azc login --identity                             # the managed identity of an App Service app or container (IDENTITY_ENDPOINT)`},
	{"azc logout", `
azc logout                         # the current context's account
azc logout alice@contoso.com       # one account
azc logout --all                   # every account`},
	{"azc token", `
azc token                                        # an ARM token for the current context
azc token -c 'Contoso Prod' --resource https://storage.azure.com
azc token --scope https://vault.azure.net/.default -o json
curl -H "Authorization: Bearer $(azc token -o tsv --query accessToken)" https://management.azure.com/subscriptions?api-version=2022-12-01`},
	{"azc subscription", `
azc subscription list`},
	{"azc subscription list", `
azc subscription list              # from the profile, as of the last sign-in
azc subscription list --refresh    # ask Azure Resource Manager again
azc subscription list -o json --query '[].name'`},
	{"azc tenant", `
azc tenant list`},
	{"azc tenant list", `
azc tenant list
azc tenant list --refresh -o json`},

	{"azc context", `
azc context list
azc context show
azc ctx use Dev`},
	{"azc context list", `
azc context list                   # a table, the current context marked
azc context list --refresh         # sign-ins' tenants and subscriptions listed again first
azc context list -o json --query "[?tenant.defaultDomain=='contoso.onmicrosoft.com'].name"`},
	{"azc context show", `
azc context show                   # the current context
azc context show 'Contoso Prod' -o json
azc context show -o tsv --query subscription.id`},
	{"azc context use", `
azc context use 'Contoso Prod'
azc context use -                  # back to the previous context`},
	{"azc use", `
azc use 'Contoso Prod'             # by name
azc use 0b1f6471-1bf0-4dda-aec3-111122223333   # by subscription id
azc use cont                       # by a unique prefix
azc use -                          # back to the previous context
azc use                            # on a terminal: pick one from a list
azc use Dev --scope process        # this shell only (a session: azc init, azc shell)`},
	{"azc context set", `
azc context set --subscription 'Contoso Dev'                 # that subscription's context becomes the default
azc context set --subscription 'Contoso Dev' --name dev      # the same, the context named dev
azc context set --property team=payments                     # an extended property of the current context
azc context set --storage-account contosologs`},
	{"azc context rename", `
azc context rename 'Contoso Prod (alice@contoso.com)' prod`},
	{"azc context remove", `
azc context remove old-sandbox
azc context remove dev test --force`},
	{"azc context clear", `
azc context clear                  # asks first on a terminal
azc context clear --force`},
	{"azc context export", `
azc context export --file contexts.json
azc context export prod dev --file - > contexts.json
azc context export --with-credentials --file backup.json     # tokens and secrets too (0600)`},
	{"azc context import", `
azc context import contexts.json                   # an azc export
azc context import ~/.Azure/AzureRmContext.json    # Azure PowerShell's contexts
azc context import ~/.azure/azureProfile.json      # az CLI's subscriptions
azc context export --file - | ssh host azc context import -   # - is standard input`},

	{"azc environment", `
azc environment list
azc environment show AzureUSGovernment`},
	{"azc environment list", `
azc environment list
azc environment list -o json`},
	{"azc environment show", `
azc environment show AzureChinaCloud -o json`},
	{"azc environment add", `
azc environment add stack --authority-host https://login.stack.example/ --arm-endpoint https://management.stack.example/
azc environment add emulator --authority-host https://127.0.0.1:8443/ --arm-endpoint https://127.0.0.1:8443/ \
    --arm-audience https://management.core.windows.net/ --ca-file emulator-ca.pem`},
	{"azc environment remove", `
azc environment remove stack`},

	{"azc init", `
eval "$(azc init bash)"                          # in ~/.bashrc
eval "$(azc init zsh)"                           # in ~/.zshrc
azc init fish | source                           # in ~/.config/fish/config.fish
azc init pwsh | Out-String | Invoke-Expression   # in $PROFILE
eval "$(azc init bash --no-prompt)"              # keep your prompt as it is`},
	{"azc shell", `
azc shell                          # a subshell with a session of its own
azc shell Dev                      # the same, with Dev the session's context`},
	{"azc prompt", `
PS1='($(azc prompt)) \w \$ '       # bash, by hand (azc init does this for you)
azc prompt -c Dev`},
	{"azc autosave", `
azc autosave show
azc autosave disable --scope process`},
	{"azc autosave show", `
azc autosave show
azc autosave show -o json`},
	{"azc autosave enable", `
azc autosave enable                # the setting in effect
azc autosave enable --scope user   # the profile's setting`},
	{"azc autosave disable", `
azc autosave disable --scope process   # this shell's changes stay in its session`},
	{"azc doctor", `
azc doctor
azc doctor -o json`},
	{"azc session", `
azc session start --pid $$`},
	{"azc session start", `
export AZC_SESSION=$(azc session start --pid $$)`},

	{"azc version", `
azc version
azc version -o json`},
	{"azc completion", `
source <(azc completion bash)
azc completion zsh > "${fpath[1]}/_azc"
azc completion fish > ~/.config/fish/completions/azc.fish
azc completion powershell | Out-String | Invoke-Expression`},
	{"azc man", `
azc man ~/.local/share/man/man1 && man azc-use
sudo azc-full man /usr/local/share/man/man1`},
}

// addExamples sets the Examples section of every command under root
// from examples, indented as cobra's help shows it.
func addExamples(root *cobra.Command) {
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		path := c.CommandPath()
		for _, ex := range examples {
			if ex.path == path {
				lines := strings.Split(strings.TrimPrefix(ex.text, "\n"), "\n")
				for i, l := range lines {
					lines[i] = "  " + l
				}
				c.Example = strings.Join(lines, "\n")
			}
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
}
