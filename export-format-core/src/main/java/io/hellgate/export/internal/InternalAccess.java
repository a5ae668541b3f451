package io.hellgate.export.internal;

import io.hellgate.export.Recipient;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * Lets {@code export-format-crypto} create policy-checked {@link Recipient}s without a public
 * constructor. This package is exported only to that module.
 */
public final class InternalAccess {
  /** Creates recipients; registered by {@link Recipient}'s static initializer. */
  @FunctionalInterface
  public interface RecipientFactory {
    /**
     * Creates a recipient.
     *
     * @param certificate the certificate
     * @param checkedBy which policy accepted it
     * @return the recipient
     */
    Recipient create(X509Certificate certificate, String checkedBy);
  }

  private static volatile RecipientFactory recipients;

  private InternalAccess() {}

  /**
   * Registers the factory; called once by {@link Recipient}.
   *
   * @param factory the factory
   */
  public static void setRecipientFactory(RecipientFactory factory) {
    if (recipients != null) {
      throw new IllegalStateException("recipient factory already set");
    }
    recipients = Objects.requireNonNull(factory);
  }

  /**
   * A recipient marked as accepted by a certificate policy.
   *
   * @param certificate the accepted certificate
   * @param checkedBy a short description of the policy that accepted it
   * @return the recipient
   */
  public static Recipient checkedRecipient(X509Certificate certificate, String checkedBy) {
    Objects.requireNonNull(checkedBy, "checkedBy");
    if (recipients == null) {
      try {
        Class.forName(Recipient.class.getName(), true, Recipient.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
    }
    return recipients.create(certificate, checkedBy);
  }
}
