// A median read off counted values: exact, whatever databases counted them.

/** The middle value (the lower middle of an even count) of values given with how often each occurs; null with none. */
export function medianOfCounts(counted: { value: number; count: number }[]): number | null {
  const total = counted.reduce((sum, { count }) => sum + count, 0);
  if (total === 0) return null;
  const middle = Math.floor((total + 1) / 2);
  let seen = 0;
  for (const { value, count } of [...counted].sort((a, b) => a.value - b.value)) {
    seen += count;
    if (seen >= middle) return value;
  }
  return null;
}
