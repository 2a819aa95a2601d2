/**
 * Hadoop's local file system without shell commands. Without Hadoop's native library (never
 * there in local mode), Hadoop runs {@code chmod} for every file it creates and {@code readlink}
 * for every rename, forking a process each time: about 150 per detect run, mostly on the path of
 * Delta commits. These classes do the same with {@code java.nio}. {@code Sparks} installs them for
 * the {@code file:} scheme in local mode only (see {@code Sparks.localFileSystem}); S3 and other
 * schemes are untouched.
 */
package io.trailwatch.localfs;
