/** @jsxRuntime automatic */
import { Box, Text } from 'ink';

/** The latest warnings, newest last; nothing at all when there are none. */
export function WarningsPanel({
  warnings,
  warningCount,
  rows,
  width,
}: {
  warnings: string[];
  warningCount: number;
  rows: number;
  width: number;
}) {
  if (warningCount === 0) return null;
  const shown = warnings.slice(Math.max(0, warnings.length - rows));
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Text bold color="yellow">
          Warnings
        </Text>
        <Text color="gray">{warningCount > shown.length ? `  latest ${shown.length} of ${warningCount}` : ''}</Text>
      </Text>
      {shown.map((warning, i) => (
        <Text key={i} color="yellow" wrap="truncate">
          {`! ${warning}`}
        </Text>
      ))}
    </Box>
  );
}
