package endpoint_test

import (
	"bytes"
	"net"
	"runtime"
	"strings"
	"testing"

	"github.com/azcontext/azc/credserver/endpoint"
)

func TestNewAndEnv(t *testing.T) {
	e, err := endpoint.New("127.0.0.1:5", bytes.NewReader(bytes.Repeat([]byte{0xfb}, 48)))
	if err != nil {
		t.Fatal(err)
	}
	if e.URL() != "http://127.0.0.1:5/-_v7-_v7-_v7-_v7-_v7-w/msi/token" {
		t.Errorf("URL %q", e.URL())
	}
	env := strings.Join(e.Env(false), "\n")
	want := "IDENTITY_ENDPOINT=" + e.URL() + "\nIDENTITY_HEADER=" + e.Secret.Reveal() + "\nARM_USE_MSI=true\nARM_MSI_ENDPOINT=" + e.URL()
	if env != want {
		t.Errorf("Env(false):\n%s\nwant:\n%s", env, want)
	}
	legacy := e.Env(true)
	if got := strings.Join(legacy[4:], "\n"); got != "APPSETTING_WEBSITE_SITE_NAME=azc\nMSI_ENDPOINT="+e.URL()+"\nMSI_SECRET="+e.Secret.Reveal() {
		t.Errorf("Env(true) adds %q", got)
	}
	if len(e.Secret.Reveal()) != 43 {
		t.Errorf("the secret holds %d characters, want 256 bits' 43", len(e.Secret.Reveal()))
	}
	if _, err := endpoint.New("h", bytes.NewReader(nil)); err == nil {
		t.Error("New without randomness succeeded")
	}
	a, _ := endpoint.New("h", nil)
	b, _ := endpoint.New("h", nil)
	if a.Path == b.Path || a.Secret.Equal(b.Secret) {
		t.Error("two endpoints share a path or a secret")
	}
}

// TestListen: the socket Listen makes is served by net.FileListener at the
// address it gives, and a connection made before anyone accepts waits.
func TestListen(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Listen without the net package here")
	}
	f, host, err := endpoint.Listen()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(host, "127.0.0.1:") || host == "127.0.0.1:0" {
		t.Fatalf("address %q", host)
	}
	conn, err := net.Dial("tcp", host) // in the backlog
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ln, err := net.FileListener(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if ln.Addr().String() != host {
		t.Errorf("listener at %s, Listen said %s", ln.Addr(), host)
	}
	if _, err := conn.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	buf := make([]byte, 1)
	if _, err := c.Read(buf); err != nil || buf[0] != 'x' {
		t.Errorf("read %q, %v", buf, err)
	}
}
