/**
 * Command-line flags for the examples: `--epochs 3 --limit 300`, `--help` for the list. A flag
 * takes its type from its default (number, string or boolean); one without a default is an
 * optional number.
 */
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

export interface FlagSpec {
  help: string;
  default?: number | string | boolean;
}

export type Flags<S extends Record<string, FlagSpec>> = {
  [K in keyof S]: S[K]['default'] extends number ? number
    : S[K]['default'] extends string ? string
      : S[K]['default'] extends boolean ? boolean
        : number | undefined;
};

/** Parses process.argv against `spec`; prints the usage and exits on --help or a bad flag. */
export function parseFlags<const S extends Record<string, FlagSpec>>(summary: string, spec: S): Flags<S> {
  const name = basename(process.argv[1] ?? 'example');
  const usage = (): string => {
    const rows = Object.entries(spec).map(([flag, s]) => {
      const arg = typeof s.default === 'boolean' ? '' : typeof s.default === 'string' ? ' PATH' : ' N';
      const def = s.default === undefined || typeof s.default === 'boolean' ? '' : ` (default ${s.default})`;
      return [`  --${flag}${arg}`, `${s.help}${def}`] as const;
    });
    const width = Math.max(...rows.map(([f]) => f.length)) + 2;
    return `${name}: ${summary}\n\nflags:\n${rows.map(([f, h]) => f.padEnd(width) + h).join('\n')}\n  --help${' '.repeat(width - 8)}this list`;
  };
  const fail = (message: string): never => {
    console.error(`${name}: ${message}\n\n${usage()}`);
    process.exit(2);
  };
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const [flag, s] of Object.entries(spec)) options[flag] = { type: typeof s.default === 'boolean' ? 'boolean' : 'string' };
  let values: Record<string, string | boolean | undefined> = {};
  try {
    ({ values } = parseArgs({ options, strict: true }) as { values: Record<string, string | boolean | undefined> });
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    console.log(usage());
    process.exit(0);
  }
  const out: Record<string, number | string | boolean | undefined> = {};
  for (const [flag, s] of Object.entries(spec)) {
    const given = values[flag];
    if (given === undefined) {
      out[flag] = s.default;
    } else if (typeof s.default === 'string' || typeof s.default === 'boolean') {
      out[flag] = given;
    } else {
      const n = Number(given);
      if (given === '' || !Number.isFinite(n)) fail(`--${flag} expects a number, got '${String(given)}'`);
      out[flag] = n;
    }
  }
  return out as Flags<S>;
}
