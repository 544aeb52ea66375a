/**
 * Debian's chromium package (installed by scripts/ensure-chromium.sh; no browser is downloaded),
 * with the flags that keep it off the network this machine does not have.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
