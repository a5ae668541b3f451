package io.hellgate.export;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of an export: a PCI token with its unmasked card data.
 *
 * <p>Fields follow the seed's record format: {@code id}, {@code card} ({@link Card}),
 * {@code created_at}, optional {@code expires_at} and optional {@code metadata} (string values).
 * Fields this library does not know, at the top level and inside {@code card}, are kept as compact
 * JSON text and written back unchanged, so reading and re-writing a record loses nothing: numbers
 * exactly as written ({@code 1.0}, {@code 1.50}, {@code 1e1}, {@code -0}), strings with the same
 * text (escapes may be written differently: {@code "\u00e9"} comes back as {@code "é"}), whitespace
 * between tokens dropped. The builder applies the reader's limits to them (names of at most 1024
 * UTF-8 bytes, 64 levels of nesting in the line, no lone surrogates), so whatever it builds, a
 * reader accepts.
 * Timestamps keep their original RFC 3339 text for the same reason.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the account number; see
 * {@link Card#toString()}. The account number is held in a {@link String}, which cannot be zeroed:
 * keep records short-lived.
 *
 * <pre>{@code
 * TokenRecord record = TokenRecord.builder()
 *     .id("8744c9ea-a02b-4ae6-875c-b64fc333e3ef")
 *     .card(Card.builder().accountNumber(pan).expiryMonth(12).expiryYear(2030).scheme("visa").build())
 *     .createdAt(Instant.parse("2023-10-01T12:00:00Z"))
 *     .build();
 * }</pre>
 */
public final class TokenRecord {
  static final int MAX_ID_LENGTH = 256;

  private final String id;
  private final Card card;
  private final Instant createdAt;
  private final String createdAtText;
  private final Instant expiresAt;
  private final String expiresAtText;
  private final Map<String, String> metadata;
  private final Map<String, String> extraFields;

  private TokenRecord(Builder b) {
    this.id = b.id;
    this.card = b.card;
    this.createdAt = b.createdAt;
    this.createdAtText = b.createdAtText;
    this.expiresAt = b.expiresAt;
    this.expiresAtText = b.expiresAtText;
    // Shared, not copied: the builder never changes a map it holds, it only replaces it.
    this.metadata = b.metadata == null ? null : b.metadata.isEmpty() ? Map.of() : Collections.unmodifiableMap(b.metadata);
    this.extraFields = b.extraFields.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(b.extraFields));
  }

  /** A new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this record's values, to derive a changed copy. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.card = card;
    b.createdAt = createdAt;
    b.createdAtText = createdAtText;
    b.expiresAt = expiresAt;
    b.expiresAtText = expiresAtText;
    b.metadata = metadata == null ? null : new LinkedHashMap<>(metadata);
    b.extraFields.putAll(extraFields);
    return b;
  }

  /** The token id ({@code id}); non-blank, at most 256 characters. */
  public String id() {
    return id;
  }

  /** The card ({@code card}). */
  public Card card() {
    return card;
  }

  /** When the token was created ({@code created_at}). */
  public Instant createdAt() {
    return createdAt;
  }

  /** The exact RFC 3339 text of {@code created_at}. */
  String createdAtText() {
    return createdAtText;
  }

  /** When the token expires ({@code expires_at}), if set. */
  public Optional<Instant> expiresAt() {
    return Optional.ofNullable(expiresAt);
  }

  /** The exact RFC 3339 text of {@code expires_at}, or null. */
  String expiresAtText() {
    return expiresAtText;
  }

  /** The {@code metadata} object (string to string), empty when absent. Insertion-ordered. */
  public Map<String, String> metadata() {
    return metadata == null ? Map.of() : metadata;
  }

  /** Whether the record carries a {@code metadata} member (possibly empty). */
  public boolean hasMetadata() {
    return metadata != null;
  }

  /**
   * Top-level members this library does not know: name to the member's value as compact JSON text.
   */
  public Map<String, String> extraFields() {
    return extraFields;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof TokenRecord)) {
      return false;
    }
    TokenRecord r = (TokenRecord) o;
    return id.equals(r.id)
        && card.equals(r.card)
        && createdAtText.equals(r.createdAtText)
        && Objects.equals(expiresAtText, r.expiresAtText)
        && Objects.equals(metadata, r.metadata)
        && extraFields.equals(r.extraFields);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, card, createdAtText, expiresAtText, metadata, extraFields);
  }

  /** Shows the id and the masked card; never the account number. */
  @Override
  public String toString() {
    return "TokenRecord{id=" + RecordValidation.printable(id) + ", card=" + card + ", created_at=" + createdAtText + "}";
  }

  /**
   * Builds a {@link TokenRecord}; {@link #build()} validates. Not thread-safe.
   *
   * <pre>{@code
   * TokenRecord r = TokenRecord.builder().id(id).card(card).createdAt(now).build();
   * }</pre>
   */
  public static final class Builder {
    private String id;
    private Card card;
    private Instant createdAt;
    private String createdAtText;
    private Instant expiresAt;
    private String expiresAtText;
    private Map<String, String> metadata;
    private final Map<String, String> extraFields = new LinkedHashMap<>();
    /** Messages name no id: set when the record comes from decrypted content (format.md §9). */
    private boolean anonymous;

    private Builder() {}

    /** For the codec: a record read from an export is never named by its content in messages. */
    Builder anonymous() {
      this.anonymous = true;
      return this;
    }

    /** Sets {@code id} (required). */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /** Sets {@code card} (required). */
    public Builder card(Card card) {
      this.card = card;
      return this;
    }

    /** Sets {@code created_at} (required); written in RFC 3339 UTC ({@code 2023-10-01T12:00:00Z}). */
    public Builder createdAt(Instant createdAt) {
      this.createdAt = createdAt;
      this.createdAtText = createdAt == null ? null : DateTimeFormatter.ISO_INSTANT.format(createdAt);
      return this;
    }

    Builder createdAtText(Instant instant, String text) {
      this.createdAt = instant;
      this.createdAtText = text;
      return this;
    }

    /** Sets or clears {@code expires_at} (optional). */
    public Builder expiresAt(Instant expiresAt) {
      this.expiresAt = expiresAt;
      this.expiresAtText = expiresAt == null ? null : DateTimeFormatter.ISO_INSTANT.format(expiresAt);
      return this;
    }

    Builder expiresAtText(Instant instant, String text) {
      this.expiresAt = instant;
      this.expiresAtText = text;
      return this;
    }

    /** Sets {@code metadata} (optional; {@code null} removes the member). */
    public Builder metadata(Map<String, String> metadata) {
      this.metadata = metadata == null ? null : new LinkedHashMap<>(metadata);
      return this;
    }

    /** For the codec: a map it has just built and hands over; taken as it is, not copied. */
    Builder ownedMetadata(LinkedHashMap<String, String> metadata) {
      this.metadata = metadata;
      return this;
    }

    /**
     * Adds a member this library does not know, as JSON text; {@link #build()} checks it parses.
     *
     * @param name a name that is not one of the known members
     * @param jsonValue any JSON value, for example {@code "\"abc\""} or {@code "{\"a\":1}"}
     */
    public Builder extraField(String name, String jsonValue) {
      extraFields.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(jsonValue, "jsonValue"));
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the first invalid field (never its value if secret)
     */
    public TokenRecord build() {
      if (id == null || id.isBlank() || id.length() > MAX_ID_LENGTH || !RecordValidation.isWellFormed(id)) {
        RecordValidation.requireText("record", "id", id, MAX_ID_LENGTH);
      }
      if (card == null) {
        throw new IllegalArgumentException(where() + ": card is required");
      }
      if (createdAt == null) {
        throw new IllegalArgumentException(where() + ": created_at is required");
      }
      checkYear("created_at", createdAtText);
      if (expiresAtText != null) {
        checkYear("expires_at", expiresAtText);
      }
      if (metadata != null) {
        for (Map.Entry<String, String> e : metadata.entrySet()) {
          String k = e.getKey();
          String v = e.getValue();
          if (k == null || v == null) {
            throw new IllegalArgumentException(where() + ": metadata keys and values must not be null");
          }
          // A key of at most 256 chars is at most 1024 UTF-8 bytes: only longer ones need counting.
          if (k.length() > 256 || v.length() > ExportWriter.MAX_LINE_BYTES
              || !RecordValidation.isWellFormed(k) || !RecordValidation.isWellFormed(v)) {
            RecordValidation.checkName(where(), "metadata key", k);
            RecordValidation.checkLength(where(), "metadata value", v, ExportWriter.MAX_LINE_BYTES);
          }
        }
      }
      if (!extraFields.isEmpty()) {
        RecordValidation.normalizeExtraFields(where(), extraFields, RecordValidation.RECORD_MEMBERS, RecordCodec.RECORD_EXTRA_DEPTH);
      }
      return new TokenRecord(this);
    }

    /**
     * RFC 3339 has four-digit years: what ISO_INSTANT writes outside 0000-9999 ({@code +10000-…},
     * {@code -0001-…}) no reader accepts. Judged on the text, so a time read with an offset near a
     * year edge ({@code 0000-01-01T00:30:00+01:00}, year −1 in UTC) stays valid.
     */
    private void checkYear(String field, String text) {
      boolean fourDigits = text.length() > 4 && text.charAt(4) == '-';
      for (int i = 0; fourDigits && i < 4; i++) {
        fourDigits = text.charAt(i) >= '0' && text.charAt(i) <= '9';
      }
      if (!fourDigits) {
        throw new IllegalArgumentException(where() + ": " + field + " must be in the years 0000 to 9999 (RFC 3339)");
      }
    }

    /** Names the record in messages, log-safely; computed only when a message is needed. */
    private String where() {
      return anonymous ? "record" : "record '" + RecordValidation.printable(id) + "'";
    }
  }
}
