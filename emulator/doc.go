// Package emulator is a local Microsoft Entra ID + Azure Resource Manager emulator that the
// real MSAL Go library and azidentity sign in against: OIDC metadata, JWKS, the v2.0 token
// endpoint (client credentials with a secret, a certificate or a federated assertion;
// device code; authorization code with PKCE; refresh token, rotated strictly on request), devicecode,
// authorize (form_post), the App Service managed identity endpoint, and ARM's /tenants,
// /subscriptions and a claims echo endpoint.
//
// It serves TLS on loopback with a CA it generates. Tests start it in-process with
// emulatortest.Start; cmd/azc-emulator runs it as a process. Test hooks (Go methods and
// HTTP under HookPath) approve device codes, pick the interactive user, count requests
// and inject faults. The wire contract and the seed format are in docs/emulator.md.
package emulator
