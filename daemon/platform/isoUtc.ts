const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/**
 * What `new Date(ms).toISOString()` gives, from the UTC fields. In Node 20's V8, toISOString goes
 * through the code that also formats local dates, which loads the host time zone's rules and its
 * display names from ICU's data: about 0.4 MB of an idle daemon, whose log lines and calendar keys
 * (issue #23) are all it used them for. Years outside 0-9999 and invalid dates go to toISOString
 * itself (a six-digit year, a RangeError).
 */
export function isoUtc(ms: number): string {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) return d.toISOString();
  const milli = d.getUTCMilliseconds();
  return (
    `${String(year).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}` +
    `T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}` +
    `.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`
  );
}
