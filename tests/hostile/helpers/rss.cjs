// Preloaded into a teikit child process (node --require): writes its peak resident set size (KB, all threads) on exit.
process.on('exit', () => {
  if (process.env.TEIKIT_RSS_FILE) require('node:fs').writeFileSync(process.env.TEIKIT_RSS_FILE, String(process.resourceUsage().maxRSS));
});
