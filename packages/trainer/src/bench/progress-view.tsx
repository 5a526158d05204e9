/** @jsxRuntime automatic */
import { Box, Text, render } from 'ink';
import { formatDuration, type ProgressSummary } from './progress';

const BAR_WIDTH = 30;

function Bar({ fraction }: { fraction: number }) {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * BAR_WIDTH);
  return (
    <Text>
      <Text color="green">{'█'.repeat(filled)}</Text>
      <Text dimColor>{'░'.repeat(BAR_WIDTH - filled)}</Text>
    </Text>
  );
}

/** The live bench screen: jobs done, the runs in flight with their step, the ETA and the latest lines. */
export function BenchProgressView({ title, summary, lines }: { title: string; summary: ProgressSummary; lines: readonly string[] }) {
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>{title}</Text>
      <Box>
        <Bar fraction={summary.finished / Math.max(1, summary.total)} />
        <Text>
          {'  '}
          {summary.finished}/{summary.total} jobs done · ETA {summary.etaSeconds === null ? '–' : formatDuration(summary.etaSeconds)}
        </Text>
      </Box>
      {summary.running.map((run) => (
        <Box key={run.name}>
          <Text>{run.name.padEnd(28)}</Text>
          <Bar fraction={run.step / Math.max(1, run.steps)} />
          <Text>
            {'  '}
            {run.step}/{run.steps}
          </Text>
        </Box>
      ))}
      {summary.failed.length > 0 && <Text color="red">failed: {summary.failed.join(', ')}</Text>}
      {lines.slice(-6).map((line, i) => (
        <Text key={i} dimColor>
          {line}
        </Text>
      ))}
      <Text dimColor>Ctrl-C stops after the current steps; the same command carries on.</Text>
    </Box>
  );
}

export interface ProgressScreen {
  update(summary: ProgressSummary, lines: readonly string[]): void;
  close(): Promise<void>;
}

export function mountProgressScreen(title: string, initial: ProgressSummary): ProgressScreen {
  const instance = render(<BenchProgressView title={title} summary={initial} lines={[]} />, { exitOnCtrlC: false, patchConsole: false, maxFps: 2 });
  return {
    update(summary, lines) {
      instance.rerender(<BenchProgressView title={title} summary={summary} lines={lines} />);
    },
    async close() {
      instance.unmount();
      await instance.waitUntilExit();
    },
  };
}
