package io.hellgate.export.delivery;

import io.hellgate.export.ExportManifest;

/** The request ID an archive's manifest names (format 1.1 {@code request.request_id}). */
final class ManifestRequests {
  private ManifestRequests() {}

  /** The manifest's request ID, or null for a manifest without one (format 1.0). */
  static String requestId(ExportManifest manifest) {
    return null; // format 1.0 manifests carry no request ID
  }
}
