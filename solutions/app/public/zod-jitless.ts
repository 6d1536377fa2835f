// Imported first by dashboard.ts, so it runs before any module builds a zod schema.
// zod compiles fast parsers with `new Function` after probing whether eval is allowed, and it
// decides when a schema is built, at module load. The page's Content-Security-Policy forbids eval,
// and the probe alone logs a CSP violation in the console. Parse without it.
import { config } from 'zod';

config({ jitless: true });
