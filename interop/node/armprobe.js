// Plays a user's Node program under `azc exec`: with @azure/identity's
// DefaultAzureCredential and the pipeline of @azure/arm-subscriptions'
// client (its bearer-token policy, with the public ARM audience), it reads the
// subscription $AZURE_SUBSCRIPTION_ID and lists the subscriptions,
// trusting what the environment says to trust, and prints
// {"subscriptionId", "tenantId", "listed"} as JSON. (The client's own
// operations manage subscription aliases and policies, which ARM's
// /subscriptions does not serve, so the requests are sent through it.)
//
// Usage: node armprobe.js ARM_ENDPOINT
"use strict";

const { DefaultAzureCredential } = require("@azure/identity");
const { SubscriptionClient } = require("@azure/arm-subscriptions");
const { createPipelineRequest } = require("@azure/core-rest-pipeline");

async function get(client, url) {
  const res = await client.sendRequest(createPipelineRequest({ url, method: "GET" }));
  if (res.status !== 200) {
    throw new Error(`GET ${url}: ${res.status} ${res.bodyAsText}`);
  }
  return JSON.parse(res.bodyAsText);
}

async function main() {
  const endpoint = process.argv[2].replace(/\/$/, "");
  // Off the public cloud the client would ask for "<endpoint>/.default";
  // the ARM audience is named as a user of a custom cloud names it.
  const client = new SubscriptionClient(new DefaultAzureCredential(), {
    endpoint,
    credentialScopes: ["https://management.azure.com/.default"],
  });
  const api = "api-version=2022-12-01";
  const sub = await get(client, `${endpoint}/subscriptions/${process.env.AZURE_SUBSCRIPTION_ID}?${api}`);
  const listed = [];
  for (let url = `${endpoint}/subscriptions?${api}`; url; ) {
    const page = await get(client, url);
    for (const s of page.value) {
      listed.push(s.subscriptionId);
    }
    url = page.nextLink;
  }
  process.stdout.write(JSON.stringify({ subscriptionId: sub.subscriptionId, tenantId: sub.tenantId, listed }) + "\n");
}

main().catch((err) => {
  process.stderr.write(`armprobe: ${err && err.message ? err.message : err}\n`);
  process.exit(1);
});
