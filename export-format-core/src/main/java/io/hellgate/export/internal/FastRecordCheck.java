package io.hellgate.export.internal;

import static io.hellgate.export.internal.RecordValues.*;

/**
 * A byte-level fast path for the record check of the verification pass: {@link #accepts} returns
 * {@code true} only for lines that the full record parser ({@code RecordCodec.parse}) certainly accepts, and {@code false}
 * for everything else, valid or not ("not sure"), which {@code RecordCheck} then hands to the full
 * parser. So the combined check accepts and rejects exactly what {@code RecordCodec.parse} does,
 * with its messages; only the common shapes are fast.
 *
 * <p>What the fast path accepts, a strict subset of the record rules of docs/format.md section 6.2:
 * one JSON object, JSON whitespace between tokens, members only {@code id}, {@code card}, {@code
 * created_at}, {@code expires_at} and {@code metadata} in any order and at most once each (any
 * other member: not sure); {@code card} only with {@code cardholder_name}, {@code expiry_month},
 * {@code expiry_year}, {@code account_number}, {@code scheme}; strings without escapes, in strict
 * UTF-8, no control characters and no DEL; times only as {@code YYYY-MM-DDTHH:MM:SSZ}; integers
 * only as 1 to 4 digits without a leading zero; at most 16 metadata members. Every check the
 * builders make ({@code TokenRecord.Builder.build}, {@code Card.Builder.build}) is made here on
 * the bytes: id present, not blank, at most 256 characters; card, expiry month and year and
 * account number (12 to 19 ASCII digits) present; month 1 to 12, year 1970 to 9999; name at most
 * 256 and scheme at most 64 characters; created_at present and a real date; metadata keys unique
 * and at most 1024 bytes. {@code FastRecordCheckProperties} compares it with the full parser, and
 * {@code ValidatedLinesConformanceTest} runs every conformance vector through it.
 *
 * <p>Lines laid out exactly as this library's writer writes them take {@link #acceptsCanonical}, which
 * compares the member names as literals instead of parsing them (docs/performance.md, session 8);
 * every other line takes {@link #general}. Both accept only what the rules above allow. The
 * canonical walk is {@code CanonicalLayout}'s, the value checks both share are {@code
 * RecordValues}'; this class holds the general path and the public entry points.
 *
 * <p>Stateless; thread-safe. Internal: public for the record check, the writer and
 * {@code CanonicalRecords} in the API package, and for the benchmark harness ({@code export-tool
 * bench --components}); the package is not exported to applications.
 */
public final class FastRecordCheck {
  /** The longest id, in UTF-16 characters ({@code TokenRecord.MAX_ID_LENGTH}). */
  static final int MAX_ID_CHARS = 256;
  private static final byte[] ID = name("id");
  private static final byte[] CARD = name("card");
  private static final byte[] CREATED_AT = name("created_at");
  private static final byte[] EXPIRES_AT = name("expires_at");
  private static final byte[] METADATA = name("metadata");
  private static final byte[] CARDHOLDER_NAME = name("cardholder_name");
  private static final byte[] EXPIRY_MONTH = name("expiry_month");
  private static final byte[] EXPIRY_YEAR = name("expiry_year");
  private static final byte[] ACCOUNT_NUMBER = name("account_number");
  private static final byte[] SCHEME = name("scheme");

  private FastRecordCheck() {}

  /**
   * Whether {@code b[off, off + len)} (one line, without its newline) is certainly a valid record.
   * {@code false} says nothing: the line may still be valid.
   */
  public static boolean accepts(byte[] b, int off, int len) {
    return acceptsCanonical(b, off, len) || general(b, off, len);
  }

  /**
   * {@link #accepts} without its {@link #acceptsCanonical} attempt, for a caller that has made that
   * attempt already (the writer): members in any order, JSON whitespace between tokens, the rules of
   * the class comment.
   */
  public static boolean general(byte[] b, int off, int len) {
    int end = off + len;
    int p = ws(b, off, end);
    if (p >= end || b[p] != '{') {
      return false;
    }
    p = ws(b, p + 1, end);
    int seen = 0;
    if (p < end && b[p] == '}') {
      return false; // no card
    }
    while (true) {
      int nameStart = p + 1;
      int nameEnd = plainString(b, p, end);
      if (nameEnd == NO) {
        return false;
      }
      p = ws(b, nameEnd + 1, end);
      if (p >= end || b[p] != ':') {
        return false;
      }
      p = ws(b, p + 1, end);
      int bit;
      if (is(b, nameStart, nameEnd, ID)) {
        bit = 1;
        p = id(b, p, end);
      } else if (is(b, nameStart, nameEnd, CARD)) {
        bit = 2;
        p = card(b, p, end);
      } else if (is(b, nameStart, nameEnd, CREATED_AT)) {
        bit = 4;
        p = time(b, p, end);
      } else if (is(b, nameStart, nameEnd, EXPIRES_AT)) {
        bit = 8;
        p = isNull(b, p, end) ? p + 4 : time(b, p, end);
      } else if (is(b, nameStart, nameEnd, METADATA)) {
        bit = 16;
        p = isNull(b, p, end) ? p + 4 : metadata(b, p, end, true);
      } else {
        return false;
      }
      if (p == NO || (seen & bit) != 0) {
        return false;
      }
      seen |= bit;
      p = ws(b, p, end);
      if (p >= end) {
        return false;
      }
      if (b[p] == '}') {
        break;
      }
      if (b[p] != ',') {
        return false;
      }
      p = ws(b, p + 1, end);
    }
    // id, card and created_at are required.
    return (seen & 7) == 7 && ws(b, p + 1, end) == end;
  }

