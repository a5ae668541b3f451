#!/usr/bin/env python3
"""Writes an export-format v1.0 archive outside the JVM, the way another implementation might:
Python's tarfile (PAX headers, './' prefixes, a directory entry, gzip level 9) and `cryptography`.

usage: make_export.py CERT.pem TOKENS.jsonl OUT.tgz
"""
import base64, datetime, hashlib, io, json, os, sys, tarfile, uuid

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def dn(name):
    return ", ".join(rdn.rfc4514_string() for rdn in reversed(name.rdns))


def colon_hex(b):
    return ":".join(f"{x:02x}" for x in b)


def main(cert_path, tokens_path, out_path):
    cert = x509.load_pem_x509_certificate(open(cert_path, "rb").read())
    plaintext = open(tokens_path, "rb").read()
    key, iv = AESGCM.generate_key(bit_length=256), os.urandom(12)
    sealed = AESGCM(key).encrypt(iv, plaintext, None)
    ciphertext, tag = sealed[:-16], sealed[-16:]
    wrapped = cert.public_key().encrypt(
        key, padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None))
    serial = cert.serial_number.to_bytes(max(1, (cert.serial_number.bit_length() + 7) // 8), "big")
    manifest = {
        "version": "1.0",
        "export_id": str(uuid.uuid4()),
        "created_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "guardian_instance": "python.on-hellgate.cloud",
        "encryption": {
            "algorithm": "RSA-OAEP-256",
            "recipient": {
                "subject": dn(cert.subject),
                "issuer": dn(cert.issuer),
                "serial": colon_hex(serial),
                "fingerprint": "sha256:" + colon_hex(cert.fingerprint(hashes.SHA256())),
            },
            "encrypted_key": base64.b64encode(wrapped).decode(),
            "iv": base64.b64encode(iv).decode(),
            "tag": base64.b64encode(tag).decode(),
        },
        "content": {"record_count": plaintext.count(b"\n"), "checksum": "sha256:" + hashlib.sha256(plaintext).hexdigest()},
        "python_writer": True,
    }
    with tarfile.open(out_path, "w:gz", format=tarfile.PAX_FORMAT, compresslevel=9) as tar:
        d = tarfile.TarInfo("./")
        d.type = tarfile.DIRTYPE
        tar.addfile(d)
        for name, data in (("./tokens.jsonl.enc", ciphertext), ("./manifest.json", json.dumps(manifest, indent=1).encode())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


if __name__ == "__main__":
    main(*sys.argv[1:4])
