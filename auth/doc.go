// Package auth signs principals in to Microsoft Entra ID with the MSAL Go
// library, keeps each account's MSAL token cache (and its secret,
// certificate key or raw token) in one encrypted credential-store blob, and
// hands out tokens: silently under a per-account lock, so that any number of
// processes refreshing at once make one refresh request, and from memory
// once warm, through Credential, an azcore.TokenCredential.
//
// After a sign-in, Login lists the principal's tenants and, per tenant, its
// subscriptions over ARM (in parallel, paged, retried on transient faults)
// so that the caller can write one context per enabled subscription in a
// single profile update, after every network call is done.
//
// The package never prints and never reads the environment: user
// interaction goes through the UI callbacks, and the HTTP client, clock,
// logger and environment lookups are injected through Config.
package auth
