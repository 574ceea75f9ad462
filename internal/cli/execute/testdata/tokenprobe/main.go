// Command tokenprobe plays a user's Go program under `azc exec`: it gets an
// ARM token with the Azure SDK's own ManagedIdentityCredential or
// DefaultAzureCredential, calls the emulator's claims-echo endpoint with it
// and prints the echoed claims as JSON. With -arm it instead reads the
// subscription $AZURE_SUBSCRIPTION_ID and lists the subscriptions with
// armsubscriptions (the public cloud's default audience, the system's
// roots as the environment sets them) and prints {"subscriptionId",
// "tenantId", "listed"}. It knows nothing of azc.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions"
)

func main() {
	credName := flag.String("cred", "mi", "mi (ManagedIdentityCredential) or dac (DefaultAzureCredential)")
	echo := flag.String("echo", "", "URL of the claims-echo endpoint")
	caFile := flag.String("ca", "", "PEM file of the CA the echo endpoint's certificate chains to")
	scope := flag.String("scope", "https://management.core.windows.net//.default", "scope to ask for")
	armEndpoint := flag.String("arm", "", "ARM endpoint: list subscriptions there instead of calling the echo endpoint")
	flag.Parse()
	var err error
	if *armEndpoint != "" {
		err = listSubscriptions(*armEndpoint)
	} else {
		err = run(*credName, *echo, *caFile, *scope)
	}
	if err != nil {
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

func listSubscriptions(endpoint string) error {
	cred, err := azidentity.NewDefaultAzureCredential(nil)
	if err != nil {
		return err
	}
	opts := &arm.ClientOptions{ClientOptions: policy.ClientOptions{Cloud: cloud.Configuration{
		Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
			cloud.ResourceManager: {Endpoint: endpoint, Audience: cloud.AzurePublic.Services[cloud.ResourceManager].Audience},
		},
	}}}
	client, err := armsubscriptions.NewClient(cred, opts)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sub, err := client.Get(ctx, os.Getenv("AZURE_SUBSCRIPTION_ID"), nil)
	if err != nil {
		return err
	}
	out := struct {
		SubscriptionID string   `json:"subscriptionId"`
		TenantID       string   `json:"tenantId"`
		Listed         []string `json:"listed"`
	}{SubscriptionID: *sub.SubscriptionID, TenantID: *sub.TenantID}
	pager := client.NewListPager(nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, s := range page.Value {
			out.Listed = append(out.Listed, *s.SubscriptionID)
		}
	}
	return json.NewEncoder(os.Stdout).Encode(out)
}
