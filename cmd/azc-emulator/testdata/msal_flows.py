"""Signs in with MSAL Python as shipped, through whatever HTTPS_PROXY and
REQUESTS_CA_BUNDLE say, and prints one JSON line per flow: the flow's name
and the token's tenant (never the token).

usage: msal_flows.py TENANT CLIENT_ID SECRET DOMAIN

DOMAIN is TENANT's domain: an app signed in through it finds its token again
through TENANT's id, as Entra ID's metadata names the tenant by id in its
endpoints, and MSAL Python keeps tokens under the token endpoint's tenant.
"""
import base64
import json
import sys

import msal

tenant, client_id, secret, domain = sys.argv[1:5]
arm = ["https://management.core.windows.net//.default"]


def tid(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["tid"]


def report(flow, result):
    if "access_token" not in result:
        print(json.dumps({"flow": flow, "error": result.get("error"), "description": result.get("error_description")}))
        sys.exit(1)
    print(json.dumps({"flow": flow, "tid": tid(result["access_token"])}), flush=True)


app = msal.ConfidentialClientApplication(client_id, client_credential=secret,
                                         authority="https://login.microsoftonline.com/" + tenant)
report("client_credentials", app.acquire_token_for_client(scopes=arm))

# Signed in through the domain, the token is found again, in the cache alone
# (acquire_token_silent without an account), through the tenant's id.
by_domain = msal.ConfidentialClientApplication(client_id, client_credential=secret,
                                               authority="https://login.microsoftonline.com/" + domain)
report("client_credentials_domain", by_domain.acquire_token_for_client(scopes=arm))
by_id = msal.ConfidentialClientApplication(client_id, client_credential=secret, token_cache=by_domain.token_cache,
                                           authority="https://login.microsoftonline.com/" + tenant)
report("client_credentials_cached", by_id.acquire_token_silent(arm, account=None) or
       {"error": "not_cached", "error_description": "no token under the tenant's id after signing in through " + domain})

pca = msal.PublicClientApplication("04b07795-8ddb-461a-bbee-02f9e1bf7b46",
                                   authority="https://login.microsoftonline.com/organizations")
flow = pca.initiate_device_flow(scopes=arm)
if "user_code" not in flow:
    print(json.dumps({"flow": "device_code", "error": flow.get("error"), "description": flow.get("error_description")}))
    sys.exit(1)
print(json.dumps({"flow": "device_code_started", "user_code": flow["user_code"]}), flush=True)
report("device_code", pca.acquire_token_by_device_flow(flow))

# Azure PowerShell's client, in the same family of client ids as the az CLI's, signs in
# silently with the family refresh token the az CLI's sign-in left in the cache.
family = msal.PublicClientApplication("1950a258-227b-4e31-a9cf-717495945fc2", token_cache=pca.token_cache,
                                      authority="https://login.microsoftonline.com/organizations")
accounts = family.get_accounts()
report("family_refresh_token", accounts and family.acquire_token_silent(arm, account=accounts[0]) or
       {"error": "no_family_token", "error_description": "Azure PowerShell's client found no token of the az CLI's sign-in"})
