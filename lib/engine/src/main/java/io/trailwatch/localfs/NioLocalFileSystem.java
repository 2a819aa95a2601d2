package io.trailwatch.localfs;

import org.apache.hadoop.fs.LocalFileSystem;

/** The {@code file:} FileSystem (checksummed, as Hadoop's) over {@link NioRawLocalFileSystem}. */
public class NioLocalFileSystem extends LocalFileSystem {
  public NioLocalFileSystem() {
    super(new NioRawLocalFileSystem());
  }
}
