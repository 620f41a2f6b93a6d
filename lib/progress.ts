/**
 * A one-line progress bar for long runs: count, percentage, rate and ETA, redrawn in place on stderr.
 * Silent when stderr is not a terminal (CI, pipes, tests), so it never pollutes captured output.
 *
 * @module
 */

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** How many items the run has. */
  total: number;
  /**
   * A word before the bar, e.g. `pause`.
   *
   * @default {""}
   */
  label?: string;
  /**
   * Writes raw text (no newline added) to the terminal.
   *
   * @default {a synchronous write to Deno.stderr}
   */
  write?: (text: string) => void;
  /**
   * Whether the bar is shown; by default only when stderr is a terminal.
   *
   * @default {Deno.stderr.isTerminal()}
   */
  isTerminal?: () => boolean;
  /**
   * The clock, in milliseconds.
   *
   * @default {Date.now}
   */
  now?: () => number;
  /**
   * Least milliseconds between two redraws (the last one is always drawn).
   *
   * @default {100}
   */
  intervalMs?: number;
  /**
   * Width of the bar in characters.
   *
   * @default {24}
   */
  width?: number;
}

/** A running progress bar. */
export interface Progress {
  /** Whether anything is drawn (stderr is a terminal). */
  readonly enabled: boolean;
  /** Counts `n` finished items (`failed` ones are also shown separately) and redraws when due. */
  tick(n?: number, failed?: boolean): void;
  /** Clears the bar, runs `print` (which prints whole lines), then redraws the bar below them. */
  note(print: () => void): void;
  /** Draws the final state and ends the line. Safe to call twice. */
  finish(): void;
}

/** What {@link formatProgress} draws. */
export interface ProgressState {
  /** Items finished. */
  done: number;
  /** Items in the run. */
  total: number;
  /** Items that failed (shown when non-zero). */
  failed?: number;
  /** Milliseconds since the start. */
  elapsedMs: number;
  /** A word before the bar. */
  label?: string;
  /** Bar width in characters. */
  width?: number;
}

/**
 * Formats one progress line: `pause [#########-------]  375/1000  38%  41.2/s  ETA 0:15  (2 failed)`.
 *
 * @example Format a line
 * ```ts
 * import { formatProgress } from "./progress.ts";
 * formatProgress({ done: 50, total: 200, elapsedMs: 5000, label: "pause", width: 10 });
 * // "pause [##--------]  50/200  25%  10.0/s  ETA 0:15"
 * ```
 */
export function formatProgress(state: ProgressState): string {
  const { done, total, failed = 0, elapsedMs, label = "", width = 24 } = state;
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(share * width);
  const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
  const count = `${String(done).padStart(String(total).length)}/${total}`;
  const rate = elapsedMs > 0 ? done / (elapsedMs / 1000) : 0;
  const eta = rate > 0 && done < total ? formatDuration(((total - done) / rate) * 1000) : done >= total ? "0:00" : "?";
  const parts = [
    `${label ? `${label} ` : ""}${bar}`,
    count,
    `${Math.floor(share * 100)}%`,
    `${rate.toFixed(1)}/s`,
    `ETA ${eta}`,
  ];
  if (failed > 0) parts.push(`(${failed} failed)`);
  return parts.join("  ");
}

/**
 * Formats milliseconds as `m:ss` (or `h:mm:ss`).
 *
 * @example Format a duration
 * ```ts
 * import { formatDuration } from "./progress.ts";
 * formatDuration(75_000); // "1:15"
 * ```
 */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0
    ? `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`
    : `${m}:${String(s).padStart(2, "0")}`;
}

const CLEAR_LINE = "\r\x1b[2K";

/**
 * Starts a progress bar on stderr; it draws nothing unless stderr is a terminal.
 *
 * @example Show progress over a loop
 * ```ts
 * import { createProgress } from "./progress.ts";
 * const items = ["a", "b", "c"];
 * const progress = createProgress({ total: items.length, label: "pause" });
 * for (const item of items) {
 *   progress.note(() => console.log(`paused ${item}`));
 *   progress.tick();
 * }
 * progress.finish();
 * ```
 */
export function createProgress(options: ProgressOptions): Progress {
  const { total, label = "", now = Date.now, intervalMs = 100, width = 24 } = options;
  const isTerminal = options.isTerminal ?? (() => {
    try {
      return Deno.stderr.isTerminal();
    } catch {
      return false;
    }
  });
  const enabled = isTerminal();
  const encoder = new TextEncoder();
  const write = options.write ?? ((text: string) => {
    const bytes = encoder.encode(text);
    let offset = 0;
    while (offset < bytes.length) offset += Deno.stderr.writeSync(bytes.subarray(offset));
  });
  const started = now();
  let done = 0;
  let failed = 0;
  let lastDraw = -Infinity;
  let shown = false;
  let finished = false;

  const draw = () => {
    lastDraw = now();
    write(`${CLEAR_LINE}${formatProgress({ done, total, failed, elapsedMs: lastDraw - started, label, width })}`);
    shown = true;
  };

  return {
    enabled,
    tick(n = 1, isFailure = false) {
      done += n;
      if (isFailure) failed += n;
      if (!enabled || finished) return;
      if (now() - lastDraw >= intervalMs || done >= total) draw();
    },
    note(print) {
      if (!enabled || finished || !shown) return print();
      write(CLEAR_LINE);
      print();
      draw();
    },
    finish() {
      if (finished) return;
      finished = true;
      if (!enabled) return;
      draw();
      write("\n");
    },
  };
}
