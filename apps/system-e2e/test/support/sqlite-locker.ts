// Another OS process holding the cloud's SQLite write lock (BEGIN IMMEDIATE), as the admin CLI, a
// backup or an operator's sqlite3 shell can: until told to release it, or for `holdMs` at most.
import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT } from '@dtg/testkit';

const SCRIPT = `
const Database = require('better-sqlite3');
const [file, holdMs] = process.argv.slice(1);
const db = new Database(file, { timeout: 10000 });
db.prepare('BEGIN IMMEDIATE').run();
process.stdout.write('locked\\n');
let released = false;
const release = () => {
  if (released) return;
  released = true;
  db.prepare('COMMIT').run();
  db.close();
  process.stdout.write('released\\n');
  process.exit(0);
};
setTimeout(release, Number(holdMs));
process.stdin.on('data', (chunk) => { if (String(chunk).includes('release')) release(); });
`;

export class SqliteLocker {
  private output = '';
  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString('utf8')));
  }

  /** Resolves once the lock is held. */
  static async lock(dbFile: string, holdMs = 8_000): Promise<SqliteLocker> {
    const child = spawn(process.execPath, ['-e', SCRIPT, dbFile, String(holdMs)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const locker = new SqliteLocker(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', () => locker.output.includes('locked') && resolve());
      child.once('exit', (code) => reject(new Error(`the locker exited (${code}) before locking: ${locker.output}`)));
    });
    return locker;
  }

  /** Still holding the lock: it has neither released it nor exited. */
  get holding(): boolean {
    return !this.output.includes('released') && this.child.exitCode === null;
  }

  async release(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin?.write('release\n');
    await exited;
  }
}
