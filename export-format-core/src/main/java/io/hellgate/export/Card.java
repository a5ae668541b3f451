package io.hellgate.export;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code card} of a {@link TokenRecord}: the full account number (PAN), expiry, cardholder name
 * and scheme.
 *
 * <p>Validation ({@link Builder#build()}): {@code account_number} is 12 to 19 ASCII digits (no Luhn
 * check: some private-label ranges fail it); {@code expiry_month} is 1 to 12; {@code expiry_year} is
 * four digits (1970 to 9999); names are at most 256 characters. Unknown members are kept verbatim.
 *
 * <p>Immutable and thread-safe. {@link #toString()} shows at most the last four digits.
 *
 * <pre>{@code
 * Card card = Card.builder().accountNumber(pan).expiryMonth(12).expiryYear(2030).scheme("visa").build();
 * }</pre>
 */
public final class Card {
  private final String cardholderName;
  private final int expiryMonth;
  private final int expiryYear;
  private final String accountNumber;
  private final String scheme;
  private final Map<String, String> extraFields;

  private Card(Builder b) {
    this.cardholderName = b.cardholderName;
    this.expiryMonth = b.expiryMonth;
    this.expiryYear = b.expiryYear;
    this.accountNumber = b.accountNumber;
    this.scheme = b.scheme;
    this.extraFields = b.extraFields.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(b.extraFields));
  }

  /** A new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this card's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.cardholderName = cardholderName;
    b.expiryMonth = expiryMonth;
    b.expiryYear = expiryYear;
    b.accountNumber = accountNumber;
    b.scheme = scheme;
    b.extraFields.putAll(extraFields);
    return b;
  }

  /** {@code cardholder_name}, if present. */
  public Optional<String> cardholderName() {
    return Optional.ofNullable(cardholderName);
  }

  /** {@code expiry_month}, 1 to 12. */
  public int expiryMonth() {
    return expiryMonth;
  }

  /** {@code expiry_year}, four digits. */
  public int expiryYear() {
    return expiryYear;
  }

  /** {@code account_number}: the full, unmasked PAN. Handle as cardholder data. */
  public String accountNumber() {
    return accountNumber;
  }

  /** {@code scheme}, for example {@code visa}, if present. */
  public Optional<String> scheme() {
    return Optional.ofNullable(scheme);
  }

  /** Members of {@code card} this library does not know: name to compact JSON text. */
  public Map<String, String> extraFields() {
    return extraFields;
  }

  /** The last four digits, the most of a PAN that may be shown. */
  public String last4() {
    return accountNumber.substring(accountNumber.length() - 4);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Card)) {
      return false;
    }
    Card c = (Card) o;
    return expiryMonth == c.expiryMonth
        && expiryYear == c.expiryYear
        && accountNumber.equals(c.accountNumber)
        && Objects.equals(cardholderName, c.cardholderName)
        && Objects.equals(scheme, c.scheme)
        && extraFields.equals(c.extraFields);
  }

  @Override
  public int hashCode() {
    return Objects.hash(cardholderName, expiryMonth, expiryYear, accountNumber, scheme, extraFields);
  }

  /** Masked: {@code Card{scheme=visa, pan=…1111, expiry=12/2030}}. Never the full PAN or the name. */
  @Override
  public String toString() {
    return "Card{scheme=" + (scheme == null ? null : RecordValidation.printable(scheme)) + ", pan=…" + last4() + ", expiry=" + expiryMonth + "/" + expiryYear + "}";
  }

  /**
   * Builds a {@link Card}; {@link #build()} validates. Not thread-safe.
   *
   * <pre>{@code
   * Card c = Card.builder().accountNumber(pan).expiryMonth(1).expiryYear(2031).build();
   * }</pre>
   */
  public static final class Builder {
    private String cardholderName;
    private int expiryMonth;
    private int expiryYear;
    private String accountNumber;
    private String scheme;
    private final Map<String, String> extraFields = new LinkedHashMap<>();

    private Builder() {}

    /** Sets or clears {@code cardholder_name}. */
    public Builder cardholderName(String cardholderName) {
      this.cardholderName = cardholderName;
      return this;
    }

    /** Sets {@code expiry_month} (required, 1 to 12). */
    public Builder expiryMonth(int expiryMonth) {
      this.expiryMonth = expiryMonth;
      return this;
    }

    /** Sets {@code expiry_year} (required, 1970 to 9999). */
    public Builder expiryYear(int expiryYear) {
      this.expiryYear = expiryYear;
      return this;
    }

    /** Sets {@code account_number} (required, 12 to 19 digits). */
    public Builder accountNumber(String accountNumber) {
      this.accountNumber = accountNumber;
      return this;
    }

    /** Sets or clears {@code scheme}. */
    public Builder scheme(String scheme) {
      this.scheme = scheme;
      return this;
    }

    /** Adds a member this library does not know, as JSON text. */
    public Builder extraField(String name, String jsonValue) {
      extraFields.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(jsonValue, "jsonValue"));
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the invalid field; never containing the PAN
     */
    public Card build() {
      RecordValidation.checkAccountNumber("card", accountNumber);
      if (expiryMonth < 1 || expiryMonth > 12) {
        throw new IllegalArgumentException("card: expiry_month must be 1 to 12, got " + expiryMonth);
      }
      if (expiryYear < 1970 || expiryYear > 9999) {
        throw new IllegalArgumentException("card: expiry_year must be 1970 to 9999, got " + expiryYear);
      }
      if (cardholderName != null) {
        RecordValidation.checkLength("card", "cardholder_name", cardholderName, 256);
      }
      if (scheme != null) {
        RecordValidation.checkLength("card", "scheme", scheme, 64);
      }
      RecordValidation.normalizeExtraFields("card", extraFields, RecordValidation.CARD_MEMBERS, RecordCodec.CARD_EXTRA_DEPTH);
      return new Card(this);
    }
  }
}
