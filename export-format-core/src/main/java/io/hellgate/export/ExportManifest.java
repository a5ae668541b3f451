package io.hellgate.export;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The contents of {@code manifest.json}: what an export is, who it is for, and how to check it.
 *
 * <p>Field names and nesting follow the seed exactly (docs/format.md): {@code version},
 * {@code export_id}, {@code created_at}, {@code guardian_instance}, {@code encryption}
 * ({@code algorithm}, {@code recipient} with {@code subject}, {@code issuer}, {@code serial},
 * {@code fingerprint}; {@code encrypted_key}, {@code iv}, {@code tag}) and {@code content}
 * ({@code record_count}, {@code checksum}).
 *
 * <p><b>The manifest is not authenticated by the AES-GCM tag.</b> A reader trusts its
 * {@code record_count} and {@code checksum} only after the content they describe has been decrypted
 * and compared, which {@link ExportReader} always does. The byte arrays returned here are copies.
 *
 * <p>Immutable and thread-safe. Instances come from {@link ExportReader#manifest()} and
 * {@link ExportWriter#finish()}.
 *
 * <pre>{@code
 * ExportManifest m = ExportReader.readManifest(Path.of("export.tgz"));
 * System.out.println(m.exportId() + ": " + m.recordCount() + " records for " + m.recipientSubject());
 * }</pre>
 */
public final class ExportManifest {
  /** The version this library writes for an export without 1.1 members. */
  public static final String CURRENT_VERSION = "1.0";

  /**
   * The version this library writes when a 1.1 member ({@code request}, {@code signature}) is
   * present (docs/format.md section 13).
   */
  public static final String VERSION_1_1 = "1.1";

  /** The only key-wrapping algorithm of format v1. */
  public static final String ALGORITHM = "RSA-OAEP-256";

  private final String version;
  private final UUID exportId;
  private final Instant createdAt;
  private final String createdAtText;
  private final String guardianInstance;
  private final String recipientSubject;
  private final String recipientIssuer;
  private final String recipientSerial;
  private final String recipientFingerprint;
  private final byte[] encryptedKey;
  private final byte[] iv;
  private final byte[] tag;
  private final long recordCount;
  private final String checksum;
  private final String requestId;
  private final ExportRequest.Scope scope;
  private final byte[] signature;
  /** The bytes this manifest was parsed from; null for a manifest made by the writer. */
  private final byte[] parsedFrom;

  ExportManifest(
      String version,
      UUID exportId,
      Instant createdAt,
      String createdAtText,
      String guardianInstance,
      String recipientSubject,
      String recipientIssuer,
      String recipientSerial,
      String recipientFingerprint,
      byte[] encryptedKey,
      byte[] iv,
      byte[] tag,
      long recordCount,
      String checksum,
      String requestId,
      ExportRequest.Scope scope,
      byte[] signature,
      byte[] parsedFrom) {
    this.version = Objects.requireNonNull(version);
    this.exportId = Objects.requireNonNull(exportId);
    this.createdAt = Objects.requireNonNull(createdAt);
    this.createdAtText = Objects.requireNonNull(createdAtText);
    this.guardianInstance = Objects.requireNonNull(guardianInstance);
    this.recipientSubject = Objects.requireNonNull(recipientSubject);
    this.recipientIssuer = Objects.requireNonNull(recipientIssuer);
    this.recipientSerial = Objects.requireNonNull(recipientSerial);
    this.recipientFingerprint = Objects.requireNonNull(recipientFingerprint);
    this.encryptedKey = encryptedKey.clone();
    this.iv = iv.clone();
    this.tag = tag.clone();
    this.recordCount = recordCount;
    this.checksum = Objects.requireNonNull(checksum);
    if ((requestId == null) != (scope == null)) {
      throw new IllegalArgumentException("request_id and scope go together");
    }
    this.requestId = requestId;
    this.scope = scope;
    this.signature = signature == null ? null : signature.clone();
    this.parsedFrom = parsedFrom;
  }

  /** This manifest with {@code signature} set; the writer's last step. */
  ExportManifest withSignature(byte[] signature) {
    return new ExportManifest(version, exportId, createdAt, createdAtText, guardianInstance, recipientSubject,
        recipientIssuer, recipientSerial, recipientFingerprint, encryptedKey, iv, tag, recordCount, checksum,
        requestId, scope, signature, null);
  }

  /** {@code version}, for example {@code "1.0"}; the reader accepts any {@code 1.x}. */
  public String version() {
    return version;
  }

  /** {@code export_id}. */
  public UUID exportId() {
    return exportId;
  }

  /** {@code created_at}. */
  public Instant createdAt() {
    return createdAt;
  }

  String createdAtText() {
    return createdAtText;
  }

  /** {@code guardian_instance}, for example {@code my-cluster-id.on-hellgate.cloud}. */
  public String guardianInstance() {
    return guardianInstance;
  }

  /** {@code encryption.algorithm}; always {@value #ALGORITHM} in format v1. */
  public String algorithm() {
    return ALGORITHM;
  }

  /** {@code encryption.recipient.subject}: the certificate subject, RFC 4514 order, {@code ", "}-joined. */
  public String recipientSubject() {
    return recipientSubject;
  }

  /** {@code encryption.recipient.issuer}, in the same form as the subject. */
  public String recipientIssuer() {
    return recipientIssuer;
  }

  /** {@code encryption.recipient.serial}: colon-separated lowercase hex. */
  public String recipientSerial() {
    return recipientSerial;
  }

  /** {@code encryption.recipient.fingerprint}: {@code sha256:} and colon-separated lowercase hex. */
  public String recipientFingerprint() {
    return recipientFingerprint;
  }

  /** {@code encryption.encrypted_key}, decoded (a copy). */
  public byte[] encryptedKey() {
    return encryptedKey.clone();
  }

  /** {@code encryption.iv}, decoded: 12 bytes (a copy). */
  public byte[] iv() {
    return iv.clone();
  }

  /** {@code encryption.tag}, decoded: 16 bytes (a copy). */
  public byte[] tag() {
    return tag.clone();
  }

  /** {@code content.record_count}, as claimed by the manifest. */
  public long recordCount() {
    return recordCount;
  }

  /** {@code content.checksum}: {@code sha256:} and 64 lowercase hex digits, as claimed. */
  public String checksum() {
    return checksum;
  }

  /**
   * {@code request.request_id} (format 1.1): the export request this export answers, if the
   * manifest records one. Readable without a key ({@link ExportReader#readManifest}); like every
   * manifest claim it is authenticated only by a verified signature
   * ({@code ExportReader.Options.Builder#signatureVerifier}).
   */
  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }

  /** {@code request.scope} (format 1.1): the scope the export's records were written under, if recorded. */
  public Optional<ExportRequest.Scope> scope() {
    return Optional.ofNullable(scope);
  }

  /**
   * {@code signature} (format 1.1), decoded: a DER CMS SignedData over this manifest without its
   * {@code signature} member, if the export is signed (a copy). Present says nothing about
   * validity: only a reader configured with a verifier checks it.
   */
  public Optional<byte[]> signature() {
    return signature == null ? Optional.empty() : Optional.of(signature.clone());
  }

  byte[] signatureUnsafe() {
    return signature;
  }

  /** The bytes this manifest was parsed from, or null for the writer's manifest. */
  byte[] parsedFromUnsafe() {
    return parsedFrom;
  }

  /**
   * The JSON a signature over this manifest signs: {@link #toJson()} without {@code signature}.
   */
  byte[] unsignedJson() {
    return ManifestCodec.write(this, false);
  }

  /** The canonical {@code manifest.json} bytes for this manifest, as the writer emits them. */
  public byte[] toJson() {
    return ManifestCodec.write(this);
  }

  byte[] ivUnsafe() {
    return iv;
  }

  byte[] tagUnsafe() {
    return tag;
  }

  byte[] encryptedKeyUnsafe() {
    return encryptedKey;
  }

  @Override
  public String toString() {
    return "ExportManifest{version="
        + version
        + ", export_id="
        + exportId
        + ", created_at="
        + createdAtText
        + ", guardian_instance="
        + guardianInstance
        + ", recipient="
        + recipientFingerprint
        + ", record_count="
        + recordCount
        + (requestId == null ? "" : ", request_id=" + requestId)
        + (signature == null ? "" : ", signed")
        + "}";
  }
}
