"""Plays a user's Python program under `azc exec`: gets an ARM token with
azure-identity's own ManagedIdentityCredential, calls the emulator's
claims-echo endpoint with it and prints the echoed claims as JSON.

Usage: python3 tokenprobe.py ECHO_URL CA_FILE
"""
import json
import ssl
import sys
import urllib.request

from azure.identity import ManagedIdentityCredential


def main():
    echo, ca = sys.argv[1], sys.argv[2]
    token = ManagedIdentityCredential().get_token("https://management.core.windows.net//.default")
    req = urllib.request.Request(echo, headers={"Authorization": "Bearer " + token.token})
    with urllib.request.urlopen(req, context=ssl.create_default_context(cafile=ca)) as resp:
        claims = json.load(resp)
    json.dump(claims, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
