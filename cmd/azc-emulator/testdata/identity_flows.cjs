// Signs in with @azure/identity as published, through whatever HTTPS_PROXY and
// NODE_EXTRA_CA_CERTS say, and prints one JSON line per flow: the flow's name
// and the token's tenant (never the token).
//
// usage: NODE_PATH=interop/node/node_modules node identity_flows.cjs TENANT CLIENT_ID SECRET CERT_CLIENT_ID CERT_PEM
const { ClientCertificateCredential, ClientSecretCredential, DeviceCodeCredential } = require("@azure/identity");

const [tenant, clientId, secret, certClientId, certPEM] = process.argv.slice(2);
const arm = "https://management.azure.com/.default";

function tid(token) {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()).tid;
}

async function main() {
  const sp = new ClientSecretCredential(tenant, clientId, secret);
  console.log(JSON.stringify({ flow: "client_secret", tid: tid((await sp.getToken(arm)).token) }));
  // A certificate, with its chain (x5c) sent for subject name and issuer authentication.
  const cert = new ClientCertificateCredential(tenant, certClientId, { certificatePath: certPEM }, { sendCertificateChain: true });
  console.log(JSON.stringify({ flow: "certificate", tid: tid((await cert.getToken(arm)).token) }));
  const dc = new DeviceCodeCredential({
    tenantId: "organizations",
    userPromptCallback: (info) => console.log(JSON.stringify({ flow: "device_code_started", user_code: info.userCode })),
  });
  console.log(JSON.stringify({ flow: "device_code", tid: tid((await dc.getToken(arm)).token) }));
}

main().catch((e) => {
  console.log(JSON.stringify({ flow: "error", error: String(e && e.message ? e.message : e).split("\n")[0] }));
  process.exit(1);
});
