package io.hellgate.export.testkit.jqwik;

import io.hellgate.export.Card;
import io.hellgate.export.TokenRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.SampleReportingFormat;

/**
 * Shows a {@link TokenRecord} or {@link Card} in jqwik's failure reports field by field (the
 * records' own {@code toString()} shows only the id and a masked card), so a shrunk counterexample
 * says which field matters. The account number is masked to its last four digits and its length
 * (rule: a PAN never appears in a report); strings over 60 characters are cut, with their length.
 * Registered like {@link ExportArbitraryProvider} (and in {@link ExportDomain}). Stateless and thread-safe.
 *
 * <pre>{@code
 * // a failing property reports, for example:
 * //   records: [TokenRecord{id="0", card=Card{account_number="…0006 (12 digits)", expiry_month=1, ...}}]
 * }</pre>
 */
public final class TokenRecordReportingFormat implements SampleReportingFormat {
  /** Called by jqwik's service loader. */
  public TokenRecordReportingFormat() {}

  @Override
  public boolean appliesTo(Object value) {
    return value instanceof TokenRecord || value instanceof Card;
  }

  @Override
  public Optional<String> label(Object value) {
    return Optional.of(value instanceof TokenRecord ? "TokenRecord" : "Card");
  }

  @Override
  public Object report(Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (value instanceof Card) {
      Card c = (Card) value;
      c.cardholderName().ifPresent(n -> m.put("cardholder_name", cut(n)));
      m.put("expiry_month", c.expiryMonth());
      m.put("expiry_year", c.expiryYear());
      m.put("account_number", "…" + c.last4() + " (" + c.accountNumber().length() + " digits)");
      c.scheme().ifPresent(s -> m.put("scheme", cut(s)));
      c.extraFields().forEach((k, v) -> m.put(cut(k), SampleReportingFormat.plainLabel(cut(v))));
      return m;
    }
    TokenRecord r = (TokenRecord) value;
    m.put("id", cut(r.id()));
    m.put("card", r.card());
    m.put("created_at", r.createdAt());
    r.expiresAt().ifPresent(e -> m.put("expires_at", e));
    if (r.hasMetadata()) {
      Map<String, String> meta = new LinkedHashMap<>();
      r.metadata().forEach((k, v) -> meta.put(cut(k), cut(v)));
      m.put("metadata", meta);
    }
    r.extraFields().forEach((k, v) -> m.put(cut(k), SampleReportingFormat.plainLabel(cut(v))));
    return m;
  }

  private static String cut(String s) {
    return s.length() <= 60 ? s : s.substring(0, Character.isHighSurrogate(s.charAt(56)) ? 56 : 57) + "… (" + s.length() + " chars)";
  }
}
