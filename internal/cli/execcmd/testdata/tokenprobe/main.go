// Command tokenprobe plays a user's Go program under `azc exec`: it gets an
// ARM token with the Azure SDK's own ManagedIdentityCredential or
// DefaultAzureCredential, calls the emulator's claims-echo endpoint with it
// and prints the echoed claims as JSON. It knows nothing of azc.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

func main() {
	credName := flag.String("cred", "mi", "mi (ManagedIdentityCredential) or dac (DefaultAzureCredential)")
	echo := flag.String("echo", "", "URL of the claims-echo endpoint")
	caFile := flag.String("ca", "", "PEM file of the CA the echo endpoint's certificate chains to")
	scope := flag.String("scope", "https://management.core.windows.net//.default", "scope to ask for")
	flag.Parse()
	if err := run(*credName, *echo, *caFile, *scope); err != nil {
		fmt.Fprintln(os.Stderr, "tokenprobe:", err)
		os.Exit(1)
	}
}

func run(credName, echo, caFile, scope string) error {
	var cred azcore.TokenCredential
	var err error
	switch credName {
	case "mi":
		cred, err = azidentity.NewManagedIdentityCredential(nil)
	case "dac":
		cred, err = azidentity.NewDefaultAzureCredential(nil)
	default:
		err = fmt.Errorf("unknown credential %q", credName)
	}
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{scope}})
	if err != nil {
		return err
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, echo, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok.Token)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("echo answered %d: %s", resp.StatusCode, body)
	}
	_, err = os.Stdout.Write(append(body, '\n'))
	return err
}
