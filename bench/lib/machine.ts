// What the numbers were measured on, stored with every result file.
import { spawnSync } from 'node:child_process';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { packageRoot } from '../../ports/node/files.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  platform: string;
  node: string;
  v8: string;
  openssl: string;
  /** The commit measured (with "+changes" when the work tree differs), or "" outside git. */
  commit: string;
  date: string;
  /** 1-minute load average when the run started: well above 0, something else was competing for the cores. */
  loadAverage: number;
}

const loadAtStart = loadavg()[0];

export function machineInfo(): Machine {
  const list = cpus();
  const git = (args: string[]): string => {
    const r = spawnSync('git', args, { cwd: packageRoot(), encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : '';
  };
  const head = git(['rev-parse', '--short', 'HEAD']);
  const dirty = head !== '' && git(['status', '--porcelain', '--untracked-files=no']) !== '';
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    v8: process.versions.v8,
    openssl: process.versions.openssl,
    commit: head + (dirty ? '+changes' : ''),
    date: new Date().toISOString(),
    loadAverage: Math.round(loadAtStart * 100) / 100,
  };
}

/** One Markdown line naming the machine. */
export function machineLine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node} (OpenSSL ${m.openssl}), ` +
    `commit ${m.commit || 'n/a'}, ${m.date.slice(0, 16).replace('T', ' ')} UTC, load average ${m.loadAverage} at the start`;
}

/** CPU time of this process so far (process.cpuUsage(): user + system, all threads), in ms. */
export function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
