package io.hellgate.export.crypto.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CRLReason;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.IssuingDistributionPoint;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Revocation status of one certificate from supplied or fetched OCSP responses and CRLs, with
 * signature and freshness checks. Each fetch ends at a wall-clock deadline (connect plus read
 * timeout); all fetches of one instance together end at {@link Settings}' total deadline, counted
 * from the instance's construction, so create one instance per evaluation. Thread-safe; a fetch
 * that passes its deadline is abandoned (its connection is closed in the background) and counts as
 * unreachable.
 */
public final class Revocation {
  /** The status of one certificate. */
  public enum State {
    GOOD,
    REVOKED,
    UNKNOWN
  }

  /** A status with a human explanation (no secrets: URLs and sources only). */
  public static final class Status {
    private final State state;
    private final String detail;

    Status(State state, String detail) {
      this.state = state;
      this.detail = detail;
    }

    public State state() {
      return state;
    }

    public String detail() {
      return detail;
    }
  }

  /** Settings for a check. */
  public static final class Settings {
    final Instant now;
    final List<X509CRL> crls;
    final List<byte[]> ocspResponses;
    final boolean online;
    final Duration connectTimeout;
    final Duration readTimeout;
    final int maxFetchBytes;
    final Duration clockSkew;
    final Duration maxAgeWithoutNextUpdate;
    final Duration totalDeadline;

    /**
     * @param connectTimeout per connection attempt
     * @param readTimeout per read; one fetch ends after {@code connectTimeout + readTimeout} in all
     * @param totalDeadline all fetches of one {@link Revocation} end after this long in all
     */
    public Settings(
        Instant now,
        List<X509CRL> crls,
        List<byte[]> ocspResponses,
        boolean online,
        Duration connectTimeout,
        Duration readTimeout,
        int maxFetchBytes,
        Duration clockSkew,
        Duration maxAgeWithoutNextUpdate,
        Duration totalDeadline) {
      this.now = now;
      this.crls = List.copyOf(crls);
      this.ocspResponses = List.copyOf(ocspResponses);
      this.online = online;
      this.connectTimeout = connectTimeout;
      this.readTimeout = readTimeout;
      this.maxFetchBytes = maxFetchBytes;
      this.clockSkew = clockSkew;
      this.maxAgeWithoutNextUpdate = maxAgeWithoutNextUpdate;
      this.totalDeadline = totalDeadline;
    }

    Duration fetchDeadline() {
      return connectTimeout.plus(readTimeout);
    }
  }

  /** At most this many OCSP and this many CRL URLs are tried per certificate. */
  static final int MAX_URLS = 3;

