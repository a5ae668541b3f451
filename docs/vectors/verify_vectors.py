#!/usr/bin/env python3
"""An independent reader of Hellgate export format v1.1, run against the conformance vectors.

Written from docs/format.md alone (no Java, no shared code): gzip and tar are parsed here, the
cryptography package does RSA-OAEP-256 and AES-256-GCM, and the OpenSSL command line
(`openssl cms -verify`) checks 1.1 signatures. Every vector is read and its verdict compared with
vectors.json: `valid` vectors must decrypt to their plaintext file with the listed checksum and
count; `invalid` ones must be rejected with the listed reason code. A vector with `signer_trust`
is read with that signer trust anchor (a signature is required: section 13.3) and, with
`check_scope`, every record is checked against the manifest's scope (section 13.2).

With --v1.0 the runner is a 1.0-only reader: it ignores the 1.1 members (as section 10 says a 1.x
reader ignores unknown members) and expects `result_1_0`/`plaintext_1_0` where a vector has them,
proving that 1.1 archives still decrypt with a 1.0 reader.

Usage: verify_vectors.py GOLDEN_DIR [--json] [--v1.0]
  GOLDEN_DIR holds vectors.json (export-format-testkit/src/main/resources/golden).
Exit status: 0 if every vector passed, 1 if any failed, 2 on usage or missing dependency.
"""
import base64
import gzip
import hashlib
import json
import os
import calendar
import re
import shutil
import subprocess
import sys
import tempfile
import zlib

try:
    from cryptography import x509
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
except ImportError:  # pragma: no cover
    print("verify_vectors.py needs the 'cryptography' package", file=sys.stderr)
    sys.exit(2)

MAX_MANIFEST = 1 << 20
MAX_TRAILING = 1 << 20
MAX_DATA = (1 << 36) - 32
MAX_LINE = 1 << 20
DATA_NAMES = ("tokens.jsonl.enc", "records.jsonl.enc")
VERSION = re.compile(r"(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\Z")
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
CHECKSUM = re.compile(r"sha256:[0-9a-f]{64}\Z")
FINGERPRINT = re.compile(r"sha256:[0-9a-f]{2}(:[0-9a-f]{2}){31}\Z")
SERIAL = re.compile(r"[0-9a-f]{2}(:[0-9a-f]{2}){0,63}\Z")
RFC3339 = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})\Z")


class Reject(Exception):
    def __init__(self, reason, detail):
        super().__init__(detail)
        self.reason = reason


def no_duplicates(pairs, reason):
    seen = {}
    for k, v in pairs:
        if k in seen:
            raise Reject(reason, "duplicate member " + repr(k))
        seen[k] = v
    return seen


def octal(field):
    if field[:1] and field[0] & 0x80:  # base-256
        return int.from_bytes(field[1:], "big")
    text = field.split(b"\0", 1)[0].strip(b" ")
    return int(text, 8) if text else 0


def entries(tar):
    """Yields (name, type, size, offset) of the tar's members, applying PAX and GNU long names."""
    pos, pax, longname = 0, {}, None
    while True:
        if pos + 512 > len(tar):
            raise Reject("malformed_archive", "tar ends without end-of-archive blocks")
        h = tar[pos:pos + 512]
        if h == bytes(512):
            end = pos + 1024 if tar[pos + 512:pos + 1024] == bytes(512) else pos + 512
            if len(tar) - end > MAX_TRAILING:
                raise Reject("malformed_archive", "more than 1 MiB after the end of the tar")
            return
        if sum(h[:148]) + 8 * 32 + sum(h[156:]) != octal(h[148:156]):
            raise Reject("malformed_archive", "tar header checksum mismatch")
        name = h[:100].split(b"\0", 1)[0]
        if h[257:263] == b"ustar\0" and h[345] != 0:
            name = h[345:500].split(b"\0", 1)[0] + b"/" + name
        size, kind = octal(h[124:136]), chr(h[156])
        if kind in "xgLK":
            body = tar[pos + 512:pos + 512 + size]
            if len(body) != size:
                raise Reject("malformed_archive", "truncated tar")
            if kind == "x":
                pax = parse_pax(body)
            elif kind == "L":
                longname = body.split(b"\0", 1)[0]
            pos += 512 + (size + 511) // 512 * 512
            continue
        if "path" in pax:
            name = pax["path"].encode("utf-8")
        if "size" in pax:
            size = int(pax["size"])
        if longname is not None:
            name = longname
        pax, longname = {}, None
        yield name.decode("utf-8", "strict"), kind, size, pos + 512
        pos += 512 + (size + 511) // 512 * 512


