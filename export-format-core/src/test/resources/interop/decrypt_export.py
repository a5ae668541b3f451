#!/usr/bin/env python3
"""Decrypts an export-format v1.0 archive outside the JVM, with only python3 and `cryptography`.

usage: decrypt_export.py ARCHIVE.tgz KEY.pem  -> the JSON Lines on stdout; exit 1 if anything fails
"""
import base64, hashlib, json, sys, tarfile

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def main(archive, key_path):
    with tarfile.open(archive, "r:gz") as tar:
        members = {m.name.lstrip("./") if m.name.startswith("./") else m.name: m for m in tar.getmembers() if m.isfile()}
        manifest = json.loads(tar.extractfile(members["manifest.json"]).read())
        data_name = "tokens.jsonl.enc" if "tokens.jsonl.enc" in members else "records.jsonl.enc"
        ciphertext = tar.extractfile(members[data_name]).read()
    assert manifest["version"].split(".")[0] == "1", manifest["version"]
    enc = manifest["encryption"]
    assert enc["algorithm"] == "RSA-OAEP-256"
    with open(key_path, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    data_key = key.decrypt(
        base64.b64decode(enc["encrypted_key"]),
        padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None),
    )
    iv, tag = base64.b64decode(enc["iv"]), base64.b64decode(enc["tag"])
    assert len(data_key) == 32 and len(iv) == 12 and len(tag) == 16
    plaintext = AESGCM(data_key).decrypt(iv, ciphertext + tag, None)  # raises InvalidTag if tampered
    assert manifest["content"]["checksum"] == "sha256:" + hashlib.sha256(plaintext).hexdigest(), "checksum"
    lines = plaintext.split(b"\n")
    assert lines[-1] == b"", "final newline"
    assert manifest["content"]["record_count"] == len(lines) - 1, "record_count"
    for line in lines[:-1]:
        json.loads(line.decode("utf-8"))
    sys.stdout.buffer.write(plaintext)


if __name__ == "__main__":
    try:
        main(sys.argv[1], sys.argv[2])
    except Exception as e:  # noqa: BLE001 - report any failure as exit 1
        print(f"failed: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
