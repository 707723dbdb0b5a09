/**
 * The eks-auth command line. Thin: commander parses, each command's module is imported only when
 * that command runs, so `token` never pays for the verifier or the server and vice versa.
 */
import { Command, CommanderError, Option } from 'commander';
import { reportError, wantsVerbose } from './output.js';

export const VERSION = '0.1.0';

function collectVerbose(program: Command): boolean {
  return Boolean(program.opts().verbose);
}

export function buildProgram(): Command {
  const program = new Command('eks-auth')
    .description('Amazon EKS authentication: kubectl credential plugin and token verifier')
    .version(VERSION, '--version')
    .option('-v, --verbose', 'explain what happens on stderr; full error details')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      // One readable line for usage errors, in our own format (see main()).
      outputError: () => {},
    });

  program
    .command('token')
    .description('print an ExecCredential (or just the token) for kubectl')
    .addOption(new Option('-i, --cluster-id <id>', 'cluster name or ID (signed as x-k8s-aws-id)').env('KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID'))
    .option('--cluster-name <name>', 'alias of --cluster-id, as in "aws eks get-token"')
    .option('--region <region>', 'AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile\'s region; none: global STS)')
    .option('--profile <name>', 'AWS profile (default: AWS_PROFILE, then the default chain)')
    .option('-r, --role <arn>', 'IAM role to assume before signing')
    .option('--role-arn <arn>', 'alias of --role, as in "aws eks get-token"')
    .option('-e, --external-id <id>', 'external ID for the assumed role')
    .addOption(new Option('-s, --session-name <name>', 'session name for the assumed role (default EKSGetTokenAuth)').conflicts('forwardSessionName'))
    .option('--forward-session-name', 'use the caller\'s own role session name for the assumed role')
    .option('--token-only', 'print only the token, not an ExecCredential')
    .addOption(new Option('--api-version <version>', 'force the ExecCredential apiVersion').choices(['v1', 'v1beta1']))
    .addOption(new Option('--output <format>', 'accepted for "aws eks get-token" compatibility').choices(['json']).hideHelp())
    .option('--no-cache', 'neither read nor write the token cache')
    .addOption(new Option('--cache-dir <dir>', 'token cache folder (default: $KUBECACHEDIR/eks-auth or ~/.kube/cache/eks-auth)').env('EKS_AUTH_CACHE_DIR'))
    .action(async (opts: Record<string, unknown>) => {
      const { runToken } = await import('./token.js');
      await runToken(opts, { verbose: collectVerbose(program) });
    });

  program
    .command('verify')
    .description('verify a token as an EKS authenticator would, and print whose it is')
    .option('-t, --token <token>', 'the token, or - to read it from stdin (keeps it out of the process list)')
    .option('-i, --cluster-id <id>', 'this cluster\'s ID: the token must have been made for it')
    .option('--partition <partition>', 'the verifier\'s AWS partition (aws, aws-cn, aws-us-gov, …)', 'aws')
    .option('--region <region>', 'the verifier\'s own region: its STS host is always accepted')
    .option('--sts-endpoint-override <url>', 'send the STS request here (VPC endpoint, proxy), keeping the token\'s host as Host')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts: Record<string, unknown>) => {
      const { runVerify } = await import('./verify.js');
      await runVerify(opts);
    });

  program
    .command('init')
    .description('write the webhook serving certificate and kube-apiserver\'s webhook kubeconfig')
    .option('-i, --cluster-id <id>', 'cluster ID')
    .option('--state-dir <dir>', 'folder for cert.pem and key.pem', '/var/aws-iam-authenticator')
    .option('--hostname <name>', 'host name kube-apiserver uses to reach the server', 'localhost')
    .option('--address <ip>', 'address the server listens on (also put in the certificate)', '127.0.0.1')
    .option('--port <port>', 'port the server listens on', '21362')
    .option('--kubeconfig <file>', 'where to write the webhook kubeconfig (default <state-dir>/eks-auth.kubeconfig)')
    .action(async (opts: Record<string, unknown>) => {
      const { runInit } = await import('./init.js');
      await runInit(opts as never);
    });

  program
    .command('server')
    .description('serve TokenReviews for kube-apiserver over HTTPS')
    .option('-i, --cluster-id <id>', 'cluster ID: tokens must have been made for it')
    .option('--state-dir <dir>', 'folder holding cert.pem and key.pem (from init)', '/var/aws-iam-authenticator')
    .option('--mapping <path>', 'aws-auth as YAML (ConfigMap manifest or data), or the folder a ConfigMap volume is mounted at; reloaded on change')
    .option('--address <ip>', 'listen address', '127.0.0.1')
    .option('--port <port>', 'listen port', '21362')
    .option('--partition <partition>', 'AWS partition of the cluster', 'aws')
    .option('--region <region>', 'the server\'s own region: its STS host is always accepted')
    .option('--sts-endpoint-override <url>', 'send STS requests here (VPC endpoint, proxy), keeping the token\'s host as Host')
    .option('--sts-timeout <ms>', 'deadline of each STS call', '10000')
    .option('--max-in-flight <n>', 'reviews processed at once; more are answered 429', '512')
    .action(async (opts: Record<string, unknown>) => {
      const { runServer } = await import('./server.js');
      await runServer(opts as never);
    });

  program
    .command('doctor')
    .description('explain what eks-auth would do and what AWS and the cluster make of it ("why am I Unauthorized?")')
    .option('-i, --cluster-id <id>', 'cluster ID (default: from the --context user\'s arguments)')
    .option('--region <region>', 'AWS region')
    .option('--profile <name>', 'AWS profile')
    .option('-r, --role <arn>', 'IAM role to assume')
    .option('--context <name>', 'kubeconfig context: check what its API server thinks of the token')
    .option('--kubeconfig <file>', 'kubeconfig (default: KUBECONFIG, else ~/.kube/config)')
    .option('--mapping <file>', 'an aws-auth ConfigMap to try the identity against')
    .addOption(new Option('--cache-dir <dir>', 'token cache folder').env('EKS_AUTH_CACHE_DIR'))
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts: Record<string, unknown>) => {
      const { runDoctorCli } = await import('./doctor.js');
      process.exitCode = await runDoctorCli(opts);
    });

  program
    .command('convert-kubeconfig')
    .alias('setup')
    .description('rewrite kubeconfig users that run "aws eks get-token" or "aws-iam-authenticator token" to run eks-auth')
    .option('--kubeconfig <file>', 'kubeconfig to convert (default: KUBECONFIG, else ~/.kube/config)')
    .option('--context <name>', 'only the user of this context')
    .option('--dry-run', 'print the converted user entries instead of writing the file')
    .option('--restore', 'put back the backup an earlier conversion made')
    .addOption(new Option('--command <path>', 'the command kubectl should run (default: eks-auth, found on PATH)'))
    .action(async (opts: Record<string, unknown>) => {
      const { runConvertKubeconfig } = await import('./convert-kubeconfig.js');
      runConvertKubeconfig(opts);
    });

  const cache = program.command('cache').description('inspect or empty the token and credential cache');
  cache
    .command('list')
    .description('cached tokens and credentials with their remaining lifetimes (never the secrets)')
    .addOption(new Option('--cache-dir <dir>', 'cache folder').env('EKS_AUTH_CACHE_DIR'))
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts: Record<string, unknown>) => {
      const { runCacheList } = await import('./cache.js');
      runCacheList(opts);
    });
  cache
    .command('clear')
    .description('delete every cached token and credential')
    .addOption(new Option('--cache-dir <dir>', 'cache folder').env('EKS_AUTH_CACHE_DIR'))
    .action(async (opts: Record<string, unknown>) => {
      const { runCacheClear } = await import('./cache.js');
      runCacheClear(opts);
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    // A command may set the exit code itself (doctor: 1 when a check failed).
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      if (err.exitCode === 0) return 0;
      const command = argv.slice(2).find((a) => !a.startsWith('-')) ?? '';
      process.stderr.write(`eks-auth: ${err.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ')} (see "eks-auth ${command ? `${command} ` : ''}--help")\n`);
      return 2;
    }
    return reportError(err, wantsVerbose(argv));
  }
}
