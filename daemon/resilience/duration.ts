/** A wait for humans: "0.1 s", "37 s", "120 s", "15 min", "2.5 h", "3 days". */
export function formatDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 10) return `${trim(s)} s`;
  if (s < 600) return `${Math.round(s)} s`;
  if (s < 2 * 3600) return `${trim(s / 60)} min`;
  if (s < 2 * 86_400) return `${trim(s / 3600)} h`;
  return `${trim(s / 86_400)} days`;
}

function trim(n: number): string {
  return String(Math.round(n * 10) / 10);
}
