/** @jsxRuntime automatic */
import { useInput, useStdin } from 'ink';
import { useSyncExternalStore } from 'react';
import { DashboardView } from './dashboard-view';
import type { RunStatus } from './run-store';
import { useTerminalSize } from './terminal-size';
import type { ThrottledView } from './throttled-view';

/** `stop`: q asks the engine to stop (live run); `quit`: q leaves the viewer (attach mode). */
export type KeyAction = 'stop' | 'quit';

export interface LiveDashboardProps {
  view: ThrottledView;
  keyAction: KeyAction;
  onKey: () => void;
  /** Ctrl+C while stdin is in raw mode (where the terminal no longer sends SIGINT itself). */
  onInterrupt: () => void;
  /** Fixed size, for tests; otherwise the terminal's. */
  columns?: number;
  rows?: number;
}

function KeyListener({ onKey, onInterrupt }: { onKey: () => void; onInterrupt: () => void }) {
  useInput((input, key) => {
    if (key.ctrl && input === 'c') onInterrupt();
    else if (input === 'q' || input === 'Q') onKey();
  });
  return null;
}

export function keyHintFor(keyAction: KeyAction, status: RunStatus, rawModeSupported: boolean): string | null {
  if (!rawModeSupported) return null;
  if (keyAction === 'quit') return 'quit';
  return status === 'waiting' || status === 'running' ? 'stop after this step' : null;
}

/** The dashboard bound to a throttled view of the store, with the q key where stdin allows it. */
export function LiveDashboard({ view, keyAction, onKey, onInterrupt, columns, rows }: LiveDashboardProps) {
  const state = useSyncExternalStore(view.subscribe, view.getSnapshot);
  const { isRawModeSupported } = useStdin();
  const terminal = useTerminalSize();
  return (
    <>
      {isRawModeSupported ? <KeyListener onKey={onKey} onInterrupt={onInterrupt} /> : null}
      <DashboardView
        state={state}
        columns={columns ?? terminal.columns}
        rows={rows ?? terminal.rows}
        keyHint={keyHintFor(keyAction, state.status, isRawModeSupported)}
      />
    </>
  );
}
