package io.trailwatch.ingest;

import java.io.Serializable;
import java.util.List;

/** What the record parser needs from the configuration; plain values so executors can carry it. */
public record ParserSettings(int maxStringLength, int maxQuarantinedRecordsPerFile, List<String> humanRolePatterns)
    implements Serializable {}
