package io.trailwatch.mirror;

/**
 * How far the mirror of one business unit has followed the baseline table.
 *
 * @param version a baseline table version: with {@code pending} false, the mirror holds every change of
 *     the business unit up to it; with {@code pending} true, a run started changing the baseline after
 *     it and may have stopped before its mirror write, so the changes since it must be mirrored again
 * @param pending whether a run marked {@link BaselineMirror#markPending} and never {@link BaselineMirror#markMirrored}
 */
public record MirrorMark(long version, boolean pending) {}
