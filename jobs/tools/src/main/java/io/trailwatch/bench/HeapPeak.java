package io.trailwatch.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The peak of used heap while it runs: a thread samples {@code MemoryMXBean} every 10 ms, and a
 * GC listener adds the heap in use just before each collection (the true high points, which
 * sampling alone misses).
 */
public final class HeapPeak implements AutoCloseable {
  private final AtomicLong peak = new AtomicLong();
  private final AtomicLong peakLive = new AtomicLong();
  private final Thread sampler;
  private final List<Runnable> detach = new ArrayList<>();
  private volatile boolean running = true;

  private HeapPeak() {
    System.gc();
    sampler = new Thread(() -> {
      while (running) {
        record(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-peak");
    sampler.setDaemon(true);
    NotificationListener listener = (n, h) -> {
      if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
        var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        long before = 0;
        for (MemoryUsage u : info.getGcInfo().getMemoryUsageBeforeGc().values()) {
          before += u.getUsed();
        }
        // Non-heap pools (Metaspace, code cache) are in the map too: subtract them.
        for (var e : info.getGcInfo().getMemoryUsageBeforeGc().entrySet()) {
          if (isNonHeap(e.getKey())) {
            before -= e.getValue().getUsed();
          }
        }
        record(before);
        long after = 0;
        for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
          if (!isNonHeap(e.getKey())) {
            after += e.getValue().getUsed();
          }
        }
        peakLive.accumulateAndGet(after, Math::max);
      }
    };
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter em) {
        em.addNotificationListener(listener, null, null);
        detach.add(() -> {
          try {
            em.removeNotificationListener(listener);
          } catch (Exception ignored) {
            // already gone
          }
        });
      }
    }
    sampler.start();
  }

  /** Starts measuring now (after a full GC, so that earlier garbage does not count). */
  public static HeapPeak start() {
    return new HeapPeak();
  }

  private static boolean isNonHeap(String pool) {
    for (var p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getName().equals(pool)) {
        return p.getType() == java.lang.management.MemoryType.NON_HEAP;
      }
    }
    return false;
  }

  private void record(long used) {
    peak.accumulateAndGet(used, Math::max);
  }

  /** Bytes in use after the fullest collection: what the run really held (0 if no collection ran). */
  public long peakLive() {
    return peakLive.get();
  }

  /** Bytes. */
  public long peak() {
    return peak.get();
  }

  @Override
  public void close() {
    running = false;
    sampler.interrupt();
    detach.forEach(Runnable::run);
  }
}