  /**
   * The record exactly as this library's writer lays it out ({@code RecordCodec.write}: members in
   * its order, no whitespace anywhere, no unknown members), its member names compared as whole
   * literals 8 bytes at a time; the values get the same checks as on the general path. So a line it
   * accepts is also strict UTF-8 with no control character, line break, NUL or byte order mark
   * (the writer then skips its raw-line check). False if the line is laid out otherwise or is not
   * valid: {@link #general} then decides. Public for {@code CanonicalRecords}, which decodes what it
   * accepts, and for the writer.
   */
  public static boolean acceptsCanonical(byte[] b, int off, int len) {
    return CanonicalLayout.walk(b, off, len, null);
  }

  /** Where {@link #canonicalSpans} reports each value: index into its array. */
  public static final int ID_START = 0;
  /** The id's end (its closing quote). */
  public static final int ID_END = 1;
  /** The cardholder name's start, or -1 if it is null or absent. */
  public static final int NAME_START = 2;
  /** The cardholder name's end (its closing quote). */
  public static final int NAME_END = 3;
  /** The expiry month's value. */
  public static final int MONTH = 4;
  /** The expiry year's value. */
  public static final int YEAR = 5;
  /** The account number's start. */
  public static final int PAN_START = 6;
  /** The account number's end (its closing quote). */
  public static final int PAN_END = 7;
  /** The scheme's start, or -1 if it is null or absent. */
  public static final int SCHEME_START = 8;
  /** The scheme's end (its closing quote). */
  public static final int SCHEME_END = 9;
  /** Where the 20 characters of created_at start. */
  public static final int CREATED = 10;
  /** Where the 20 characters of expires_at start, or -1 if it is null or absent. */
  public static final int EXPIRES = 11;
  /** The position of metadata's opening brace, or -1 if it is null or absent. */
  public static final int METADATA_OBJECT = 12;
  /** The length of the array {@link #canonicalSpans} fills. */
  public static final int SPANS = 13;

  /**
   * {@link #acceptsCanonical}, and for a line it accepts, where each value stands ({@code spans},
   * of length {@link #SPANS}, indexed by {@link #ID_START} and the constants after it): what
   * {@code CanonicalRecords} decodes the record from, so that the layout is walked once. On false
   * the spans mean nothing.
   */
  public static boolean canonicalSpans(byte[] b, int off, int len, int[] spans) {
    java.util.Objects.requireNonNull(spans, "spans");
    return CanonicalLayout.walk(b, off, len, spans);
  }

  /** The card object at {@code p}; returns the position after it, or {@link #NO}. */
  private static int card(byte[] b, int p, int end) {
    if (p >= end || b[p] != '{') {
      return NO;
    }
    p = ws(b, p + 1, end);
    int seen = 0;
    if (p < end && b[p] == '}') {
      return NO;
    }
    while (true) {
      int nameStart = p + 1;
      int nameEnd = plainString(b, p, end);
      if (nameEnd == NO) {
        return NO;
      }
      p = ws(b, nameEnd + 1, end);
      if (p >= end || b[p] != ':') {
        return NO;
      }
      p = ws(b, p + 1, end);
      int bit;
      if (is(b, nameStart, nameEnd, ACCOUNT_NUMBER)) {
        bit = 1;
        p = accountNumber(b, p, end);
      } else if (is(b, nameStart, nameEnd, EXPIRY_MONTH)) {
        bit = 2;
        int v = smallInt(b, p, end);
        p = v < 1 || v > 12 ? NO : p + digits(v);
      } else if (is(b, nameStart, nameEnd, EXPIRY_YEAR)) {
        bit = 4;
        int v = smallInt(b, p, end);
        p = v < 1970 || v > 9999 ? NO : p + 4;
      } else if (is(b, nameStart, nameEnd, CARDHOLDER_NAME)) {
        bit = 8;
        p = isNull(b, p, end) ? p + 4 : text(b, p, end, 256, false);
      } else if (is(b, nameStart, nameEnd, SCHEME)) {
        bit = 16;
        p = isNull(b, p, end) ? p + 4 : text(b, p, end, 64, false);
      } else {
        return NO;
      }
      if (p == NO || (seen & bit) != 0) {
        return NO;
      }
      seen |= bit;
      p = ws(b, p, end);
      if (p >= end) {
        return NO;
      }
      if (b[p] == '}') {
        // account_number, expiry_month and expiry_year are required
        return (seen & 7) == 7 ? p + 1 : NO;
      }
      if (b[p] != ',') {
        return NO;
      }
      p = ws(b, p + 1, end);
    }
  }

}
