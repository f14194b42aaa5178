import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type CopyValue, copyLine } from './seed-scale-copy.js';

/**
 * Rows of several tables, generated together (one case gives rows of eight tables) but
 * loaded table by table: foreign keys are checked per statement, so a case's events can
 * only be copied after the case itself is in. Each table's rows go to a temporary file in
 * COPY text format first; `load` then copies the files in the order given.
 */
export class TableFiles {
  private readonly streams = new Map<
    string,
    { out: WriteStream; columns: readonly string[]; path: string; rows: number; buffer: string }
  >();

  private constructor(private readonly dir: string) {}

  static async create(): Promise<TableFiles> {
    return new TableFiles(await mkdtemp(join(tmpdir(), 'brygga-seed-scale-')));
  }

  table(name: string, columns: readonly string[]): void {
    const path = join(this.dir, `${name}.copy`);
    this.streams.set(name, {
      out: createWriteStream(path, { highWaterMark: 1 << 20 }),
      columns,
      path,
      rows: 0,
      buffer: '',
    });
  }

  /** Appends a row; await it so a fast generator cannot outrun the disk. */
  async write(name: string, values: readonly CopyValue[]): Promise<void> {
    const s = this.streams.get(name)!;
    s.buffer += copyLine(values);
    s.rows++;
    if (s.buffer.length >= 1 << 16) {
      const ok = s.out.write(s.buffer);
      s.buffer = '';
      if (!ok) await once(s.out, 'drain');
    }
  }

  rows(name: string): number {
    return this.streams.get(name)!.rows;
  }

  /** Copies every table's file into the database, in the order the tables were declared. */
  async load(client: pg.ClientBase, onTable: (name: string, rows: number) => void): Promise<void> {
    for (const s of this.streams.values()) {
      s.out.end(s.buffer);
      s.buffer = '';
      await once(s.out, 'finish');
    }
    for (const [name, s] of this.streams) {
      const sql = `COPY "${name}" (${s.columns.map((c) => `"${c}"`).join(', ')}) FROM STDIN`;
      await pipeline(
        createReadStream(s.path, { highWaterMark: 1 << 20 }),
        client.query(copyFrom(sql)),
      );
      onTable(name, s.rows);
    }
  }

  async remove(): Promise<void> {
    for (const s of this.streams.values()) s.out.destroy();
    await rm(this.dir, { recursive: true, force: true });
  }
}
