package cli

import (
	"os"
	"strings"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/execserve"
	"github.com/azcontext/azc/internal/cli/execute"
	"github.com/azcontext/azc/profile"
)

// newCmdExec is `azc exec [-c NAME] [--no-server] [--keep-env VAR]… -- CMD ARGS…`.
func newCmdExec(f *cmdutil.Factory, runF func(*execute.ExecOptions) error) *cobra.Command {
	o := &execute.ExecOptions{Environ: os.Environ, Serve: execserve.Serve}
	cmd := &cobra.Command{
		Use:   "exec [-c NAME] [--no-server] [--keep-env VAR]... -- CMD [ARGS...]",
		Short: "Run a program with a context's credentials",
		Long: `Run CMD under a context (Start-Job with a context). azc serves the context's
tokens to CMD on 127.0.0.1 through the App Service managed identity protocol,
which the Azure SDKs for Go, Python, JavaScript and .NET, Terraform and the az
CLI understand, for exactly as long as CMD runs. CMD gets IDENTITY_ENDPOINT,
IDENTITY_HEADER, ARM_USE_MSI, ARM_MSI_ENDPOINT, MSI_ENDPOINT, MSI_SECRET,
APPSETTING_WEBSITE_SITE_NAME, ARM_TENANT_ID (with --no-server also
AZURE_TENANT_ID), AZURE_SUBSCRIPTION_ID, ARM_SUBSCRIPTION_ID, ARM_ENVIRONMENT
(a built-in cloud's), AZC_CONTEXT, AZC_CONTEXT_KEY (the context's identity:
azc inside CMD keeps the context, however other shells rename it or re-point
its name) and AZURE_STORAGE_ACCOUNT; for a cloud with
a CA file REQUESTS_CA_BUNDLE, SSL_CERT_FILE and NODE_EXTRA_CA_CERTS; NO_PROXY
and no_proxy naming 127.0.0.1 besides what they name; and a private
AZURE_CONFIG_DIR in which the az CLI is signed in to the context; it loses
the variables that would make a tool use another credential, cloud,
tenant or subscription (AZURE_CLIENT_SECRET, ARM_ACCESS_KEY,
AZURE_STORAGE_KEY, ...; docs/exec.md lists them), except those named by
--keep-env.
CMD's exit code is azc's; INT, TERM, HUP, QUIT, USR1 and USR2 reach it, but
for one azc was started ignoring (nohup, a background job), which stays
ignored in both.`,
		Example: `  azc exec -c prod -- terraform plan
  azc exec -c dev -- python3 app.py
  azc exec -c dev -- az group list`,
		Args: minimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Ref = contextRef(f, cmd)
			o.Args = args
			o.Defaults(cmd.Flags().Changed("legacy-msi"), cmd.Flags().Changed("private-az-config"))
			if o.NoServer && (o.LegacyMSI || o.PrivateAzConfig) {
				return cmdutil.UsageErrorf("--no-server serves no credentials, so neither --legacy-msi nor --private-az-config can work with it")
			}
			for _, k := range o.KeepEnv {
				// A name that names no variable would keep nothing, silently.
				if k == "" || strings.ContainsFunc(k, func(r rune) bool { return r == '=' || unicode.IsControl(r) }) {
					return cmdutil.UsageErrorf("--keep-env %s is no variable name: give the name alone (--keep-env ARM_ACCESS_KEY), and CMD gets the value azc inherits", profile.QuoteShort(k))
				}
			}
			if runF != nil {
				return runF(o)
			}
			return execute.ExecRun(cmd.Context(), f, o)
		},
	}
	// Everything after CMD belongs to CMD, even without "--".
	cmd.Flags().SetInterspersed(false)
	fl := cmd.Flags()
	fl.BoolVar(&o.NoServer, "no-server", false, "only export the context's variables; serve no credentials")
	fl.BoolVar(&o.LegacyMSI, "legacy-msi", false, "also serve api-version 2017-09-01 and set MSI_ENDPOINT, MSI_SECRET, APPSETTING_WEBSITE_SITE_NAME (default: on with a server)")
	fl.BoolVar(&o.PrivateAzConfig, "private-az-config", false, "give CMD a fresh AZURE_CONFIG_DIR signed in to the context, removed afterwards (default: on with a server)")
	fl.StringArrayVar(&o.KeepEnv, "keep-env", nil, "keep this inherited variable although azc would remove it (repeatable)")
	return cmd
}
