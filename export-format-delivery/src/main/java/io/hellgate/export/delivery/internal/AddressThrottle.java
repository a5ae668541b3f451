package io.hellgate.export.delivery.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bounded slow-down for bad tokens: an address that sent {@code maxFailures} unknown or malformed
 * tokens within {@code windowMillis} is refused (HTTP 429) until its window ends. Remembers at most
 * {@code maxAddresses} addresses (least recently seen forgotten first), so memory stays bounded
 * whatever a scanner sends. Thread-safe.
 */
public final class AddressThrottle {
  private final int maxFailures;
  private final long windowMillis;
  private final Map<String, long[]> byAddress;

  /** A throttle; {@code maxAddresses} bounds its memory. */
  public AddressThrottle(int maxFailures, long windowMillis, int maxAddresses) {
    this.maxFailures = maxFailures;
    this.windowMillis = windowMillis;
    this.byAddress = new LinkedHashMap<>(64, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
        return size() > maxAddresses;
      }
    };
  }

  /** Milliseconds until {@code address} may try again, or 0 if it is not refused now. */
  public synchronized long refusedFor(String address, long now) {
    long[] w = byAddress.get(address);
    if (w == null || now - w[0] >= windowMillis) {
      return 0;
    }
    return w[1] >= maxFailures ? windowMillis - (now - w[0]) : 0;
  }

  /** Records one bad token from {@code address}. */
  public synchronized void failure(String address, long now) {
    long[] w = byAddress.get(address);
    if (w == null || now - w[0] >= windowMillis) {
      byAddress.put(address, new long[] {now, 1});
    } else {
      w[1]++;
    }
  }

  /** How many addresses are remembered (for tests of the bound). */
  public synchronized int size() {
    return byAddress.size();
  }
}
