package io.trailwatch.generate;

import com.fasterxml.jackson.core.io.SerializedString;

/** One event to write; every random choice is drawn when it is made, so writing it twice gives the same bytes. */
final class Ev {
  Session s;
  Api api;
  int region;
  /** Second within the hour, 0..3599. */
  int sec;
  boolean failed;
  long idHi;
  long idLo;
  long reqHi;
  long reqLo;
  /** Picks resources (bucket, key, table...) from the account's pools. */
  int variant;
  SerializedString ip;
  SerializedString userAgent;
  /** Redelivered: written in both files of its hour. */
  boolean dup;
}