def parse_pax(body):
    out, i = {}, 0
    while i < len(body):
        sp = body.index(b" ", i)
        n = int(body[i:sp])
        key, _, value = body[sp + 1:i + n - 1].partition(b"=")
        out[key.decode()] = value.decode("utf-8")
        i += n
    return out


def read_archive(data):
    if data[:2] != b"\x1f\x8b":
        raise Reject("malformed_archive", "empty" if not data else "not gzip")
    try:
        tar = gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as e:
        raise Reject("malformed_archive", "gzip: %s" % e)
    manifest, payload = None, None
    for name, kind, size, off in entries(tar):
        while name.startswith("./"):
            name = name[2:]
        if name.startswith("/") or "\\" in name or "\0" in name or ".." in name.split("/"):
            raise Reject("malformed_archive", "unsafe path " + name)
        if kind == "5":
            continue
        if kind not in ("0", "\0"):
            raise Reject("malformed_archive", "entry %s has type %r" % (name, kind))
        if name == "manifest.json":
            if manifest is not None:
                raise Reject("malformed_archive", "two manifests")
            if size > MAX_MANIFEST:
                raise Reject("limit_exceeded", "manifest over 1 MiB")
        elif name in DATA_NAMES:
            if payload is not None:
                raise Reject("malformed_archive", "two data entries")
            if size > MAX_DATA:
                raise Reject("limit_exceeded", "data entry over 2^36-32 bytes")
        else:
            raise Reject("malformed_archive", "unexpected entry " + name)
        body = tar[off:off + size]
        if len(body) != size:
            raise Reject("malformed_archive", "truncated entry " + name)
        if name == "manifest.json":
            manifest = body
        else:
            payload = body
    if manifest is None or payload is None:
        raise Reject("malformed_archive", "missing manifest.json or data entry")
    return manifest, payload


def b64(obj, field, lo, hi):
    text = string(obj, field, "malformed_manifest")
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        raise Reject("malformed_manifest", field + " is not base64")
    if base64.b64encode(raw).decode() != text or not lo <= len(raw) <= hi:
        raise Reject("malformed_manifest", field + " is not canonical or has the wrong length")
    return raw


def string(obj, field, reason):
    value = obj.get(field) if isinstance(obj, dict) else None
    if not isinstance(value, str):
        raise Reject(reason, field + " must be a string")
    return value


def obj(parent, field, reason):
    value = parent.get(field)
    if not isinstance(value, dict):
        raise Reject(reason, field + " must be an object")
    return value


def parse_manifest(raw):
    try:
        m = json.loads(raw.decode("utf-8"), object_pairs_hook=lambda p: no_duplicates(p, "malformed_manifest"))
    except (UnicodeDecodeError, ValueError) as e:
        if isinstance(e, Reject):
            raise
        raise Reject("malformed_manifest", "not JSON")
    if not isinstance(m, dict):
        raise Reject("malformed_manifest", "not an object")
    v = VERSION.match(string(m, "version", "malformed_manifest"))
    if not v:
        raise Reject("malformed_manifest", "version is not MAJOR.MINOR")
    if v.group(1) != "1":
        raise Reject("unsupported_version", "major version " + v.group(1))
    enc = obj(m, "encryption", "malformed_manifest")
    if string(enc, "algorithm", "malformed_manifest") != "RSA-OAEP-256":
        raise Reject("unsupported_algorithm", enc["algorithm"])
    if not UUID.match(string(m, "export_id", "malformed_manifest")):
        raise Reject("malformed_manifest", "export_id")
    if not RFC3339.match(string(m, "created_at", "malformed_manifest")):
        raise Reject("malformed_manifest", "created_at")
    if not string(m, "guardian_instance", "malformed_manifest"):
        raise Reject("malformed_manifest", "guardian_instance")
    rcp = obj(enc, "recipient", "malformed_manifest")
    string(rcp, "subject", "malformed_manifest")
    string(rcp, "issuer", "malformed_manifest")
    if not SERIAL.match(string(rcp, "serial", "malformed_manifest")):
        raise Reject("malformed_manifest", "serial")
    if not FINGERPRINT.match(string(rcp, "fingerprint", "malformed_manifest")):
        raise Reject("malformed_manifest", "fingerprint")
    content = obj(m, "content", "malformed_manifest")
    count = content.get("record_count")
    if type(count) is not int or count < 0:
        raise Reject("malformed_manifest", "record_count")
    if not CHECKSUM.match(string(content, "checksum", "malformed_manifest")):
        raise Reject("malformed_manifest", "checksum")
    return {
        "fingerprint": rcp["fingerprint"],
        "encrypted_key": b64(enc, "encrypted_key", 1, 2048),
        "iv": b64(enc, "iv", 12, 12),
        "tag": b64(enc, "tag", 16, 16),
        "record_count": count,
        "checksum": content["checksum"],
        "json": m,
    }


