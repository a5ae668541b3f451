#!/usr/bin/env python3
"""Writes the committed seed corpora of the Jazzer fuzz tests (docs/security.md, "Fuzzing").

Seeds come from the testkit's golden vectors (export-format-testkit/src/main/resources/golden),
copied as files so that core and crypto tests need no dependency on the testkit (which depends on
them). SeedCorpusTest in the testkit checks that every copied seed still equals its vector.
Run from the repository root: python3 tools/fuzz-seeds.py
"""
import gzip, io, os, shutil, subprocess, sys, tarfile, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN = os.path.join(ROOT, "export-format-testkit/src/main/resources/golden")
CORE = os.path.join(ROOT, "export-format-core/src/test/resources/io/hellgate/export")
CRYPTO = os.path.join(ROOT, "export-format-crypto/src/test/resources/io/hellgate/export/crypto")


def fresh(path):
    if os.path.isdir(path):
        for f in os.listdir(path):
            if f.startswith("seed-"):  # findings (crash-*, timeout-*) are kept
                os.remove(os.path.join(path, f))
    os.makedirs(path, exist_ok=True)
    return path


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


archives = fresh(os.path.join(CORE, "ArchiveReaderFuzzTestInputs/anyArchiveIsReadOrRejectedTyped"))
manifests = fresh(os.path.join(CORE, "ManifestCodecFuzzTestInputs/anyManifestIsParsedOrRejectedTyped"))
records = fresh(os.path.join(CORE, "RecordCodecFuzzTestInputs/anyLineIsParsedOrRejectedTyped"))
for name in sorted(os.listdir(os.path.join(GOLDEN, "archives"))):
    data = open(os.path.join(GOLDEN, "archives", name), "rb").read()
    if len(data) > 12 * 1024:  # valid-large: too slow a seed, and nothing a small one lacks
        continue
    stem = name[: -len(".tgz")]
    write(os.path.join(archives, "seed-golden-" + name), data)
    try:  # the tar inside, so mutations reach the tar layer without breaking the gzip CRC
        tar = gzip.decompress(data)
    except Exception:
        continue
    if stem.startswith("valid-") and stem in ("valid-small", "valid-pax-headers", "valid-gnu-headers", "valid-empty"):
        write(os.path.join(archives, "seed-golden-" + stem + ".tar"), tar)
    try:
        with tarfile.open(fileobj=io.BytesIO(tar)) as t:
            for m in t.getmembers():
                if m.isfile() and m.name.endswith("manifest.json") and m.size <= 4096:
                    write(os.path.join(manifests, "seed-golden-" + stem + ".json"), t.extractfile(m).read())
    except Exception:
        pass
for name in sorted(os.listdir(os.path.join(GOLDEN, "plaintext"))):
    if name == "valid-large.jsonl":
        continue
    lines = open(os.path.join(GOLDEN, "plaintext", name), "rb").read().split(b"\n")
    for i, line in enumerate(lines[:3]):
        if line:
            write(os.path.join(records, "seed-golden-%s-%d.json" % (name[: -len(".jsonl")], i + 1)), line)

keys = fresh(os.path.join(CRYPTO, "PemKeyFuzzTestInputs/anyKeyFileIsLoadedOrRejectedTyped"))
certs = fresh(os.path.join(CRYPTO, "CertificateFuzzTestInputs/anyCertificateInputIsParsedOrRejectedTyped"))
stores = fresh(os.path.join(CRYPTO, "Pkcs12FuzzTestInputs/anyKeyStoreIsLoadedOrRejectedTyped"))
key = os.path.join(GOLDEN, "keys/recipient-key.pem")
cert = os.path.join(GOLDEN, "keys/recipient-cert.pem")
shutil.copy(key, os.path.join(keys, "seed-golden-recipient-key.pem"))
shutil.copy(cert, os.path.join(certs, "seed-golden-recipient-cert.pem"))
key_pem = open(key, "rb").read()
cert_pem = open(cert, "rb").read()
write(os.path.join(keys, "seed-golden-key-and-cert.pem"), key_pem + cert_pem)


def openssl(*args, stdin=None):
    return subprocess.run(["openssl", *args], input=stdin, check=True, capture_output=True).stdout


# The password the fuzz tests use is "Sw0rdfish-9". Iteration counts stay low so mutants stay fast.
write(os.path.join(keys, "seed-golden-key-pkcs1.pem"), openssl("rsa", "-traditional", stdin=key_pem))
write(os.path.join(keys, "seed-golden-key-pkcs8-encrypted.pem"),
      openssl("pkcs8", "-topk8", "-v2", "aes-128-cbc", "-iter", "1", "-passout", "pass:Sw0rdfish-9", stdin=key_pem))
write(os.path.join(keys, "seed-golden-key-legacy-encrypted.pem"),
      openssl("rsa", "-traditional", "-aes128", "-passout", "pass:Sw0rdfish-9", stdin=key_pem))
cert_der = openssl("x509", "-outform", "DER", stdin=cert_pem)
write(os.path.join(certs, "seed-golden-recipient-cert.der"), cert_der)
write(os.path.join(certs, "seed-golden-public-key.pem"), openssl("x509", "-pubkey", "-noout", stdin=cert_pem))
with tempfile.TemporaryDirectory() as d:
    kf, cf = os.path.join(d, "k.pem"), os.path.join(d, "c.pem")
    write(kf, key_pem)
    write(cf, cert_pem)
    write(os.path.join(certs, "seed-two-certificate-bundle.pem"), cert_pem + cert_pem)
    write(os.path.join(stores, "seed-golden-recipient.p12"),
          openssl("pkcs12", "-export", "-inkey", kf, "-in", cf, "-passout", "pass:Sw0rdfish-9",
                  "-iter", "1", "-maciter", "-macalg", "sha256",
                  "-keypbe", "AES-128-CBC", "-certpbe", "AES-128-CBC"))
print("seeds written")
