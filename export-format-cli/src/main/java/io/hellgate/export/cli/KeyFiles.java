package io.hellgate.export.cli;

import io.hellgate.export.RecipientKey;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --key KEY.pem [--cert CERT.pem]}: unencrypted PEM keys, optionally with certificates. */
final class KeyFiles {
  @Option(
      names = "--key",
      paramLabel = "KEY.pem",
      required = true,
      description = "Recipient private key, PKCS#8 or PKCS#1 PEM (repeatable for key rotation).")
  List<Path> keys = new ArrayList<>();

  @Option(
      names = "--cert",
      paramLabel = "CERT.pem",
      description = "Certificate of the --key at the same position (lets the reader pick keys by fingerprint).")
  List<Path> certs = new ArrayList<>();

  List<RecipientKey> load() throws IOException {
    if (certs.size() > keys.size()) {
      throw new IllegalArgumentException("more --cert than --key options");
    }
    List<RecipientKey> out = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      PrivateKey key = Pem.privateKey(keys.get(i));
      out.add(i < certs.size() ? RecipientKey.of(key, Pem.certificate(certs.get(i))) : RecipientKey.of(key));
    }
    return out;
  }
}