def instant(text):
    """An RFC 3339 date-time as (seconds since the epoch, nanoseconds), or None."""
    g = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,9})?(Z|([+-])([0-9]{2}):([0-9]{2}))", text)
    if not g:
        return None
    secs = calendar.timegm((int(g.group(1)), int(g.group(2)), int(g.group(3)), int(g.group(4)), int(g.group(5)), int(g.group(6))))
    if g.group(9):
        off = int(g.group(10)) * 3600 + int(g.group(11)) * 60
        secs -= off if g.group(9) == "+" else -off
    nanos = int((g.group(7) or ".")[1:].ljust(9, "0") or 0)
    return (secs, nanos)


def parse_scope(m):
    """Section 13.2: the manifest's request.scope, or None without a request."""
    if "request" not in m:
        return None
    req = obj(m, "request", "malformed_manifest")
    string(req, "request_id", "malformed_manifest")
    sc = obj(req, "scope", "malformed_manifest")
    lo = instant(string(sc, "created_from", "malformed_manifest"))
    hi = instant(string(sc, "created_until", "malformed_manifest"))
    if lo is None or hi is None or not lo < hi:
        raise Reject("malformed_manifest", "scope range")
    schemes = sc.get("schemes")
    if schemes is not None and (not isinstance(schemes, list) or not schemes or not all(isinstance(x, str) for x in schemes)):
        raise Reject("malformed_manifest", "scope.schemes")
    meta = sc.get("metadata")
    if meta is not None and (not isinstance(meta, dict) or not meta or not all(isinstance(x, str) for x in meta.values())):
        raise Reject("malformed_manifest", "scope.metadata")
    return {"from": lo, "until": hi, "schemes": schemes, "metadata": meta}


def in_scope(record, scope):
    t = instant(record["created_at"])
    if not (scope["from"] <= t < scope["until"]):
        return False
    if scope["schemes"] is not None and record["card"].get("scheme") not in scope["schemes"]:
        return False
    if scope["metadata"] is not None:
        md = record.get("metadata") or {}
        if any(md.get(k) != v for k, v in scope["metadata"].items()):
            return False
    return True


def check_signature(m, trust_pem):
    """Section 13.3, before any key is used: present, valid CMS by a trusted signer, over this manifest."""
    if "signature" not in m:
        raise Reject("signature_missing", "no signature")
    der = b64(m, "signature", 1, MAX_MANIFEST)
    openssl = shutil.which("openssl")
    if openssl is None:
        raise Reject("signature_invalid", "openssl is needed to check signatures")
    with tempfile.TemporaryDirectory() as tmp:
        sig, trust, out = (os.path.join(tmp, n) for n in ("sig.der", "trust.pem", "content.json"))
        open(sig, "wb").write(der)
        open(trust, "wb").write(trust_pem)
        p = subprocess.run([openssl, "cms", "-verify", "-binary", "-inform", "DER", "-in", sig,
                            "-CAfile", trust, "-out", out], capture_output=True)
        if p.returncode != 0:
            raise Reject("signature_invalid", "openssl cms -verify: " + p.stderr.decode("utf-8", "replace").strip())
        signed = open(out, "rb").read()
    try:
        content = json.loads(signed.decode("utf-8"), object_pairs_hook=lambda p: no_duplicates(p, "signature_invalid"))
    except (UnicodeDecodeError, ValueError) as e:
        if isinstance(e, Reject):
            raise
        raise Reject("signature_invalid", "signed content is not JSON")
    unsigned = {k: v for k, v in m.items() if k != "signature"}
    if content != unsigned:
        raise Reject("signature_invalid", "the signature covers another manifest")


def check_record(line):
    try:
        r = json.loads(line, object_pairs_hook=lambda p: no_duplicates(p, "malformed_record"))
    except ValueError as e:
        if isinstance(e, Reject):
            raise
        raise Reject("malformed_record", "not JSON")
    is_int = lambda x, lo, hi: type(x) is int and lo <= x <= hi
    card = r.get("card") if isinstance(r, dict) else None
    ok = (
        isinstance(r, dict)
        and isinstance(r.get("id"), str) and r["id"] != ""
        and isinstance(card, dict)
        and is_int(card.get("expiry_month"), 1, 12)
        and is_int(card.get("expiry_year"), 1970, 9999)
        and isinstance(card.get("account_number"), str)
        and re.fullmatch(r"[0-9]{12,19}", card["account_number"]) is not None
        and all(card.get(k) is None or isinstance(card.get(k), str) for k in ("cardholder_name", "scheme"))
        and isinstance(r.get("created_at"), str) and RFC3339.match(r["created_at"])
        and (r.get("expires_at") is None or (isinstance(r["expires_at"], str) and RFC3339.match(r["expires_at"])))
        and (r.get("metadata") is None
             or (isinstance(r["metadata"], dict) and all(isinstance(x, str) for x in r["metadata"].values())))
    )
    if not ok:
        raise Reject("malformed_record", "not a valid token record")


