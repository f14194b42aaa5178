#!/usr/bin/env python3
"""A real, independent SAML IdP for Brygga's tests: pysaml2 (Debian's python3-pysaml2)
signs with xmlsec1. Reads one JSON request on stdin, writes one JSON answer on stdout.

Request:
  {"entityId", "ssoUrl", "certFile", "keyFile", "spMetadata" (XML), "samlRequest" (Redirect-binding
   value, deflated base64) or null for an IdP-initiated response, "spEntityId", "acsUrl",
   "nameId", "attributes": {name: [values]}, "authnContextClassRef",
   "signResponse", "signAssertion", "signAlgorithm", "digestAlgorithm"}
Answer:
  {"SAMLResponse": base64, "destination": url, "inResponseTo": id or null}
"""
import base64
import json
import sys
import tempfile

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_UNSPECIFIED, NameID
from saml2.server import Server

ALGORITHMS = {
    "rsa-sha256": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "rsa-sha1": "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
    "sha256": "http://www.w3.org/2001/04/xmlenc#sha256",
    "sha1": "http://www.w3.org/2000/09/xmldsig#sha1",
}


def main():
    req = json.load(sys.stdin)
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as md:
        md.write(req["spMetadata"])
        metadata_path = md.name
    config = IdPConfig()
    config.load({
        "entityid": req["entityId"],
        "service": {
            "idp": {
                "endpoints": {
                    "single_sign_on_service": [(req["ssoUrl"], BINDING_HTTP_REDIRECT)],
                },
                "policy": {
                    "default": {
                        "lifetime": {"minutes": 5},
                        "attribute_restrictions": None,
                        "name_form": NAME_FORMAT_URI,
                    }
                },
                "want_authn_requests_signed": False,
            }
        },
        "key_file": req["keyFile"],
        "cert_file": req["certFile"],
        "metadata": {"local": [metadata_path]},
        "xmlsec_binary": "/usr/bin/xmlsec1",
        "delete_tmpfiles": True,
    })
    server = Server(config=config)
    in_response_to = None
    destination = req["acsUrl"]
    if req.get("samlRequest"):
        parsed = server.parse_authn_request(req["samlRequest"], BINDING_HTTP_REDIRECT)
        in_response_to = parsed.message.id
        destination = parsed.message.assertion_consumer_service_url or destination
    name_id = NameID(format=NAMEID_FORMAT_UNSPECIFIED, text=req["nameId"])
    response = server.create_authn_response(
        identity=req["attributes"],
        in_response_to=in_response_to,
        destination=destination,
        sp_entity_id=req["spEntityId"],
        name_id=name_id,
        authn={"class_ref": req.get("authnContextClassRef", "urn:oasis:names:tc:SAML:2.0:ac:classes:X509"),
               "authn_auth": req["entityId"]},
        sign_response=req.get("signResponse", True),
        sign_assertion=req.get("signAssertion", True),
        sign_alg=ALGORITHMS[req.get("signAlgorithm", "rsa-sha256")],
        digest_alg=ALGORITHMS[req.get("digestAlgorithm", "sha256")],
    )
    xml = str(response)
    json.dump({
        "SAMLResponse": base64.b64encode(xml.encode("utf-8")).decode("ascii"),
        "destination": destination,
        "inResponseTo": in_response_to,
    }, sys.stdout)


if __name__ == "__main__":
    main()
