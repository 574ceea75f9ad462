package azcred_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/auth"
	"github.com/azcontext/azc/azcred"
	"github.com/azcontext/azc/credstore"
	"github.com/azcontext/azc/credstore/desktopkey"
	"github.com/azcontext/azc/emulator"
	"github.com/azcontext/azc/profile"
	"github.com/azcontext/azc/secret"
)

// signIn stands in for `azc environment add` and `azc login
// --service-principal`: it adds the emulator as an environment to the
// state directory dir and signs its service principal in.
func signIn(emu *emulator.Server, dir string) *azc.State {
	st, err := azc.Open(azc.Options{Dir: dir})
	if err != nil {
		log.Fatal(err)
	}
	env := profile.Environment{Name: "emulator", AuthorityHost: emu.AuthorityHost(), ARMEndpoint: emu.ARMEndpoint(), ARMAudience: emu.ARMAudience()}
	m := auth.New(auth.Config{HTTPClient: emu.Client()})
	res, err := m.Login(context.Background(), auth.LoginOptions{
		Environment: env, Method: auth.ClientSecret, TenantID: emulator.DefaultHomeTenantID,
		ClientID: emulator.DefaultServicePrincipalID, ClientSecret: secret.New(emulator.DefaultServicePrincipalSecret),
	})
	if err != nil {
		log.Fatal(err)
	}
	store, err := credstore.Open(dir, credstore.Options{Env: os.Getenv, Desktop: desktopkey.Backend()})
	if err != nil {
		log.Fatal(err)
	}
	err = res.Save(context.Background(), store, func() error {
		_, err := st.Update(azc.ScopeUser, func(p *profile.Profile) error {
			if err := p.SetEnvironment(env); err != nil {
				return err
			}
			_, err := res.Apply(p, auth.ApplyOptions{})
			return err
		})
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	return st
}

// List the subscriptions of the context named "Contoso Dev" with the ARM
// SDK, as the service principal signed in to it; nil options would take
// the context from $AZC_CONTEXT or the default, as the azc command does.
// The emulator stands in for Azure.
func Example() {
	emu, err := emulator.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := emu.Start(); err != nil {
		log.Fatal(err)
	}
	defer emu.Close()
	tmp, err := os.MkdirTemp("", "azcred-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "azc")
	signIn(emu, dir)

	cred, err := azcred.New(&azcred.Options{Context: "Contoso Dev", Dir: dir, HTTPClient: emu.Client()})
	if err != nil {
		log.Fatal(err)
	}
	opts, err := cred.ARMClientOptions()
	if err != nil {
		log.Fatal(err)
	}
	client, err := armsubscriptions.NewClient(cred, opts)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("context:", cred.Context().Name)
	pager := client.NewListPager(nil)
	for pager.More() {
		page, err := pager.NextPage(context.Background())
		if err != nil {
			log.Fatal(err)
		}
		for _, s := range page.Value {
			fmt.Println(*s.DisplayName, *s.TenantID)
		}
	}
	// Output:
	// context: Contoso Dev
	// Contoso Dev 11111111-1111-4111-8111-111111111111
	// Contoso Legacy 11111111-1111-4111-8111-111111111111
}
