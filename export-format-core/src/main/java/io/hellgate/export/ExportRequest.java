package io.hellgate.export;

import io.hellgate.export.internal.Fingerprints;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * An export request (seed step 1): who asks for which tokens, why, under which PCI attestation, to
 * which certificate. The recipient writes it ({@code export-tool request}), the sender approves it
 * and writes the export with it ({@link ExportWriter.Options.Builder#request}); the export's
 * manifest (format 1.1, docs/format.md section 13) then records the {@link #requestId()} and the
 * {@link Scope}, never the contacts or the use case, because the manifest is in clear.
 *
 * <p>The JSON form ({@link #toJson()}, {@link #fromJson(byte[])}) is the request file the
 * recipient submits. {@link Builder#build()} validates every field and names the field in its
 * message; {@link #fromJson} reports the same problems as {@link ExportFormatException} with
 * {@link ExportFormatException.Reason#MALFORMED_REQUEST}.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * ExportRequest request = ExportRequest.builder()
 *     .organization("Acme Payments GmbH")
 *     .clusterId("my-cluster-id")
 *     .useCase("migration to our own vault")
 *     .pciAttestation("AOC-2025-0042", LocalDate.parse("2025-01-10"))
 *     .scope(ExportRequest.Scope.builder()
 *         .createdFrom(Instant.parse("2024-01-01T00:00:00Z"))
 *         .createdUntil(Instant.parse("2025-01-01T00:00:00Z"))
 *         .scheme("visa")
 *         .build())
 *     .recipientTeam("payments-platform")
 *     .recipientContact("vault-owner@acme.example")
 *     .pointOfContact("security@acme.example")
 *     .recipientCertificatePem(Files.readString(Path.of("recipient-cert.pem")))
 *     .build();                       // request ID generated (a random UUID)
 * Files.write(Path.of("request.json"), request.toJson());
 * }</pre>
 */
public final class ExportRequest {
  /** A request ID: 1 to 128 ASCII letters, digits, {@code . _ : -}, starting with a letter or digit. */
  static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
  static final int MAX_TEXT = 256;
  static final int MAX_USE_CASE = 4096;

  private final String requestId;
  private final String organization;
  private final String clusterId;
  private final String useCase;
  private final String attestationReference;
  private final LocalDate attestationDate;
  private final Scope scope;
  private final String recipientTeam;
  private final String recipientContact;
  private final String pointOfContact;
  private final String certificatePem;
  private final X509Certificate certificate;

  private ExportRequest(Builder b, X509Certificate certificate) {
    this.requestId = b.requestId;
    this.organization = b.organization;
    this.clusterId = b.clusterId;
    this.useCase = b.useCase;
    this.attestationReference = b.attestationReference;
    this.attestationDate = b.attestationDate;
    this.scope = b.scope;
    this.recipientTeam = b.recipientTeam;
    this.recipientContact = b.recipientContact;
    this.pointOfContact = b.pointOfContact;
    this.certificatePem = b.certificatePem;
    this.certificate = certificate;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Parses a request file. Strict: UTF-8 JSON, no duplicate or unknown members, every field as
   * {@link Builder#build()} requires.
   *
   * @param json the request file's bytes
   * @return the request
   * @throws ExportFormatException with {@link ExportFormatException.Reason#MALFORMED_REQUEST},
   *     naming the field
   */
  public static ExportRequest fromJson(byte[] json) throws ExportFormatException {
    return RequestCodec.parseRequest(Objects.requireNonNull(json, "json"));
  }

  /** The request file: pretty-printed UTF-8 JSON, members in a fixed order, ending in a newline. */
  public byte[] toJson() {
    return RequestCodec.write(this);
  }

  /** {@code request_id}: what the manifest records and delivery audits. */
  public String requestId() {
    return requestId;
  }

  /** {@code organization}: the legal organization name. */
  public String organization() {
    return organization;
  }

  /** {@code cluster_id}: the Hellgate cluster the tokens are exported from. */
  public String clusterId() {
    return clusterId;
  }

  /** {@code use_case}: the intended use of the exported data. */
  public String useCase() {
    return useCase;
  }

  /** {@code pci_attestation.reference}: the attestation of PCI compliance (for example an AOC's ID). */
  public String attestationReference() {
    return attestationReference;
  }

  /** {@code pci_attestation.date}: when the attestation was signed. */
  public LocalDate attestationDate() {
    return attestationDate;
  }

  /** {@code scope}: which records the export may hold. */
  public Scope scope() {
    return scope;
  }

  /** {@code recipient.team}: the receiving team or service. */
  public String recipientTeam() {
    return recipientTeam;
  }

  /** {@code recipient.contact}: the person responsible on the receiving side. */
  public String recipientContact() {
    return recipientContact;
  }

  /** {@code point_of_contact}: whom to ask follow-up questions. */
  public String pointOfContact() {
    return pointOfContact;
  }

  /** {@code recipient_certificate}: the recipient certificate as given (PEM). */
  public String recipientCertificatePem() {
    return certificatePem;
  }

  /** The recipient certificate, parsed. Not policy-checked: that is the sender's job. */
  public X509Certificate recipientCertificate() {
    return certificate;
  }

  /** {@code sha256:} and colon hex of the certificate's DER: what the manifest's recipient fingerprint will be. */
  public String recipientFingerprint() {
    return Fingerprints.sha256(certificate);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExportRequest && java.util.Arrays.equals(toJson(), ((ExportRequest) o).toJson());
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(toJson());
  }

  @Override
  public String toString() {
    return "ExportRequest{request_id=" + requestId + ", organization=" + organization + ", scope=" + scope + "}";
  }

  /**
   * Builds an {@link ExportRequest}; {@link #build()} validates every field. Not thread-safe.
   *
   * <pre>{@code
   * ExportRequest.builder().requestId("REQ-2025-0042")...build();
   * }</pre>
   */
  public static final class Builder {
    private String requestId;
    private String organization;
    private String clusterId;
    private String useCase;
    private String attestationReference;
    private LocalDate attestationDate;
    private Scope scope;
    private String recipientTeam;
    private String recipientContact;
    private String pointOfContact;
    private String certificatePem;

    private Builder() {}

    /** {@code request_id}; by default a random UUID. 1 to 128 of {@code A-Z a-z 0-9 . _ : -}. */
    public Builder requestId(String requestId) {
      this.requestId = requestId;
      return this;
    }

    /** {@code organization} (required): the legal organization name, as in the certificate's {@code O}. */
    public Builder organization(String organization) {
      this.organization = organization;
      return this;
    }

    /** {@code cluster_id} (required). */
    public Builder clusterId(String clusterId) {
      this.clusterId = clusterId;
      return this;
    }

    /** {@code use_case} (required): the intended use, at most 4096 characters. */
    public Builder useCase(String useCase) {
      this.useCase = useCase;
      return this;
    }

    /** {@code pci_attestation} (required): the attestation's reference and its date. */
    public Builder pciAttestation(String reference, LocalDate date) {
      this.attestationReference = reference;
      this.attestationDate = date;
      return this;
    }

    /** {@code scope} (required). */
    public Builder scope(Scope scope) {
      this.scope = scope;
      return this;
    }

    /** {@code recipient.team} (required): the receiving team or service. */
    public Builder recipientTeam(String team) {
      this.recipientTeam = team;
      return this;
    }

    /** {@code recipient.contact} (required): the responsible person (name, e-mail). */
    public Builder recipientContact(String contact) {
      this.recipientContact = contact;
      return this;
    }

    /** {@code point_of_contact} (required): for follow-up questions. */
    public Builder pointOfContact(String pointOfContact) {
      this.pointOfContact = pointOfContact;
      return this;
    }

    /** {@code recipient_certificate} (required): exactly one PEM certificate. */
    public Builder recipientCertificatePem(String pem) {
      this.certificatePem = pem;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalStateException naming the first field that is missing or invalid
     */
    public ExportRequest build() {
      if (requestId == null) {
        requestId = UUID.randomUUID().toString();
      }
      if (!REQUEST_ID.matcher(requestId).matches()) {
        throw new IllegalStateException(
            "request_id must be 1 to 128 of A-Z a-z 0-9 . _ : - starting with a letter or digit");
      }
      text(organization, "organization", MAX_TEXT);
      text(clusterId, "cluster_id", MAX_TEXT);
      text(useCase, "use_case", MAX_USE_CASE);
      text(attestationReference, "pci_attestation.reference", MAX_TEXT);
      if (attestationDate == null) {
        throw new IllegalStateException("pci_attestation.date is required");
      }
      if (scope == null) {
        throw new IllegalStateException("scope is required");
      }
      text(recipientTeam, "recipient.team", MAX_TEXT);
      text(recipientContact, "recipient.contact", MAX_TEXT);
      text(pointOfContact, "point_of_contact", MAX_TEXT);
      return new ExportRequest(this, certificate(certificatePem));
    }

    private static X509Certificate certificate(String pem) {
      if (pem == null || pem.isBlank()) {
        throw new IllegalStateException("recipient_certificate is required");
      }
      String begin = "-----BEGIN CERTIFICATE-----";
      int first = pem.indexOf(begin);
      if (first < 0 || pem.indexOf(begin, first + 1) >= 0 || pem.contains("PRIVATE KEY")) {
        throw new IllegalStateException("recipient_certificate must hold exactly one PEM certificate (and no key)");
      }
      try {
        return (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      } catch (CertificateException | RuntimeException e) {
        throw new IllegalStateException("recipient_certificate is not a valid X.509 certificate");
      }
    }
  }

  static void text(String value, String field, int max) {
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(field + " is required and must not be blank");
    }
    if (value.length() > max) {
      throw new IllegalStateException(field + " must be at most " + max + " characters");
    }
    if (!RecordValidation.isWellFormed(value)) {
      throw new IllegalStateException(field + " contains an unpaired surrogate");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      // C0, DEL and C1 (U+0080..U+009F: 0x9B is a terminal's CSI), not only below 0x20
      if (Character.isISOControl(c) && !(c == '\n' && max == MAX_USE_CASE)) {
        throw new IllegalStateException(field + " must not contain control characters");
      }
    }
  }

  /**
   * Which records an export may hold (docs/format.md section 13.2). A record is in scope when all
   * of these hold: its {@code created_at} is in the half-open range [{@link #createdFrom()},
   * {@link #createdUntil()}); if {@link #schemes()} is not empty, its {@code card.scheme} is one of
   * them (exact, case-sensitive; a record without a scheme is then out of scope); and for every
   * entry of {@link #metadata()} its metadata has that key with exactly that value. {@link #system()}
   * and {@link #batch()} are labels for people: a record carries no system, so they select nothing.
   *
   * <p>{@link #includes(TokenRecord)} is the one function the writer (which refuses an out-of-scope
   * record) and the reader (which checks every record when asked) share. Immutable and thread-safe.
   *
   * <pre>{@code
   * Scope scope = Scope.builder()
   *     .createdFrom(Instant.parse("2024-01-01T00:00:00Z"))
   *     .createdUntil(Instant.parse("2025-01-01T00:00:00Z"))
   *     .scheme("visa").scheme("mastercard")
   *     .metadata("tenant", "acme")
   *     .system("legacy-vault").batch("2024")
   *     .build();
   * boolean ok = scope.includes(record);
   * }</pre>
   */
  public static final class Scope {
    static final int MAX_FILTERS = 256;

    private final Instant createdFrom;
    private final Instant createdUntil;
    private final Set<String> schemes;
    private final Map<String, String> metadata;
    private final String system;
    private final String batch;

    private Scope(Builder b) {
      this.createdFrom = b.createdFrom;
      this.createdUntil = b.createdUntil;
      this.schemes = Collections.unmodifiableSet(new TreeSet<>(b.schemes));
      this.metadata = Collections.unmodifiableMap(new TreeMap<>(b.metadata));
      this.system = b.system;
      this.batch = b.batch;
    }

    /** A new builder. */
    public static Builder builder() {
      return new Builder();
    }

    /** {@code created_from}: the earliest record {@code created_at} in scope (inclusive). */
    public Instant createdFrom() {
      return createdFrom;
    }

    /** {@code created_until}: records created at or after this are out of scope (exclusive). */
    public Instant createdUntil() {
      return createdUntil;
    }

    /** {@code schemes}: the allowed {@code card.scheme} values, sorted; empty means any scheme. */
    public Set<String> schemes() {
      return schemes;
    }

    /** {@code metadata}: the required metadata entries, sorted by key; empty means no filter. */
    public Map<String, String> metadata() {
      return metadata;
    }

    /** {@code system}: an informational label. */
    public Optional<String> system() {
      return Optional.ofNullable(system);
    }

    /** {@code batch}: an informational label. */
    public Optional<String> batch() {
      return Optional.ofNullable(batch);
    }

    /** Whether {@code record} is in this scope. */
    public boolean includes(TokenRecord record) {
      return mismatch(record) == null;
    }

    /**
     * The criterion {@code record} fails, named without its value (a message may not quote record
     * content), or null if it is in scope.
     */
    String mismatch(TokenRecord record) {
      Instant created = record.createdAt();
      if (created.isBefore(createdFrom)) {
        return "created_at is before scope.created_from";
      }
      if (!created.isBefore(createdUntil)) {
        return "created_at is not before scope.created_until";
      }
      if (!schemes.isEmpty()) {
        Optional<String> scheme = record.card().scheme();
        if (scheme.isEmpty() || !schemes.contains(scheme.get())) {
          return "card.scheme is not one of scope.schemes";
        }
      }
      if (!metadata.isEmpty()) {
        Map<String, String> m = record.metadata();
        for (Map.Entry<String, String> e : metadata.entrySet()) {
          if (!e.getValue().equals(m.get(e.getKey()))) {
            return "metadata does not match scope.metadata";
          }
        }
      }
      return null;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Scope)) {
        return false;
      }
      Scope s = (Scope) o;
      return createdFrom.equals(s.createdFrom)
          && createdUntil.equals(s.createdUntil)
          && schemes.equals(s.schemes)
          && metadata.equals(s.metadata)
          && Objects.equals(system, s.system)
          && Objects.equals(batch, s.batch);
    }

    @Override
    public int hashCode() {
      return Objects.hash(createdFrom, createdUntil, schemes, metadata, system, batch);
    }

    /** The scope's criteria (never record content). */
    @Override
    public String toString() {
      Map<String, Object> parts = new LinkedHashMap<>();
      parts.put("created_from", createdFrom);
      parts.put("created_until", createdUntil);
      if (!schemes.isEmpty()) {
        parts.put("schemes", schemes);
      }
      if (!metadata.isEmpty()) {
        parts.put("metadata", metadata);
      }
      if (system != null) {
        parts.put("system", system);
      }
      if (batch != null) {
        parts.put("batch", batch);
      }
      return "Scope" + parts;
    }

    /**
     * Builds a {@link Scope}; {@link #build()} validates. Not thread-safe.
     *
     * <pre>{@code
     * Scope.builder().createdFrom(from).createdUntil(until).build();
     * }</pre>
     */
    public static final class Builder {
      private Instant createdFrom;
      private Instant createdUntil;
      private final Set<String> schemes = new TreeSet<>();
      private final Map<String, String> metadata = new TreeMap<>();
      private String system;
      private String batch;

      private Builder() {}

      /** {@code created_from} (required), inclusive. */
      public Builder createdFrom(Instant from) {
        this.createdFrom = from;
        return this;
      }

      /** {@code created_until} (required), exclusive; after {@code created_from}. */
      public Builder createdUntil(Instant until) {
        this.createdUntil = until;
        return this;
      }

      /** Adds an allowed {@code card.scheme} (1 to 64 characters). */
      public Builder scheme(String scheme) {
        if (scheme == null || scheme.isEmpty() || scheme.length() > 64) {
          throw new IllegalArgumentException("scope.schemes: a scheme must be 1 to 64 characters");
        }
        schemes.add(scheme);
        return this;
      }

      boolean hasScheme(String scheme) {
        return schemes.contains(scheme);
      }

      /** Adds a required metadata entry: a record's {@code metadata[key]} must equal {@code value}. */
      public Builder metadata(String key, String value) {
        if (key == null || key.isEmpty() || key.length() > MAX_TEXT || value == null || value.length() > 4096) {
          throw new IllegalArgumentException(
              "scope.metadata: a key must be 1 to " + MAX_TEXT + " characters, a value at most 4096");
        }
        if (metadata.containsKey(key)) {
          throw new IllegalArgumentException("scope.metadata: duplicate key");
        }
        metadata.put(key, value);
        return this;
      }

      /** {@code system}: an informational label (1 to 256 characters); selects nothing. */
      public Builder system(String system) {
        this.system = system;
        return this;
      }

      /** {@code batch}: an informational label (1 to 256 characters); selects nothing. */
      public Builder batch(String batch) {
        this.batch = batch;
        return this;
      }

      /**
       * Validates and builds.
       *
       * @throws IllegalStateException naming the field that is missing or invalid
       */
      public Scope build() {
        if (createdFrom == null) {
          throw new IllegalStateException("scope.created_from is required");
        }
        if (createdUntil == null) {
          throw new IllegalStateException("scope.created_until is required");
        }
        if (!createdFrom.isBefore(createdUntil)) {
          throw new IllegalStateException("scope.created_until must be after scope.created_from");
        }
        if (schemes.size() > MAX_FILTERS) {
          throw new IllegalStateException("scope.schemes must have at most " + MAX_FILTERS + " entries");
        }
        if (metadata.size() > MAX_FILTERS) {
          throw new IllegalStateException("scope.metadata must have at most " + MAX_FILTERS + " entries");
        }
        for (String s : schemes) {
          if (!RecordValidation.isWellFormed(s)) {
            throw new IllegalStateException("scope.schemes contains an unpaired surrogate");
          }
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
          if (!RecordValidation.isWellFormed(e.getKey()) || !RecordValidation.isWellFormed(e.getValue())) {
            throw new IllegalStateException("scope.metadata contains an unpaired surrogate");
          }
        }
        if (system != null) {
          text(system, "scope.system", MAX_TEXT);
        }
        if (batch != null) {
          text(batch, "scope.batch", MAX_TEXT);
        }
        return new Scope(this);
      }
    }
  }
}
