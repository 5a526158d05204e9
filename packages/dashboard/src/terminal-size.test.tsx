/** @jsxRuntime automatic */
import { Text, render } from 'ink';
import { describe, expect, it } from 'vitest';
import { FakeStdin, FakeStdout, waitUntil } from './testing/fake-terminal';
import { useTerminalSize } from './terminal-size';

function Size() {
  const { columns, rows } = useTerminalSize();
  return <Text>{`${columns}x${rows}`}</Text>;
}

describe('useTerminalSize', () => {
  it('reads the size and follows resizes', async () => {
    const stdout = new FakeStdout(80, 24);
    const instance = render(<Size />, {
      stdout: stdout.asStream(),
      stdin: new FakeStdin({ isTTY: false }).asStream(),
      patchConsole: false,
    });
    await waitUntil(() => stdout.lastFrame() === '80x24', 'the first size');
    stdout.columns = 50;
    stdout.rows = 20;
    stdout.emit('resize');
    await waitUntil(() => stdout.lastFrame() !== '80x24', 'a redraw');
    expect(stdout.lastFrame()).toBe('50x20');
    instance.unmount();
    await instance.waitUntilExit();
  });
});
