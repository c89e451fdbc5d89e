import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

export class DataDirInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `the embedded data directory ${dataDir} is in use by process ${pid}: stop it first, or import through the running server (POST /v1/locations, or set DATABASE_URL to share a PostgreSQL server)`,
    );
    this.name = 'DataDirInUse';
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * PGlite is one process's database: a second process on the same directory would write over the
 * first's pages unseen. A pid file taken with O_EXCL makes the second one refuse. (proper-lockfile
 * judges staleness by mtime, so a restart right after a crash would have to wait; a dead pid is
 * taken over at once.)
 */
export function lockDataDir(dataDir: string): () => void {
  const file = `${dataDir}.pid`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          unlinkSync(file);
        } catch {}
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(holder) && holder !== process.pid && alive(holder)) throw new DataDirInUse(dataDir, holder);
      // Left by a process that died: take it over.
      unlinkSync(file);
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}
