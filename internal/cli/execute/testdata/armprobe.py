"""Plays a user's Python program under `azc exec`: with azure-identity's
DefaultAzureCredential and the ARM SDK's default scopes, it reads the
subscription $AZURE_SUBSCRIPTION_ID with azure-mgmt-resource and lists the
subscriptions with azure-mgmt-subscription, trusting what the environment
says to trust, and prints {"subscriptionId", "tenantId", "listed"} as JSON.

Usage: python3 armprobe.py ARM_ENDPOINT
"""
import json
import os
import sys

from azure.identity import DefaultAzureCredential
from azure.mgmt.resource import SubscriptionClient as ResourceSubscriptionClient
from azure.mgmt.subscription import SubscriptionClient


def main():
    arm = sys.argv[1]
    cred = DefaultAzureCredential()
    sub = ResourceSubscriptionClient(cred, base_url=arm).subscriptions.get(os.environ["AZURE_SUBSCRIPTION_ID"])
    listed = [s.subscription_id for s in SubscriptionClient(cred, base_url=arm).subscriptions.list()]
    json.dump({"subscriptionId": sub.subscription_id, "tenantId": sub.tenant_id, "listed": listed}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
