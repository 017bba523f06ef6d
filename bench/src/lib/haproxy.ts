import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cpuMs, ROOT } from './server';

/**
 * HAProxy from Debian's package, run in the foreground with the repository's own config
 * (ops/haproxy.cfg, as docs/operations.md documents it), its addresses from the environment.
 * Installed with apt-get when missing (the bench runs as root on its machine).
 */
export const HAPROXY_CONFIG = path.join(ROOT, 'ops/haproxy.cfg');

function haproxyBinary(): string {
  const found = ['/usr/sbin/haproxy', '/usr/bin/haproxy'].find((p) => fs.existsSync(p));
  if (found) return found;
  console.log('  haproxy is missing: apt-get install -y haproxy');
  const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'haproxy'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  });
  if (r.status !== 0 || !fs.existsSync('/usr/sbin/haproxy')) {
    throw new Error('haproxy is not installed and apt-get install -y haproxy failed');
  }
  return '/usr/sbin/haproxy';
}

export interface Balancer {
  origin: string;
  cpuMs(): number;
  stop(): Promise<void>;
}

/** HAProxy on loopback `port` in front of `servers` (two `host:port` addresses). */
export async function startHaproxy(port: number, servers: [string, string]): Promise<Balancer> {
  const origin = `http://127.0.0.1:${port}`;
  const [a, b] = servers;
  const child = spawn(haproxyBinary(), ['-db', '-f', HAPROXY_CONFIG], {
    env: {
      ...process.env,
      KSPAY_LISTEN: `127.0.0.1:${port}`,
      KSPAY_SERVER_A: a,
      KSPAY_SERVER_B: b
    },
    stdio: ['ignore', 'inherit', 'inherit']
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  // Up once both servers answer through it (round robin: two health answers in a row).
  const deadline = Date.now() + 15_000;
  let ok = 0;
  while (ok < 2) {
    if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode})`);
    if (Date.now() > deadline) throw new Error('haproxy did not answer /api/health');
    const res = await fetch(`${origin}/api/health`).catch(() => null);
    ok = res?.status === 200 ? ok + 1 : 0;
    if (ok < 2) await new Promise((r) => setTimeout(r, 100));
  }
  const pid = child.pid ?? 0;
  return {
    origin,
    cpuMs: () => cpuMs(pid),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    }
  };
}
