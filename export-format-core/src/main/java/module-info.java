/**
 * Format v1.0 and v1.1 of Hellgate's encrypted PCI token exports: {@link io.hellgate.export.ExportWriter},
 * {@link io.hellgate.export.ExportReader} and their values.
 */
module io.hellgate.export.core {
  requires com.fasterxml.jackson.databind;
  requires org.apache.commons.compress;

  exports io.hellgate.export;
  exports io.hellgate.export.internal to
      io.hellgate.export.crypto;
}
