package io.trailwatch.ingest;

import java.io.Serializable;
import java.util.function.Consumer;

/**
 * Reduces the events of one account, in one task ({@link CloudTrailReader.Read#perAccount}): it
 * sees every event of that account in the read, and nothing of any other account.
 */
public interface AccountReducer<T> {
  /**
   * Called before the events of each file (in file order): a reducer that cares which file an
   * event came from (a backtest keeps an event only for the hours whose run would read its file)
   * remembers it; most ignore it.
   */
  default void file(LogFile file) {}

  /** One event; {@code e} is reused after the call returns. */
  void event(ParsedEvent e);

  /**
   * Called once, after the account's last event; the reducer then starts empty for the next
   * account of the task (a task keeps one reducer, so what it sized for one account serves the next).
   */
  void finish(Consumer<T> out);

  /** Makes a reducer per task on the executors. */
  interface Factory<T> extends Serializable {
    AccountReducer<T> create();
  }
}
