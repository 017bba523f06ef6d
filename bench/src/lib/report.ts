/**
 * Every figure of a run, printed as one table at the end. A row with a budget says PASS or
 * FAIL; one FAIL (or a benchmark that could not run) makes `pnpm bench` exit non-zero.
 */
export interface Row {
  bench: string;
  figure: string;
  value: string;
  budget?: string;
  /** undefined: informational; false: budget broken or the measurement failed. */
  pass?: boolean;
}

export class Report {
  readonly rows: Row[] = [];

  add(row: Row): void {
    this.rows.push(row);
    const verdict = row.pass === undefined ? '' : row.pass ? '  PASS' : '  FAIL';
    const budget = row.budget ? `  (budget ${row.budget})` : '';
    console.log(`  ${row.bench} · ${row.figure}: ${row.value}${budget}${verdict}`);
  }

  /** A benchmark that threw: it cannot vouch for its budget, so it fails the run. */
  failed(bench: string, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.add({ bench, figure: 'error', value: message.split('\n')[0] ?? message, pass: false });
  }

  get ok(): boolean {
    return this.rows.every((r) => r.pass !== false);
  }

  print(): void {
    const head: Row = { bench: 'Benchmark', figure: 'Figure', value: 'Value', budget: 'Budget' };
    const cells = (r: Row) => [
      r.bench,
      r.figure,
      r.value,
      r.budget ?? '',
      r.pass === undefined ? '' : r.pass ? 'PASS' : 'FAIL'
    ];
    const all = [cells(head).slice(0, 4).concat('Result'), ...this.rows.map(cells)];
    const widths = all[0]?.map((_, i) => Math.max(...all.map((c) => (c[i] ?? '').length))) ?? [];
    const line = (c: string[]) => c.map((s, i) => s.padEnd(widths[i] ?? 0)).join(' | ');
    console.log(`\n${line(all[0] ?? [])}`);
    console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
    for (const c of all.slice(1)) console.log(line(c));
  }
}

export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString('en-US'),
  ms: (n: number) => `${n < 10 ? n.toFixed(2) : n.toFixed(0)} ms`,
  ratio: (n: number) => `${n.toFixed(2)}x`,
  mb: (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`,
  kb: (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`
};
