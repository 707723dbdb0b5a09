import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * --cache-dir, else EKS_AUTH_CACHE_DIR, else $KUBECACHEDIR/eks-auth (kubectl's cache root), else
 * ~/.kube/cache/eks-auth.
 */
export function defaultCacheDir(env: Record<string, string | undefined> = process.env): string {
  if (env.EKS_AUTH_CACHE_DIR) return env.EKS_AUTH_CACHE_DIR;
  if (env.KUBECACHEDIR) return join(env.KUBECACHEDIR, 'eks-auth');
  return join(env.HOME || homedir(), '.kube', 'cache', 'eks-auth');
}
