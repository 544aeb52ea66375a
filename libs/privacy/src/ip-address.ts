/**
 * IP addresses are truncated, not removed: the network (/24 for IPv4, /48 for IPv6) keeps its
 * value for operations (which region, which provider) while no longer naming one device.
 */

/** "192.168.17.4" → "192.168.17.0/24"; null when some octet is above 255 or has a leading zero. */
export const truncateIpv4 = (text: string): string | null => {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  for (const part of parts) {
    if (part.length === 0 || part.length > 3 || (part.length > 1 && part.charCodeAt(0) === 48) || Number(part) > 255) return null;
  }
  return `${parts[0]}.${parts[1]}.${parts[2]}.0/24`;
};

const HEXTET = /^[0-9A-Fa-f]{1,4}$/;

/** The eight 16-bit groups of an IPv6 address (compressed "::" and an IPv4 tail allowed), or null. */
export const parseIpv6 = (text: string): number[] | null => {
  if (text.length < 2 || text.length > 45) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const toGroups = (half: string, allowIpv4Tail: boolean): number[] | null => {
    if (half === '') return [];
    const groups: number[] = [];
    const parts = half.split(':');
    for (let index = 0; index < parts.length; index += 1) {
      const part = parts[index] ?? '';
      if (allowIpv4Tail && index === parts.length - 1 && part.includes('.')) {
        if (truncateIpv4(part) === null) return null;
        const octets = part.split('.').map(Number);
        groups.push(((octets[0] ?? 0) << 8) | (octets[1] ?? 0), ((octets[2] ?? 0) << 8) | (octets[3] ?? 0));
        continue;
      }
      if (!HEXTET.test(part)) return null;
      groups.push(parseInt(part, 16));
    }
    return groups;
  };
  if (halves.length === 1) {
    const groups = toGroups(text, true);
    return groups !== null && groups.length === 8 ? groups : null;
  }
  const head = toGroups(halves[0] ?? '', false);
  const tail = toGroups(halves[1] ?? '', true);
  if (head === null || tail === null || head.length + tail.length > 7) return null;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
};

/** "2001:db8:85a3:8d3:1319:8a2e:370:7348" → "2001:db8:85a3::/48"; null when not an IPv6 address. */
export const truncateIpv6 = (text: string): string | null => {
  const groups = parseIpv6(text);
  if (groups === null) return null;
  const [a = 0, b = 0, c = 0] = groups;
  return `${a.toString(16)}:${b.toString(16)}:${c.toString(16)}::/48`;
};
