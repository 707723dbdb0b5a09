// Preloaded into eks-auth by the benchmark: appends this process's peak RSS (kB) to a file.
process.on('exit', () => {
  const file = process.env.EKS_AUTH_BENCH_RSS_FILE;
  if (file) require('node:fs').appendFileSync(file, `${process.resourceUsage().maxRSS}\n`);
});