def read(data, key_pem, cert_pem, signer_trust=None, check_scope=False):
    """Returns the plaintext, or raises Reject with the format's reason code."""
    raw_manifest, ciphertext = read_archive(data)
    m = parse_manifest(raw_manifest)
    scope = None
    if signer_trust is not None or check_scope:  # a 1.1 reader, configured as the vector says
        scope = parse_scope(m["json"])
        if signer_trust is not None:
            check_signature(m["json"], signer_trust)
        if check_scope and scope is None:
            raise Reject("record_out_of_scope", "the manifest records no scope")
    cert = x509.load_pem_x509_certificate(cert_pem)
    fp = "sha256:" + ":".join("%02x" % b for b in hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).digest())
    if fp != m["fingerprint"]:
        raise Reject("wrong_key", "export is for " + m["fingerprint"])
    key = serialization.load_pem_private_key(key_pem, password=None)
    try:
        data_key = key.decrypt(m["encrypted_key"], padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), None))
    except ValueError:
        raise Reject("wrong_key", "OAEP unwrap failed")
    if len(data_key) != 32:
        raise Reject("wrong_key", "data key is not 32 bytes")
    try:
        plaintext = AESGCM(data_key).decrypt(m["iv"], ciphertext + m["tag"], None)
    except InvalidTag:
        raise Reject("tampered_content", "GCM tag mismatch")
    if "sha256:" + hashlib.sha256(plaintext).hexdigest() != m["checksum"]:
        raise Reject("checksum_mismatch", "checksum")
    lines = plaintext.split(b"\n")
    if lines[-1] != b"":
        raise Reject("malformed_record", "last line does not end in \\n")
    lines = lines[:-1]
    for line in lines:
        if not line or line.endswith(b"\r") or len(line) > MAX_LINE:
            raise Reject("malformed_record", "bad framing")
        try:
            line.decode("utf-8", "strict")
        except UnicodeDecodeError:
            raise Reject("malformed_record", "not UTF-8")
    if len(lines) != m["record_count"]:
        raise Reject("record_count_mismatch", "count")
    for line in lines:
        check_record(line.decode("utf-8"))
    if check_scope:
        for line in lines:
            if not in_scope(json.loads(line.decode("utf-8")), scope):
                raise Reject("record_out_of_scope", "a record is outside the scope")
    return plaintext


def main(argv):
    v10 = "--v1.0" in argv
    args = [a for a in argv[1:] if a not in ("--json", "--v1.0")]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    root = args[0]
    load = lambda rel: open(os.path.join(root, rel), "rb").read()
    index = json.loads(load("vectors.json"))
    results = []
    for v in index["vectors"]:
        keys = index["keys"][v["key"]]
        trust = None if v10 or "signer_trust" not in v else load(v["signer_trust"])
        try:
            plaintext = read(load(v["archive"]), load(keys["private_key"]), load(keys["certificate"]),
                             trust, not v10 and v.get("check_scope", False))
            got = "valid"
        except Reject as e:
            plaintext, got = None, e.reason
        if v10 and "result_1_0" in v:
            # a 1.0 reader decrypts a 1.1 archive: the plaintext, with the manifest's checksum and count
            ok = got == "valid" and plaintext == load(v["plaintext_1_0"])
            expected = "valid"
        elif v["result"] == "valid":
            ok = (got == "valid" and plaintext == load(v["plaintext"])
                  and "sha256:" + hashlib.sha256(plaintext).hexdigest() == v["checksum"]
                  and plaintext.count(b"\n") == v["record_count"])
            expected = "valid"
        else:
            ok = got == v["reason"]
            expected = v["reason"]
        results.append({"id": v["id"], "expected": expected, "got": got, "passed": ok})
    if "--json" in argv:
        print(json.dumps({"results": results}, indent=1))
    else:
        for r in results:
            print("%s %s (expected %s, got %s)" % ("PASS" if r["passed"] else "FAIL", r["id"], r["expected"], r["got"]))
    return 0 if all(r["passed"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
