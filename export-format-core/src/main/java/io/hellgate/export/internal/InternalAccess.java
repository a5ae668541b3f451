package io.hellgate.export.internal;

import io.hellgate.export.Recipient;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * Lets {@code export-format-crypto} create policy-checked {@link Recipient}s without a public
 * constructor. This package is exported only to that module; on the class path, where module
 * boundaries do not apply, the caller is checked instead (its package must be
 * {@code io.hellgate.export.crypto}). That guards against accidents, not against hostile code in
 * the same JVM, which can do anything reflection allows.
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
  private static final String CRYPTO = "io.hellgate.export.crypto";
  private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  private InternalAccess() {}

  /**
   * Registers the factory; called once by {@link Recipient}.
   *
   * @param factory the factory
   */
  public static void setRecipientFactory(RecipientFactory factory) {
    if (WALKER.getCallerClass() != Recipient.class) {
      throw new IllegalStateException("only Recipient registers the recipient factory");
    }
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
    Class<?> caller = WALKER.getCallerClass();
    Module module = caller.getModule();
    if (!caller.getPackageName().equals(CRYPTO)
        || (module.isNamed() && !module.getName().equals(CRYPTO))) {
      throw new IllegalStateException(
          "only " + CRYPTO + " (CertificatePolicy) may mark a recipient as policy-checked; use Recipient.unverified");
    }
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
