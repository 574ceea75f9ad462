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
}

const usage = `usage: azc-emulator serve [--config FILE] [--ca-out PATH] [--addr 127.0.0.1:0]

Runs a local Microsoft Entra ID + ARM emulator over TLS until interrupted and prints one
JSON line with its URLs, the CA file and the azc command that adds it as an environment.
`

// Main runs the azc-emulator command line: `serve` runs until ctx is done. It returns the
// process exit code (0 ok, 1 failure, 2 usage).
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "serve" {
		fmt.Fprint(stderr, usage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return 0
		}
		return 2
	}
	fs := flag.NewFlagSet("azc-emulator serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := fs.String("config", "", "seed `FILE` (JSON); the built-in default world without it")
	caOut := fs.String("ca-out", "", "write the CA certificate (PEM) to `PATH` (default: a new file in the temp dir)")
	addr := fs.String("addr", "127.0.0.1:0", "listen `address`")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "azc-emulator: error: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if err := serve(ctx, *config, *caOut, *addr, stdout); err != nil {
		fmt.Fprintf(stderr, "azc-emulator: error: %v\n", err)
		return 1
	}
	return 0
}

func serve(ctx context.Context, config, caOut, addr string, stdout io.Writer) error {
	cfg := DefaultConfig()
	if config != "" {
		var err error
		if cfg, err = LoadConfig(config); err != nil {
			return err
		}
	}
	s, err := New(cfg)
	if err != nil {
		return err
	}
	if err := s.Listen(addr); err != nil {
		return err
	}
	defer s.Close()
	if caOut == "" {
		dir, err := os.MkdirTemp("", "azc-emulator-")
		if err != nil {
			return fmt.Errorf("create ca dir: %w", err)
		}
		caOut = filepath.Join(dir, "ca.pem")
	}
	if abs, err := filepath.Abs(caOut); err == nil {
		caOut = abs
	}
	if err := s.WriteCAFile(caOut); err != nil {
		return err
	}
	mi, miHeader := s.ManagedIdentityEndpoint()
	headerFile := filepath.Join(filepath.Dir(caOut), "identity-header")
	if err := writeSecretFile(headerFile, miHeader); err != nil {
		return err
	}
	info := ServeInfo{
		URL: s.URL(), AuthorityHost: s.AuthorityHost(), ARMEndpoint: s.ARMEndpoint(), ARMAudience: s.ARMAudience(),
		CAFile: caOut, HookURL: s.URL() + HookPath, ManagedIdentity: mi, ManagedIdentityHeaderFile: headerFile,
		EnvironmentAddCommand: strings.Join([]string{"azc environment add emulator",
			"--authority-host", s.AuthorityHost(), "--arm-endpoint", s.ARMEndpoint(),
			"--arm-audience", s.ARMAudience(), "--ca-file", shellQuote(caOut)}, " "),
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

// shellQuote quotes p for a POSIX shell when it needs quoting.
func shellQuote(p string) string {
	if strings.IndexFunc(p, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-:+=,@", r))
	}) < 0 {
		return p
	}
	return "'" + strings.ReplaceAll(p, "'", `'\''`) + "'"
}

// writeSecretFile replaces path with a 0600 file holding value.
func writeSecretFile(path, value string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("write identity header file: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("write identity header file: %w", err)
	}
	_, err = f.WriteString(value)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write identity header file: %w", err)
	}
	return nil
}