  /** Runs fetches, so that the caller can stop waiting at the deadline; daemon threads. */
  private static final ExecutorService FETCHERS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "revocation-fetch");
            t.setDaemon(true);
            return t;
          });

  private final Settings s;
  /** {@link System#nanoTime()} at which all fetches of this instance must have ended. */
  private final long totalEnd;

  public Revocation(Settings settings) {
    this.s = settings;
    this.totalEnd = System.nanoTime() + settings.totalDeadline.toNanos();
  }

  /** A fetch that did not finish in time; its message says which deadline passed. */
  private static final class DeadlineExceeded extends IOException {
    private static final long serialVersionUID = 1L;

    DeadlineExceeded(String message) {
      super(message);
    }
  }

  /** Checks {@code cert}, issued by {@code issuer}. */
  public Status check(X509Certificate cert, X509Certificate issuer) {
    List<String> problems = new ArrayList<>();
    // all supplied evidence is read, so that a revocation in any of it wins over a "good" elsewhere
    Status good = null;
    for (byte[] response : s.ocspResponses) {
      Status st = ocsp(response, cert, issuer, "supplied OCSP response", problems);
      if (st != null && st.state() == State.REVOKED) {
        return st;
      }
      good = good == null ? st : good;
    }
    for (X509CRL crl : s.crls) {
      if (!crl.getIssuerX500Principal().equals(cert.getIssuerX500Principal())) {
        continue;
      }
      Status st = crl(crl, cert, issuer, "supplied CRL", problems);
      if (st != null && st.state() == State.REVOKED) {
        return st;
      }
      good = good == null ? st : good;
    }
    if (good != null) {
      return good;
    }
    if (s.online) {
      for (String url : first(ocspUrls(cert))) {
        try {
          byte[] request = ocspRequest(cert, issuer);
          byte[] response = fetch(url, request);
          Status st = ocsp(response, cert, issuer, "OCSP " + url, problems);
          if (st != null) {
            return st;
          }
        } catch (DeadlineExceeded e) {
          problems.add("OCSP " + url + " " + e.getMessage());
        } catch (IOException | RuntimeException e) {
          problems.add("OCSP " + url + " unreachable (" + e.getClass().getSimpleName() + ")");
        }
      }
      for (String url : first(crlUrls(cert))) {
        try {
          X509CRL crl = single(CertificateParser.crls(fetch(url, null)));
          Status st = crl(crl, cert, issuer, "CRL " + url, problems);
          if (st != null) {
            return st;
          }
        } catch (DeadlineExceeded e) {
          problems.add("CRL " + url + " " + e.getMessage());
        } catch (IOException e) {
          problems.add("CRL " + url + " unreachable (" + e.getClass().getSimpleName() + ")");
        } catch (RuntimeException e) {
          problems.add("CRL " + url + " is not a valid CRL");
        }
      }
    } else if (!ocspUrls(cert).isEmpty() || !crlUrls(cert).isEmpty()) {
      problems.add("online revocation checking is off");
    }
    if (problems.isEmpty()) {
      problems.add("no CRL or OCSP response was supplied and the certificate names no OCSP or CRL URL");
    }
    return new Status(State.UNKNOWN, String.join("; ", problems));
  }

  private static List<String> first(List<String> urls) {
    return urls.size() > MAX_URLS ? urls.subList(0, MAX_URLS) : urls;
  }

  private static X509CRL single(List<X509CRL> crls) {
    if (crls.size() != 1) {
      throw new IllegalArgumentException("expected one CRL");
    }
    return crls.get(0);
  }

  private Status crl(
      X509CRL crl, X509Certificate cert, X509Certificate issuer, String source, List<String> problems) {
    if (!crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
      problems.add(source + " is issued by a different CA");
      return null;
    }
    boolean[] ku = issuer.getKeyUsage();
    if (ku != null && !ku[6]) {
      problems.add(source + ": the issuer may not sign CRLs (no cRLSign key usage)");
      return null;
    }
    try {
      crl.verify(issuer.getPublicKey());
    } catch (Exception e) {
      problems.add(source + " has an invalid signature");
      return null;
    }
    String stale = freshness(crl.getThisUpdate(), crl.getNextUpdate(), true);
    if (stale != null) {
      problems.add(source + " " + stale);
      return null;
    }
    // an entry for this certificate (matched by issuer and serial, so an indirect CRL's entries for
    // other issuers do not count) is a revocation whatever the CRL's scope: fail closed
    X509CRLEntry entry = crl.getRevokedCertificate(cert);
    if (entry != null && entry.getRevocationReason() != CRLReason.REMOVE_FROM_CRL) {
      return new Status(
          State.REVOKED,
          "revoked on " + entry.getRevocationDate().toInstant()
              + (entry.getRevocationReason() == null ? "" : " (" + entry.getRevocationReason() + ")")
              + " according to " + source);
    }
    if (entry != null) {
      problems.add(source + " lists the certificate with reason removeFromCRL, which shows no status"
          + " without its base CRL");
      return null;
    }
    String unusable = unusableForNotRevoked(crl, cert);
    if (unusable != null) {
      problems.add(source + " " + unusable);
      return null;
    }
    return new Status(State.GOOD, "not revoked according to " + source);
  }

  /** CRL extensions that may be critical because they are processed or do not narrow the scope. */
  private static final Set<String> UNDERSTOOD_CRL_EXTENSIONS =
      Set.of(
          Extension.issuingDistributionPoint.getId(),
          Extension.cRLNumber.getId(),
          Extension.authorityKeyIdentifier.getId());

  /**
   * Null if {@code crl}, a verified and fresh CRL of the certificate's issuer that does not list
   * it, shows that it is not revoked; else why not: a delta CRL lists only changes since its base,
   * a CRL with a critical extension or critical entry extension we do not process must not be used
   * at all (RFC 5280, 5.2 and 5.3), and a partitioned CRL (issuingDistributionPoint) shows nothing
   * about certificates outside its scope.
   */
  private static String unusableForNotRevoked(X509CRL crl, X509Certificate cert) {
    if (crl.getExtensionValue(Extension.deltaCRLIndicator.getId()) != null) {
      return "is a delta CRL (deltaCRLIndicator), which lists only changes since a base CRL and"
          + " cannot show that the certificate is not revoked";
    }
    Set<String> critical = crl.getCriticalExtensionOIDs();
    for (String oid : critical == null ? Set.<String>of() : critical) {
      if (!UNDERSTOOD_CRL_EXTENSIONS.contains(oid)) {
        return "has the unsupported critical extension " + oid + ", so it is not used";
      }
    }
    Set<? extends X509CRLEntry> entries = crl.getRevokedCertificates();
    for (X509CRLEntry e : entries == null ? Set.<X509CRLEntry>of() : entries) {
      Set<String> entryCritical = e.getCriticalExtensionOIDs();
      if (entryCritical != null && !entryCritical.isEmpty()) {
        return "has a critical entry extension " + entryCritical.iterator().next()
            + (entryCritical.contains(Extension.certificateIssuer.getId())
                ? " (certificateIssuer: an indirect CRL)" : "")
            + ", which is not supported, so it is not used";
      }
    }
    byte[] idpValue = crl.getExtensionValue(Extension.issuingDistributionPoint.getId());
    if (idpValue == null) {
      return null;
    }
    IssuingDistributionPoint idp;
    try {
      idp = IssuingDistributionPoint.getInstance(ASN1OctetString.getInstance(idpValue).getOctets());
    } catch (RuntimeException e) {
      return "has a malformed issuingDistributionPoint extension, so it is not used";
    }
    boolean ca = cert.getBasicConstraints() >= 0;
    if (idp.onlyContainsAttributeCerts()) {
      return "is a partial CRL (issuingDistributionPoint: only attribute certificates) that does"
          + " not cover this certificate";
    }
    if (idp.onlyContainsCACerts() && !ca) {
      return "is a partial CRL (issuingDistributionPoint: only CA certificates) that does not"
          + " cover this end-entity certificate";
    }
    if (idp.onlyContainsUserCerts() && ca) {
      return "is a partial CRL (issuingDistributionPoint: only end-entity certificates) that does"
          + " not cover this CA certificate";
    }
    if (idp.getOnlySomeReasons() != null) {
      return "is a partial CRL (issuingDistributionPoint: only some revocation reasons) that cannot"
          + " show that the certificate is not revoked for any reason";
    }
    if (idp.isIndirectCRL()) {
      return "is an indirect CRL (issuingDistributionPoint), which is not supported";
    }
    DistributionPointName name = idp.getDistributionPoint();
    if (name != null) {
      if (name.getType() != DistributionPointName.FULL_NAME) {
        return "names its distribution point relative to the issuer, which is not supported";
      }
      List<GeneralName> certNames = distributionPointNames(cert);
      boolean match = false;
      for (GeneralName g : GeneralNames.getInstance(name.getName()).getNames()) {
        match |= certNames.contains(g);
      }
      if (!match) {
        return "covers a distribution point that is not one of the certificate's (a CRL of another"
            + " partition), so it does not cover this certificate";
      }
    }
    return null;
  }

  /** All full names of the certificate's CRL distribution points; none if absent or malformed. */
  private static List<GeneralName> distributionPointNames(X509Certificate cert) {
    List<GeneralName> out = new ArrayList<>();
    Extensions exts = extensions(cert);
    try {
      CRLDistPoint dp = exts == null ? null : CRLDistPoint.fromExtensions(exts);
      for (DistributionPoint p : dp == null ? new DistributionPoint[0] : dp.getDistributionPoints()) {
        DistributionPointName name = p.getDistributionPoint();
        if (name != null && name.getType() == DistributionPointName.FULL_NAME) {
          out.addAll(List.of(GeneralNames.getInstance(name.getName()).getNames()));
        }
      }
    } catch (RuntimeException malformed) {
      out.clear();
    }
    return out;
  }

  private String freshness(Date thisUpdate, Date nextUpdate, boolean nextUpdateRequired) {
    if (thisUpdate == null) {
      return "has no thisUpdate";
    }
    if (thisUpdate.toInstant().isAfter(s.now.plus(s.clockSkew))) {
      return "is not yet valid (thisUpdate " + thisUpdate.toInstant() + ")";
    }
    if (nextUpdate == null) {
      if (nextUpdateRequired) {
        return "has no nextUpdate";
      }
      if (thisUpdate.toInstant().plus(s.maxAgeWithoutNextUpdate).isBefore(s.now)) {
        return "is too old (thisUpdate " + thisUpdate.toInstant() + ")";
      }
      return null;
    }
    if (nextUpdate.toInstant().plus(s.clockSkew).isBefore(s.now)) {
      return "is stale (nextUpdate " + nextUpdate.toInstant() + ")";
    }
    return null;
  }

  private Status ocsp(
      byte[] encoded, X509Certificate cert, X509Certificate issuer, String source, List<String> problems) {
    BasicOCSPResp basic;
    try {
      OCSPResp resp = new OCSPResp(encoded);
      if (resp.getStatus() != OCSPResp.SUCCESSFUL) {
        problems.add(source + " returned status " + resp.getStatus());
        return null;
      }
      Object o = resp.getResponseObject();
      if (!(o instanceof BasicOCSPResp)) {
        problems.add(source + " is not a basic OCSP response");
        return null;
      }
      basic = (BasicOCSPResp) o;
    } catch (Exception e) {
      problems.add(source + " is not a valid OCSP response");
      return null;
    }
    // A response may hold several entries for the same certificate: a revocation in any of them
    // wins (revocation is final, so even a stale one counts); otherwise a fresh "good" one.
    List<SingleResp> matches = new ArrayList<>();
    try {
      X509CertificateHolder issuerHolder = new JcaX509CertificateHolder(issuer);
      for (SingleResp r : basic.getResponses()) {
        CertificateID id = r.getCertID();
        if (id.getSerialNumber().equals(cert.getSerialNumber())
            && id.matchesIssuer(issuerHolder, new JcaDigestCalculatorProviderBuilder().build())) {
          matches.add(r);
        }
      }
    } catch (Exception e) {
      problems.add(source + " could not be matched to the certificate");
      return null;
    }
    if (matches.isEmpty()) {
      // a response for some other certificate: not ours to judge
      if (!source.startsWith("supplied")) {
        problems.add(source + " does not cover this certificate");
      }
      return null;
    }
    String signer = verifyOcspSignature(basic, issuer);
    if (signer != null) {
      problems.add(source + " " + signer);
      return null;
    }
    for (SingleResp r : matches) {
      if (r.getCertStatus() instanceof RevokedStatus) {
        RevokedStatus rs = (RevokedStatus) r.getCertStatus();
        return new Status(
            State.REVOKED, "revoked on " + rs.getRevocationTime().toInstant() + " according to " + source);
      }
    }
    for (SingleResp r : matches) {
      String stale = freshness(r.getThisUpdate(), r.getNextUpdate(), false);
      if (stale != null) {
        problems.add(source + " " + stale);
      } else if (r.getCertStatus() == CertificateStatus.GOOD) {
        return new Status(State.GOOD, "not revoked according to " + source);
      } else {
        problems.add(source + " reports status unknown");
      }
    }
    return null;
  }

  /** Null if the response is signed by the issuer or by a delegated responder it authorized. */
  private String verifyOcspSignature(BasicOCSPResp basic, X509Certificate issuer) {
    try {
      if (verifies(basic, issuer.getPublicKey())) {
        return null;
      }
      JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
      for (X509CertificateHolder h : basic.getCerts()) {
        X509Certificate responder = conv.getCertificate(h);
        if (!responder.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
          continue;
        }
        try {
          responder.verify(issuer.getPublicKey());
        } catch (Exception e) {
          continue;
        }
        List<String> eku = responder.getExtendedKeyUsage();
        if (eku == null || !eku.contains(KeyPurposeId.id_kp_OCSPSigning.getId())) {
          continue;
        }
        Instant now = s.now;
        if (now.isBefore(responder.getNotBefore().toInstant())
            || now.isAfter(responder.getNotAfter().toInstant())) {
          continue;
        }
        if (verifies(basic, responder.getPublicKey())) {
          return null;
        }
      }
    } catch (Exception e) {
      return "has an unverifiable signature";
    }
    return "is not signed by the issuer or a responder it authorized";
  }

  private static boolean verifies(BasicOCSPResp basic, PublicKey key) {
    try {
      return basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key));
    } catch (Exception e) {
      return false;
    }
  }

  private static byte[] ocspRequest(X509Certificate cert, X509Certificate issuer) throws IOException {
    try {
      CertificateID id =
          new CertificateID(
              new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
              new JcaX509CertificateHolder(issuer),
              cert.getSerialNumber());
      return new OCSPReqBuilder().addRequest(id).build().getEncoded();
    } catch (Exception e) {
      throw new IOException("cannot build OCSP request", e);
    }
  }

  /**
   * Fetches {@code url} in a fetcher thread and waits at most until the earlier of the per-fetch
   * and the total deadline; then abandons the fetch, closes its connection in the background and
   * throws {@link DeadlineExceeded}.
   */
  private byte[] fetch(String url, byte[] postBody) throws IOException {
    long start = System.nanoTime();
    long totalLeft = totalEnd - start;
    if (totalLeft <= 0) {
      throw new DeadlineExceeded("not fetched: the revocation deadline of this evaluation ("
          + seconds(s.totalDeadline) + ") has passed");
    }
    long fetchNanos = s.fetchDeadline().toNanos();
    boolean totalLimits = totalLeft < fetchNanos;
    long wait = totalLimits ? totalLeft : fetchNanos;
    long end = start + wait;
    String late = totalLimits
        ? "did not answer before the revocation deadline of this evaluation ("
            + seconds(s.totalDeadline) + ") passed"
        : "did not answer within the fetch deadline of " + seconds(s.fetchDeadline())
            + " (connect plus read timeout)";
    AtomicReference<HttpURLConnection> connection = new AtomicReference<>();
    Future<byte[]> f = FETCHERS.submit(() -> download(url, postBody, end, late, connection));
    try {
      return f.get(wait, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      HttpURLConnection c = connection.get();
      if (c != null) {
        FETCHERS.execute(c::disconnect); // may block on the fetcher's lock: not on this thread
      }
      throw new DeadlineExceeded(late);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException) {
        throw (IOException) cause;
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw new IOException("fetch failed", cause);
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while fetching");
    }
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  /**
   * The blocking fetch; also stops by itself after {@code end} (checked after every read of the
   * body), throwing {@link DeadlineExceeded} with {@code late}.
   */
  private byte[] download(
      String url, byte[] postBody, long end, String late,
      AtomicReference<HttpURLConnection> connection)
      throws IOException {
    URL u = URI.create(url).toURL();
    HttpURLConnection c = (HttpURLConnection) u.openConnection();
    connection.set(c);
    try {
      c.setInstanceFollowRedirects(false);
      c.setConnectTimeout((int) Math.min(Integer.MAX_VALUE, s.connectTimeout.toMillis()));
      c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, s.readTimeout.toMillis()));
      c.setUseCaches(false);
      if (postBody != null) {
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/ocsp-request");
        c.setFixedLengthStreamingMode(postBody.length);
        try (OutputStream out = c.getOutputStream()) {
          out.write(postBody);
        }
      }
      int code = c.getResponseCode();
      if (code != 200) {
        throw new IOException("HTTP " + code);
      }
      long declared = c.getContentLengthLong();
      if (declared > s.maxFetchBytes) {
        throw new IOException("response too large");
      }
      try (InputStream in = c.getInputStream()) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        int n;
        while ((n = in.read(chunk)) > 0) {
          if (System.nanoTime() - end > 0 || Thread.currentThread().isInterrupted()) {
            throw new DeadlineExceeded(late);
          }
          if (buf.size() + n > s.maxFetchBytes) {
            throw new IOException("response too large");
          }
          buf.write(chunk, 0, n);
        }
        return buf.toByteArray();
      }
    } finally {
      c.disconnect();
    }
  }

  private static boolean fetchable(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    return lower.startsWith("http://") || lower.startsWith("https://");
  }

  private static Extensions extensions(X509Certificate cert) {
    try {
      return new JcaX509CertificateHolder(cert).getExtensions();
    } catch (CertificateEncodingException | RuntimeException e) {
      return null;
    }
  }

  /** HTTP(S) OCSP responder URLs from the AIA extension; none if it is absent or malformed. */
  public static List<String> ocspUrls(X509Certificate cert) {
    List<String> out = new ArrayList<>();
    Extensions exts = extensions(cert);
    try {
      AuthorityInformationAccess aia = exts == null ? null : AuthorityInformationAccess.fromExtensions(exts);
      for (AccessDescription ad : aia == null ? new AccessDescription[0] : aia.getAccessDescriptions()) {
        if (ad.getAccessMethod().equals(AccessDescription.id_ad_ocsp)) {
          uri(ad.getAccessLocation(), out);
        }
      }
    } catch (RuntimeException malformed) {
      out.clear();
    }
    return out;
  }

  /** HTTP(S) CRL URLs from the CRL distribution points; none if absent or malformed. */
  public static List<String> crlUrls(X509Certificate cert) {
    List<String> out = new ArrayList<>();
    for (GeneralName g : distributionPointNames(cert)) {
      uri(g, out);
    }
    return out;
  }

  private static void uri(GeneralName g, List<String> out) {
    if (g.getTagNo() == GeneralName.uniformResourceIdentifier) {
      String url = ASN1IA5String.getInstance(g.getName()).getString();
      if (fetchable(url)) {
        out.add(url);
      }
    }
  }
}
