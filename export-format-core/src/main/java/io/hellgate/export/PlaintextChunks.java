package io.hellgate.export;

import java.io.IOException;

/**
 * Where the reader's released plaintext comes from, one chunk at a time: the release pass
 * ({@link ReleasePass}, authenticated chunks) or unverified streaming ({@link StreamingPass}).
 * {@link LineCursor} splits the chunks into lines.
 */
interface PlaintextChunks {
  /**
   * The next chunk of plaintext, or null at the end; its first {@link #length()} bytes are valid
   * until the next call.
   */
  byte[] next() throws IOException;

  /** The length of the chunk the last {@link #next()} returned. */
  int length();
}
