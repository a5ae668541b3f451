package io.hellgate.export.cli;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throwaway self-signed certificate for the benchmark (which measures throughput, not policy). */
final class SelfSigned {
  private SelfSigned() {}

  static X509Certificate certificate(KeyPair pair, String dn) throws Exception {
    X500Name name = new X500Name(dn);
    Date from = new Date(System.currentTimeMillis() - 60_000);
    Date to = new Date(System.currentTimeMillis() + 86_400_000L);
    var builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, from, to, name, pair.getPublic());
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
  }
}
