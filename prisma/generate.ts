// `prisma generate` without network access: Prisma 7's CLI looks for its schema-engine binary
// on every command, but `generate` never runs it. Point it at a placeholder when none is set,
// so generation works offline (CI, this workbook's machines) as well as online.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const placeholder = path.join(os.tmpdir(), 'workbook-prisma-schema-engine-placeholder');
  if (!existsSync(placeholder)) {
    mkdirSync(path.dirname(placeholder), { recursive: true });
    writeFileSync(placeholder, '#!/bin/sh\necho "placeholder: prisma generate does not run the schema engine" >&2\nexit 1\n', { mode: 0o755 });
  }
  env.PRISMA_SCHEMA_ENGINE_BINARY = placeholder;
}
const result = spawnSync('npx', ['prisma', 'generate'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
