package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/azcontext/azc/internal/shquote"
)

// ServeInfo is the JSON line `azc-emulator serve` prints once it listens.
type ServeInfo struct {
	URL             string `json:"url"`
	AuthorityHost   string `json:"authorityHost"`
	ARMEndpoint     string `json:"armEndpoint"`
	ARMAudience     string `json:"armAudience"`
	CAFile          string `json:"caFile"`
	HookURL         string `json:"hookURL"`
	ManagedIdentity string `json:"managedIdentityEndpoint"`
	// ManagedIdentityHeaderFile holds the X-IDENTITY-HEADER value (IDENTITY_HEADER), kept
	// out of the output because it is a credential.
	ManagedIdentityHeaderFile string `json:"managedIdentityHeaderFile"`
	EnvironmentAddCommand     string `json:"environmentAddCommand"`
	// Proxy is the impersonating proxy's URL (HTTPS_PROXY), with --impersonate only.
	Proxy string `json:"proxy,omitempty"`
}

const usage = `usage: azc-emulator serve [--config FILE] [--ca-out PATH] [--addr 127.0.0.1:0] [--impersonate]
                         [--rotate-refresh-tokens]

Runs a local Microsoft Entra ID + ARM emulator over TLS until interrupted and prints one
JSON line with its URLs, the CA file and the azc command that adds it as an environment.
With --impersonate it also listens as an HTTPS proxy (the "proxy" field) that answers
for the public cloud's host names, so unmodified tools sign in to it with HTTPS_PROXY
set and the CA trusted. With --rotate-refresh-tokens a redeemed refresh token is refused
(as ADFS can do); by default it stays valid, as on Entra ID.
`

// Main runs the azc-emulator command line: `serve` runs until ctx is done. It returns the
// process exit code (0 ok, 1 failure, 2 usage).
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		fmt.Fprint(stdout, usage)
		return 0
	}
	if len(args) == 0 || args[0] != "serve" {
		fmt.Fprint(stderr, usage)
		return 2
	}
	fs := flag.NewFlagSet("azc-emulator serve", flag.ContinueOnError)
	// Asked for, the usage is the output (stdout); after a mistake, it goes to stderr
	// below the error the flag package prints there.
	fs.SetOutput(stderr)
	fs.Usage = func() {}
	printUsage := func(w io.Writer) {
		fmt.Fprint(w, usage+"\nflags:\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
	config := fs.String("config", "", "seed `FILE` (JSON); the built-in default world without it")
	caOut := fs.String("ca-out", "", "write the CA certificate (PEM) to `PATH` (default: a new directory in the temp dir, removed on exit)")
	addr := fs.String("addr", "127.0.0.1:0", "listen `address`")
	imp := fs.Bool("impersonate", false, "also listen on 127.0.0.1 as an HTTPS proxy that answers for "+strings.Join(ImpersonatedHosts(), ", "))
	rotate := fs.Bool("rotate-refresh-tokens", false, "refuse a refresh token once redeemed, as the seed's rotateRefreshTokens does")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout)
			return 0
		}
		printUsage(stderr)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "azc-emulator: error: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if err := serve(ctx, serveOptions{config: *config, caOut: *caOut, addr: *addr, impersonate: *imp, rotate: *rotate}, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "azc-emulator: error: %v\n", err)
		return 1
	}
	return 0
}

type serveOptions struct {
	config, caOut, addr string
	impersonate         bool
	rotate              bool // Config.RotateRefreshTokens
}

func serve(ctx context.Context, o serveOptions, stdout, stderr io.Writer) error {
	cfg := DefaultConfig()
	if o.config != "" {
		var err error
		if cfg, err = LoadConfig(o.config); err != nil {
			return err
		}
	}
	if o.rotate {
		cfg.RotateRefreshTokens = true
	}
	s, err := New(cfg)
	if err != nil {
		return err
	}
	if err := s.Listen(o.addr); err != nil {
		return err
	}
	defer s.Close()
	if o.impersonate {
		if err := s.ListenProxy("127.0.0.1:0"); err != nil {
			return err
		}
		s.OnRefusedConnect(func(target string) {
			fmt.Fprintf(stderr, "azc-emulator: refused CONNECT to %s: not a host it impersonates\n", target)
		})
	}
	caOut := o.caOut
	if caOut == "" {
		dir, err := os.MkdirTemp("", "azc-emulator-")
		if err != nil {
			return fmt.Errorf("create ca dir: %w", err)
		}
		defer os.RemoveAll(dir) // the CA and the identity header are of no use once it exits
		caOut = filepath.Join(dir, "ca.pem")
	}
	if abs, err := filepath.Abs(caOut); err == nil {
		caOut = abs
	}
	if err := s.WriteCAFile(caOut); err != nil {
		return err
	}
	mi, miHeader := s.ManagedIdentityEndpoint()
	headerFile, err := writeSecretFile(filepath.Dir(caOut), "identity-header-*", miHeader)
	if err != nil {
		return err
	}
	defer os.Remove(headerFile)
	info := ServeInfo{
		URL: s.URL(), AuthorityHost: s.AuthorityHost(), ARMEndpoint: s.ARMEndpoint(), ARMAudience: s.ARMAudience(),
		CAFile: caOut, HookURL: s.URL() + HookPath, ManagedIdentity: mi, ManagedIdentityHeaderFile: headerFile,
		EnvironmentAddCommand: strings.Join([]string{"azc environment add emulator",
			"--authority-host", s.AuthorityHost(), "--arm-endpoint", s.ARMEndpoint(),
			"--arm-audience", s.ARMAudience(), "--ca-file", shquote.Quote(caOut)}, " "),
		Proxy: s.ProxyURL(),
	}
	line, err := json.Marshal(info)
	if err != nil {
		return fmt.Errorf("encode serve info: %w", err)
	}
	if _, err := fmt.Fprintf(stdout, "%s\n", line); err != nil {
		return fmt.Errorf("write serve info: %w", err)
	}
	<-ctx.Done()
	return nil
}

// writeSecretFile writes value to a new 0600 file in dir named after pattern (see
// os.CreateTemp), so every emulator has its own, and returns its path.
func writeSecretFile(dir, pattern, value string) (string, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", fmt.Errorf("write identity header file: %w", err)
	}
	_, err = f.WriteString(value)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return "", fmt.Errorf("write identity header file: %w", err)
	}
	return f.Name(), nil
}
